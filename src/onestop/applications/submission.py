"""Filing the one form: submit, resubmit after a notice, withdraw."""

from django.db import transaction
from django.utils import timezone

from onestop.events import journal
from onestop.refusals import Invalid
from onestop.rules import pre_examination, window
from onestop.rules.profile import Profile
from onestop.workdays.selectors import calendar_for

from . import completeness, filing
from . import form as one_form
from .drafts import _capture_versions
from .models import Application, Status
from .versions import bundle_version, covered_versions
from .workflow import lock, transition


def _pre_examination_working_days(application: Application) -> int | None:
    """1 working day for category A, 3 for B/C (002 §4b); None where no source sets a limit.

    Read as the checklist reads it; where the profile does not decide it (no category given),
    the longest it may take, so that the due date is never earlier than the rule allows."""
    bundle = bundle_version(application)
    if bundle is None:
        return None
    found = pre_examination.of_bundle(bundle, Profile.model_validate(application.profile))
    return found.at_most_working_days if found else None


def _check_complete(application: Application) -> list:
    """Refused unless complete; answers the application's covered versions, read once here."""
    versions = covered_versions(application)
    sections = one_form.sections_for(application, versions)
    errors = one_form.check(application.form, sections, complete=True)
    # Every material that applies uploaded and every fact the rules need given (004 附件1).
    errors += [completeness.error(item) for item in completeness.missing(application, versions)]
    if errors:
        raise Invalid(errors)
    filing.check_filer(application)
    return versions


# What _start_pre_examination sets: a filing saves these (its status the transition saved), not
# the whole row, whose form would be encrypted and written again unchanged.
PRE_EXAMINATION_FIELDS = [
    "pre_examination_due",
    "pre_examination_due_provisional",
    "submitted_at",
    "updated_at",
]


def _start_pre_examination(application: Application) -> None:
    today = timezone.localdate()
    days = _pre_examination_working_days(application)
    if days is not None:
        due = calendar_for(application.region.code).add_working_days(today, days)
        application.pre_examination_due = due.due
        application.pre_examination_due_provisional = due.provisional
    else:
        application.pre_examination_due = None
    application.submitted_at = timezone.now()


@transaction.atomic
def submit(application: Application, actor) -> Application:
    """File the form: complete, under the catalog versions in force today; answers a number."""
    application = lock(application)  # the region comes along: the files' check names it
    versions = _check_complete(application)
    application = transition(application, "submit", actor, locked=True)
    _capture_versions(application, recorded=[v.pk for v in versions])
    application.number = window.application_number(
        application.region, timezone.localdate().year, application.pk
    )
    _start_pre_examination(application)
    application.save(update_fields=["number", *PRE_EXAMINATION_FIELDS])
    # The submit event was appended before the number existed, so the journal (which names
    # every event by its number) records it here.
    journal.record(
        "application",
        "submit",
        application_number=application.number,
        region=application.region.code,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        occurred_at=application.submitted_at,
    )
    return application


@transaction.atomic
def resubmit(application: Application, actor) -> Application:
    """File again after a one-time notice; the corrected form keeps everything else."""
    application = lock(application)
    _check_complete(application)
    application = transition(application, "resubmit", actor, locked=True)
    _start_pre_examination(application)
    application.save(update_fields=PRE_EXAMINATION_FIELDS)
    return application


def withdraw(application: Application, actor, reason: str) -> Application:
    return transition(application, "withdraw", actor, reason=reason)
