"""Reads: the pre-examination queue, the window's lookup, the names of an application's files."""

from django.db.models import F

from onestop.accounts.models import Role
from onestop.accounts.roles import regions_of

from .models import Application, Status


def pre_examination_queue(user):
    """Submitted applications of the examiner's regions, the nearest due date first."""
    regions = regions_of(user, Role.PRE_EXAMINER)
    return (
        Application.objects.filter(region__in=regions, status=Status.SUBMITTED)
        .select_related("region", "bundle", "matter", "employer")
        .order_by(F("pre_examination_due").asc(nulls_last=True), "submitted_at")
    )


def window_lookup(user, query: str):
    """An application of the clerk's regions by application or acceptance number."""
    regions = regions_of(user, Role.WINDOW_CLERK)
    query = (query or "").strip().upper()
    if not query:
        return None
    return (
        Application.objects.filter(region__in=regions).filter(number=query).first()
        or Application.objects.filter(region__in=regions, acceptance_number=query).first()
    )


def file_names(application: Application) -> dict[int, str]:
    """The name of every file given for the application, replaced and removed ones too: the
    history names the files its events are about."""
    return dict(application.uploads.values_list("pk", "original_name"))
