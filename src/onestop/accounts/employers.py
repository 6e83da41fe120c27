"""An employer on the platform: registered by a person who becomes its first handler, verified
by a window clerk of its region, its handlers added and removed by its handlers.

Who verifies: the window clerk of the employer's region. The comprehensive window is where the
one-stop service checks presented documents against their originals (the business licence
among them) and answers for what the window receives; a supervisor watches the work of the
window and should not do it, and a pre-examiner reads applications, not the units behind them.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from onestop.audit.chain import append
from onestop.catalog import selectors
from onestop.refusals import NotAllowed, Refused

from . import credit_codes, roles
from .models import Assignment, Employer, Role

VERIFIER = Role.WINDOW_CLERK


def _audit(action: str, acting_user, role: str, employer: Employer, **where) -> None:
    append(
        action,
        actor=acting_user,
        actor_role=role,
        object_type=where.get("object_type", "employer"),
        object_ref=where.get("object_ref", employer.credit_code),
        region=employer.region.code,
    )


@transaction.atomic
def register_employer(
    acting_user, *, credit_code: str, name_zh: str, name_en: str, region: str
) -> Employer:
    """A new, unverified employer, with `acting_user` its first handler."""
    code = credit_codes.normalised(credit_code)
    name_zh, name_en = (name_zh or "").strip(), (name_en or "").strip()
    if not name_zh:
        raise Refused(
            "employer.name_missing",
            "Give the employer's name in Chinese, as on its business licence.",
            "请填写营业执照上的单位中文名称。",
            field="name_zh",
        )
    found_region = selectors.region(region or "")
    if found_region is None:
        raise Refused(
            "employer.region_unknown",
            "Choose the region where the employer is registered.",
            "请选择单位注册所在地区。",
            field="region",
        )
    if Employer.objects.filter(credit_code=code).exists():
        raise Refused(
            "employer.already_registered",
            "An employer with this credit code is registered already. Ask one of its handlers "
            "to add you.",
            "该统一社会信用代码的单位已注册。请联系该单位的经办人将您添加为经办人。",
            field="credit_code",
        )
    employer = Employer.objects.create(
        credit_code=code, name_zh=name_zh[:200], name_en=name_en[:200], region=found_region
    )
    Assignment.objects.create(user=acting_user, role=Role.EMPLOYER_HANDLER, employer=employer)
    _audit("employer.register", acting_user, Role.EMPLOYER_HANDLER, employer)
    return employer


def unverified_for(acting_user):
    """The unverified employers of the regions where `acting_user` verifies, oldest first."""
    return (
        Employer.objects.filter(
            verified_at__isnull=True, region__in=roles.regions_of(acting_user, VERIFIER)
        )
        .select_related("region")
        .order_by("pk")
    )


def get_unverified_for(acting_user, pk: int) -> Employer:
    found = unverified_for(acting_user).filter(pk=pk).first()
    if found is None:
        raise Refused(
            "employer.not_found",
            "No employer waiting for verification in your regions has this number.",
            "您所在地区没有该编号的待核验单位。",
        )
    return found


@transaction.atomic
def verify(employer: Employer, acting_user) -> Employer:
    """The employer verified by a window clerk of its region, who has checked its business
    licence against the code and name given."""
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if not roles.holds(acting_user, VERIFIER, region=employer.region):
        raise NotAllowed(
            "employer.verify_not_allowed",
            "Only a window clerk of the employer's region verifies it.",
            "只有单位所在地区的窗口工作人员可以核验该单位。",
        )
    if employer.is_verified:
        return employer
    employer.verified_at = timezone.now()
    employer.verified_by = acting_user
    employer.save(update_fields=["verified_at", "verified_by"])
    _audit("employer.verify", acting_user, VERIFIER, employer)
    return employer


def employer_for(acting_user, pk: int) -> Employer:
    """The employer if `acting_user` is one of its handlers; one refusal for missing and not
    theirs."""
    found = (
        Employer.objects.filter(
            pk=pk, handlers__user=acting_user, handlers__role=Role.EMPLOYER_HANDLER
        )
        .select_related("region")
        .first()
    )
    if found is None:
        raise NotAllowed(
            "employer.not_yours",
            "You are not a handler of this employer.",
            "您不是该单位的经办人。",
        )
    return found


def handlers_of(employer: Employer):
    return (
        Assignment.objects.filter(employer=employer, role=Role.EMPLOYER_HANDLER)
        .select_related("user")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def add_handler(employer: Employer, acting_user, *, email: str) -> Assignment:
    """A registered, active person (by e-mail address) made a handler of the employer."""
    employer = employer_for(acting_user, employer.pk)
    person = (
        get_user_model()
        .objects.filter(email__iexact=(email or "").strip(), is_active=True)
        .exclude(email="")
        .first()
    )
    if person is None:
        raise Refused(
            "employer.handler_unknown",
            "Nobody with a verified account has this e-mail address. Ask the person to register "
            "first.",
            "没有使用该电子邮箱地址且已验证的账户。请对方先注册。",
            field="email",
        )
    if handlers_of(employer).filter(user=person).exists():
        raise Refused(
            "employer.handler_already",
            "This person is a handler of the employer already.",
            "此人已是该单位的经办人。",
            field="email",
        )
    assignment = Assignment.objects.create(
        user=person, role=Role.EMPLOYER_HANDLER, employer=employer
    )
    _audit(
        "employer.handler_add",
        acting_user,
        Role.EMPLOYER_HANDLER,
        employer,
        object_type="assignment",
        object_ref=str(assignment.pk),
    )
    return assignment


@transaction.atomic
def remove_handler(employer: Employer, acting_user, *, assignment_id: int) -> None:
    """One handler of the employer removed; never the last one, who would leave it unhandled."""
    employer = employer_for(acting_user, employer.pk)
    # Locked in one order, so that two handlers removing each other cannot both succeed.
    handlers = list(handlers_of(employer).select_for_update())
    assignment = next((a for a in handlers if a.pk == assignment_id), None)
    if assignment is None:
        raise Refused(
            "employer.handler_not_found",
            "This person is not a handler of the employer.",
            "此人不是该单位的经办人。",
        )
    if len(handlers) == 1:
        raise Refused(
            "employer.last_handler",
            "An employer keeps at least one handler: add another before removing this one.",
            "单位至少须保留一名经办人：请先添加其他经办人再移除此人。",
        )
    assignment.delete()
    _audit(
        "employer.handler_remove",
        acting_user,
        Role.EMPLOYER_HANDLER,
        employer,
        object_type="assignment",
        object_ref=str(assignment_id),
    )
