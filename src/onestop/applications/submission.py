"""Filing the one form: submit, resubmit after a notice, withdraw."""

from django.db import transaction
from django.utils import timezone

from onestop.refusals import Invalid
from onestop.rules import pre_examination, window
from onestop.rules.profile import Profile
from onestop.workdays.selectors import calendar_for

from . import completeness, filing
from . import form as one_form
from .drafts import _capture_versions
from .models import Application
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
    # The region comes along (the files' check names it), and the employer the filer's check reads.
    application = lock(application, "employer")
    versions = _check_complete(application)
    _capture_versions(application, recorded=[v.pk for v in versions])
    # Numbered and given its pre-examination dates (under the bundle's version just recorded)
    # before the transition, which saves them with the status (workflow.FILING_FIELDS) and
    # journals its event under the number.
    application.number = window.application_number(
        application.region, timezone.localdate().year, application.pk
    )
    _start_pre_examination(application)
    return transition(application, "submit", actor, locked=True)


@transaction.atomic
def resubmit(application: Application, actor) -> Application:
    """File again after a one-time notice; the corrected form keeps everything else."""
    application = lock(application, "employer")
    _check_complete(application)
    _start_pre_examination(application)
    return transition(application, "resubmit", actor, locked=True)


def withdraw(application: Application, actor, reason: str) -> Application:
    return transition(application, "withdraw", actor, reason=reason)
