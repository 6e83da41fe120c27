"""The one-form flow through the domain's write functions, as the pages and the API call them:
file (create_draft, submit), pre-examination passed, accepted and routed at the window."""

from dataclasses import dataclass

FORM = {
    "surname": "Wilson",
    "given_name": "John",
    "nationality": "USA",
    "date_of_birth": "1990-08-20",
    "sex": "M",
    "email": "bench@example.com",
    "address_in_china": "北京市朝阳区某路1号",
    "phone": "15800000000",
    "passport_type": "ordinary",
    "passport_number": "E00000001",
    "passport_valid_until": "2031-08-20",
    "residence_purpose": "employee",
    "residence_valid_until": "2028-12-31",
    "employer_name": "甲公司",
    "employer_credit_code": "91110000BENCH0001X",
    "position": "Engineer",
    "declaration": True,
}
PROFILE = {
    "talent_category": "B",
    "in_mainland": True,
    "job_type": "ordinary",
    "date_of_birth": "1990-08-20",
    "requested_validity_days": 730,
    "has_mainland_household_registration": False,
}


@dataclass
class People:
    handler: object
    examiner: object
    clerk: object
    employer_code: str


def people() -> People:
    """An employer's handler, Beijing's pre-examiner and window clerk."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User

    from onestop.accounts.models import Assignment, Employer, Role
    from onestop.catalog.models import Region

    beijing = Region.objects.get(code="beijing")
    employer = Employer.objects.create(
        name_zh="甲公司",
        name_en="Company X",
        credit_code=FORM["employer_credit_code"],
        region=beijing,
    )

    def person(name: str, role: str, **where):
        user = User.objects.create(username=f"bench.{name}", password=make_password(None))
        Assignment.objects.create(user=user, role=role, **where)
        return user

    return People(
        handler=person("handler", Role.EMPLOYER_HANDLER, employer=employer),
        examiner=person("examiner", Role.PRE_EXAMINER, region=beijing),
        clerk=person("clerk", Role.WINDOW_CLERK, region=beijing),
        employer_code=employer.credit_code,
    )


def passport_number(n: int) -> str:
    return f"E{n:08d}"


def file(who: People, n: int):
    """Application n of the two permits, filed by the employer's handler: submitted."""
    from onestop.applications import drafts, submission

    application = drafts.create_draft(
        who.handler,
        "beijing",
        bundle="two_permits",
        employer_code=who.employer_code,
        profile=PROFILE,
        form={**FORM, "passport_number": passport_number(n)},
    )
    return submission.submit(application, who.handler)


def accept(who: People, application):
    """Pre-examination passed, then accepted at the window: one case per matter, routed."""
    from onestop.applications import pre_examination
    from onestop.applications.drafts import materials_of
    from onestop.cases import acceptance

    application = pre_examination.pass_pre_examination(application, who.examiner)
    originals = [
        (m["matter"], m["code"])
        for m in materials_of(application)
        if m["applies"] is True and not m["exempt"]
    ]
    return acceptance.accept(application, who.clerk, originals_checked=originals)
