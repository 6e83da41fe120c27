"""Public pages: thin views over the catalog selectors."""

from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from onestop.catalog import citations, generations, selectors

from .kept_pages import kept_page


def _region_or_404(code: str):
    region = selectors.region(code)
    if region is None:
        raise Http404
    return region


# The home page's list of every region's offer, rendered once per catalog generation, language
# and day (the versions in force change with the day): rendering it was most of the page's time.
# Signed-in readers use it; anonymous ones get the whole page kept (kept_pages.py).
_offers_html = generations.Kept(generations.CATALOG)


def _offers() -> str:
    offers = [
        {
            "region": r,
            "matters": selectors.matter_versions(r),
            "bundles": selectors.bundle_versions(r),
        }
        for r in selectors.regions()
    ]
    return render_to_string("web/home_offers.html", {"offers": offers})


@kept_page
def home(request):
    offers = _offers_html.get((get_language(), timezone.localdate()), _offers)
    return render(request, "web/home.html", {"offers": offers})


@kept_page
def region_matters(request, region):
    region = _region_or_404(region)
    return render(
        request,
        "web/region.html",
        {
            "region": region,
            "matters": selectors.matter_versions(region),
            "bundles": selectors.bundle_versions(region),
            # Bundles list their matters by code; people read their names.
            "matter_names": {v.matter.code: v.name for v in selectors.matter_versions(region)},
        },
    )


@kept_page
def sources(request):
    """Every source the catalog cites, with its title, issuer and date: what citations link to."""
    return render(request, "web/sources.html", {"sources": citations.sources()})


@kept_page
def region_halls(request, region):
    region = _region_or_404(region)
    return render(
        request,
        "web/halls.html",
        {
            "region": region,
            "halls": [selectors.hall_summary(h) for h in selectors.halls(region)],
        },
    )


@kept_page
def matter_guide(request, region, matter):
    region = _region_or_404(region)
    version = selectors.matter_version(region, matter)
    if version is None:
        raise Http404
    return render(request, "web/guide.html", {"region": region, "guide": selectors.guide(version)})
