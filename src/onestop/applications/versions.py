"""The catalog versions an application is read under: its bundle's and those of the matters it
covers, as it recorded them (today's while it is a draft), served as the process keeps the
published catalog (catalog/selectors.py)."""

from onestop.catalog import selectors
from onestop.catalog.models import MatterVersion

from . import read_along
from .models import Application


def with_catalog(application: Application) -> Application:
    """The application's region, bundle and matter taken from the catalog this process keeps
    where it has not read them: checks that name them (booking) read no row for them."""
    for name in ("region", "bundle", "matter"):
        relation = getattr(Application, name)
        key = getattr(application, relation.field.attname)
        if key is not None and not relation.is_cached(application):
            kept = selectors.identity(relation.field.related_model, key)
            if kept is not None:
                setattr(application, name, kept)
    return application


def bundle_version(application: Application):
    """The bundle's rules the application was filed under (today's while it is a draft)."""
    if not application.bundle_id:
        return None
    if application.bundle_version_id:
        return selectors.bundle_version_by_pk(application.bundle_version_id)
    return next(
        v
        for v in selectors.bundle_versions(application.region)
        if v.bundle_id == application.bundle_id
    )


def covered_versions(application: Application) -> list[MatterVersion]:
    """The catalog version of every matter the application covers, as it recorded them, in its
    order (published versions never change: they are served as the process keeps them)."""
    return selectors.matter_versions_by_pk(covered_pks(application))


def covered_pks(application: Application) -> list[int]:
    """The keys of the catalog versions the application covers, as it recorded them, in order."""
    along = read_along.take(application, read_along.COVERED)
    if along is not None:
        return [pk for _, pk in sorted(along)]
    # By position alone: the model's ordering starts with the application, which would join
    # its table to sort the rows of one application.
    found = application.covered.order_by("position")
    return list(found.values_list("matter_version_id", flat=True))
