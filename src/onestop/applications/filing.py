"""Who may file: an employer's handler only once the employer is verified, an agent only where
the rules let one apply for the person (002 §6 (1)) and only as a unit the rules name."""

from onestop.accounts import roles
from onestop.accounts.models import Employer, Role
from onestop.refusals import Invalid
from onestop.rules.agents import agent_may_file
from onestop.rules.profile import Profile

from .models import Application

# 002 §6 (1): "可以委托邀请单位或者专门服务机构代为申请": the inviting unit (an employer's
# handler) or a specialised service agency (an agent).
AGENT_ROLES = (Role.AGENT, Role.EMPLOYER_HANDLER)


def check_employer(employer: Employer | None) -> None:
    """Refused while the employer is not verified by its region's staff."""
    if employer is not None and not employer.is_verified:
        raise Invalid(
            [
                {
                    "field": "employer",
                    "code": "employer.not_verified",
                    "message_en": "Your employer is not verified yet: the window staff of its "
                    "region check it first. You can file for it once they have.",
                    "message_zh": "贵单位尚未通过核验：须先由所在地区的窗口工作人员核验，"
                    "核验通过后方可代为申请。",
                }
            ]
        )


def check_agent_role(actor) -> None:
    """Only the units the rules name apply for someone else."""
    if not any(roles.holds(actor, role) for role in AGENT_ROLES):
        raise Invalid(
            [
                {
                    "field": "as_agent",
                    "code": "application.agent_role_missing",
                    "message_en": "Only a specialised service agency or the inviting employer "
                    "may apply for someone else.",
                    "message_zh": "只有专门服务机构或邀请单位可以代为申请。",
                }
            ]
        )


def check_filer(application: Application) -> None:
    """At submission: the employer still verified; for an agent's application, every matter
    one an agent may file for this person, on the facts given."""
    if application.employer_id:
        check_employer(application.employer)
    if not application.agent_id:
        return
    profile = Profile.model_validate(application.profile)
    versions = application.covered.select_related("matter_version__matter").order_by("position")
    for covered in versions:
        answer = agent_may_file(covered.matter_version, profile)
        if answer.allowed is not True:
            raise Invalid(
                [
                    {
                        "field": "as_agent",
                        "code": "application.agent_not_allowed",
                        "message_en": f"An agent may not file {answer.matter_en} for this person "
                        f"on the facts given ({answer.source}): {answer.en}",
                        "message_zh": f"根据所填信息，代办人不能代此人申请{answer.matter_zh}"
                        f"（{answer.source}）：{answer.zh}",
                    }
                ]
            )
