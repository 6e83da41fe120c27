"""The applicant's wizard "What do I need?": choose a matter, answer its questions, read the answer.

Thin: the answers become a Profile, rules.checklist decides, the templates show. The answers are
posted, then the result lives at a GET address holding them (checklist_address.py keeps the date of
birth and income figures out of it), so it can be reloaded, bookmarked, shared and printed.
Nothing is stored or logged.
"""

from typing import NamedTuple
from urllib.parse import urlencode

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from onestop.catalog import selectors
from onestop.catalog.models import BundleVersion, MatterVersion, Region
from onestop.rules.checklist import checklist
from onestop.rules.checklist import given as parts_given
from onestop.rules.profile import FACTS, Profile
from onestop.rules.questions import questions_for

from . import checklist_address
from .fact_questions import label, read_answers, rows, typed
from .privacy import private


class Chosen(NamedTuple):
    region: Region
    matter: str | None
    bundle: str | None
    version: MatterVersion | BundleVersion


def choose(request):
    """Page 1: the region, then a matter or a bundle it offers."""
    region = None
    if request.GET.get("region"):
        region = selectors.region(request.GET["region"])
        if region is None:
            raise Http404
    return render(
        request,
        "web/checklist/choose.html",
        {
            "regions": selectors.regions(),
            "region": region,
            "matters": selectors.matter_versions(region) if region else [],
            "bundles": selectors.bundle_versions(region) if region else [],
        },
    )


@private
def questions(request):
    """Page 2: only the questions the chosen matter's or bundle's rules read (answers kept when
    the applicant comes back to change them)."""
    chosen = _chosen(request)
    return _questions_page(request, chosen, questions_for(chosen.version), errors={})


@private
def result(request):
    """The personal checklist at its own address; answers that cannot be right send the applicant
    back to page 2. Posted answers move to the address (303), unless they hold figures an address
    never carries: then the checklist is shown from the post, with the address that leaves them
    out."""
    chosen = _chosen(request)
    asked = questions_for(chosen.version)
    today = timezone.localdate()
    if request.method == "POST":
        typed_answers = typed(request.POST, asked)
    else:
        typed_answers = checklist_address.answers_from(request.GET, asked, today)
    answers = read_answers(typed_answers, asked)
    try:
        profile = Profile.model_validate(answers)
    except ValidationError as exc:
        return _questions_page(
            request, chosen, asked, errors=_all_errors(exc, answers, asked), given=typed_answers
        )
    address = f"{reverse('web:checklist-result')}?" + checklist_address.query(
        request.POST or request.GET, typed_answers, today
    )
    withheld = checklist_address.withheld(typed_answers)
    if request.method == "POST" and not withheld:
        see_other = HttpResponseRedirect(address)
        see_other.status_code = 303  # the reload of the result is a GET, never a repost
        return see_other
    answer = checklist(chosen.region.code, profile, matter=chosen.matter, bundle=chosen.bundle)
    return render(
        request,
        "web/checklist/result.html",
        {
            "chosen": chosen,
            "answer": answer,
            "given": parts_given(chosen.version),
            "missing": [label(name) for name in answer["missing_facts"]],
            "groups": _material_groups(answer),
            "query": _choice_query(request.POST or request.GET),
            "address": address,
            "withheld": [label(name) for name in withheld],
            # An address gives the age, not the date of birth: that is asked again on change.
            "answers": [
                (name, text)
                for name, text in typed_answers.items()
                if text and (request.method == "POST" or name != "date_of_birth")
            ],
        },
    )


def _choice_query(data) -> str:
    """The region and matter or bundle only: codes, no answers."""
    return urlencode({k: data[k] for k in ("region", "matter", "bundle") if data.get(k)})


def _chosen(request) -> Chosen:
    """The region and the matter or bundle asked for; anything not offered is a 404."""
    data = request.POST if request.POST.get("region") else request.GET
    region = selectors.region(data.get("region", ""))
    matter = data.get("matter") or None
    bundle = data.get("bundle") or None
    if region is None or (matter is None) == (bundle is None):
        raise Http404
    if matter is not None:
        version = selectors.matter_version(region, matter)
    else:
        version = next(
            (v for v in selectors.bundle_versions(region) if v.bundle.code == bundle), None
        )
    if version is None:
        raise Http404
    return Chosen(region, matter, bundle, version)


def _questions_page(
    request, chosen: Chosen, asked: list[str], errors: dict, given: dict | None = None
):
    if given is None:
        given = typed(request.POST, asked) if request.method == "POST" else {}
    return render(
        request,
        "web/checklist/questions.html",
        {
            "chosen": chosen,
            "questions": rows(asked, given, errors),
            "form_errors": errors.get(None, []),
            "has_errors": bool(errors),
        },
    )


def _all_errors(exc: ValidationError, answers: dict, asked: list[str]) -> dict:
    """Every answer's error at once: the profile's checks across fields (a birth after the
    application) run only once each field is valid, so the valid answers are checked again."""
    errors = _errors(exc, asked)
    valid = {name: value for name, value in answers.items() if name not in errors}
    if len(valid) < len(answers):
        try:
            Profile.model_validate(valid)
        except ValidationError as more:
            for name, message in _errors(more, asked).items():
                if name is None:
                    errors.setdefault(None, []).extend(message)
                else:
                    errors.setdefault(name, message)
    return errors


def _errors(exc: ValidationError, asked: list[str]) -> dict:
    """Field name -> one message in the active language; None -> messages of no single field."""
    errors: dict = {}
    for error in exc.errors():
        loc = error["loc"]
        if loc:
            name = loc[0]
        else:
            # The profile's checks across fields name the field first ("date_of_birth cannot ...").
            words = str(error.get("ctx", {}).get("error", "")).split()
            name = words[0] if words else None
        message = _message(name, error)
        if name in asked:
            errors.setdefault(name, message)
        else:
            errors.setdefault(None, []).append(message)
    return errors


def _message(name: str | None, error: dict) -> str:
    kind = FACTS[name][2] if name in FACTS else None
    problem, ctx = error["type"], error.get("ctx", {})
    if problem == "greater_than_equal":
        return _("Too small: the smallest possible answer is %(limit)s.") % {"limit": ctx["ge"]}
    if problem == "less_than_equal":
        return _("Too large: the largest possible answer is %(limit)s.") % {"limit": ctx["le"]}
    if problem == "too_long":
        return _("Give at most %(limit)s numbers.") % {"limit": ctx["max_length"]}
    if problem == "value_error" and "between" in str(ctx.get("error", "")):
        return _("Enter a date between 1900 and 2099.")
    if problem == "value_error" and name == "date_of_birth":
        return _(
            "The date of birth cannot be after the date of application "
            "(today, when that is left empty)."
        )
    if kind == "date":
        return _("Enter a real date as year-month-day, for example 1990-05-31.")
    if kind == "int" or (kind == "numbers" and problem.startswith("int")):
        return _("Enter a whole number, using digits only.")
    if kind in ("number", "numbers"):
        return _("Enter a number, using digits and a decimal point only.")
    if kind == "text":
        return _("Enter the three-letter ISO code of the country, for example DEU.")
    if kind in ("bool", "choice"):
        return _("Choose one of the answers offered.")
    return _("This answer is not possible.")


def _material_groups(answer: dict) -> list[dict]:
    """The materials as the applicant reads them: by matter in a bundle, by route where a matter
    has routes, otherwise one list."""
    if "matters" in answer:
        names = {member["matter"]: member["name"] for member in answer["matters"]}
        groups = []
        for member in answer["matters"]:
            materials = [
                {**m, "also_for": [names[code] for code in m["matters"][1:]]}
                for m in answer["materials"]
                if m["matters"][0] == member["matter"]
            ]
            materials += [m for m in member["materials"] if m.get("exempt")]
            groups.append(
                {"title": member["name"], "optional": member["optional"], "materials": materials}
            )
        return groups
    if answer.get("routes"):
        common = [m for m in answer["materials"] if "route" not in m]
        groups = [{"title": None, "materials": common}] if common else []
        for route in answer["routes"]:
            groups.append(
                {
                    "title": route["name"],
                    "route": route,
                    "materials": [
                        m for m in answer["materials"] if m.get("route") == route["code"]
                    ],
                }
            )
        return groups
    return [{"title": None, "materials": answer["materials"]}]
