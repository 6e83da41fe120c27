"""Starting a permit's renewal from the employer's staff page: a draft of the renewal matter
(rules/renewal.py: residence_permit.renew, work_permit.extend) filed by the employer's handler,
prefilled from the application that produced the permit."""

from django.db import transaction
from django.http import Http404

from onestop.accounts.roles import employers_of
from onestop.applications import drafts
from onestop.applications.models import Application
from onestop.rules import renewal

from .models import Case
from .permits import PRODUCED


def permit_case_for(user, pk: int) -> Case:
    """A produced permit's case of an employer `user` handles; one 404 for a case that does not
    exist, that is not a permit, and one of another employer."""
    case = (
        Case.objects.filter(
            pk=pk,
            status__in=PRODUCED,
            result__isnull=False,
            application__employer__in=employers_of(user),
        )
        .select_related("application__employer", "application__region", "matter_version__matter")
        .first()
    )
    if case is None or renewal.rule_for(case.matter_version.matter.code) is None:
        raise Http404
    return case


@transaction.atomic
def start_renewal(acting_user, case: Case, *, language: str = "en") -> Application:
    """A draft of the permit's renewal matter in the case's region, for the same employer, with
    the person's answers of the last application and the permit held now as the current
    document (004 附件4 §3)."""
    rule = renewal.rule_for(case.matter_version.matter.code)
    form = {}
    if rule.family == "residence_permit":
        form = {
            "current_document": "residence_permit",
            "current_document_number": case.result.get("number", ""),
            "current_document_valid_until": case.result["valid_until"],
        }
    return drafts.create_draft(
        acting_user,
        case.application.region.code,
        matter=rule.renewal_matter,
        employer_code=case.application.employer.credit_code,
        form=form,
        language=language,
        earlier=case.application,
    )
