"""Applications at each state of their workflow, made through the domain's write functions as
the pages and the API call them: `ApplicationFactory()` is a draft, then one trait per state:
`submitted=True`, `pre_examined=True`, `correction_requested=True`, `accepted=True` (routed: one
case per matter), `not_accepted=True`.

By default the employer's handler files Beijing's two permits for a category B employee with
FORM; `region=`, `bundle=` or `matter=`, `category=`, `profile=`, `form=` (the whole form:
`form_for(matter, **changes)` is FORM changed), `filed_by=` change that; `uploads=` gives files
while it is a draft. Every state past the draft is filed complete: a scan is uploaded for each
material still missing (applications/completeness.py) before submission. The region's examiner
and clerk act unless `examiner=` / `clerk=` are given (accounts.regional).
"""

import base64

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from onestop.accounts.models import Employer, Role
from onestop.applications import completeness, drafts, pre_examination, submission
from onestop.applications.models import Application
from onestop.cases import acceptance
from onestop.catalog import selectors
from onestop.rules import bundles, materials
from onestop.rules import completeness as completeness_rules
from onestop.rules.checklist import version_for
from onestop.rules.profile import Profile

from .accounts import HandlerFactory, PersonFactory, regional

FORM = {
    "surname": "Wilson",
    "given_name": "John",
    "nationality": "USA",
    "date_of_birth": "1990-08-20",
    "sex": "M",
    "address_in_china": "北京市朝阳区某路1号",
    "phone": "15800000000",
    "passport_type": "ordinary",
    "passport_number": "E00000001",
    "passport_valid_until": "2031-08-20",
    "residence_purpose": "employee",
    "residence_valid_until": "2028-12-31",
    "employer_name": "甲公司",
    "employer_credit_code": "91110000XXXXXXXXX1",
    "position": "Engineer",
    "declaration": True,
}
# The residence permit's own part of the form (the permanent residence form has none of it).
RESIDENCE_FIELDS = (
    "residence_purpose",
    "residence_valid_until",
    "employer_name",
    "employer_credit_code",
    "position",
)
# A one-time notice of two defects, a material and a field (004 item 35).
DEFECTS = [
    {
        "kind": "material",
        "matter": "residence_permit.issue",
        "code": "accommodation_registration",
        "reason_en": "Expired",
        "reason_zh": "已过期",
    },
    {
        "kind": "field",
        "code": "passport_valid_until",
        "reason_en": "Does not match the scan",
        "reason_zh": "与扫描件不一致",
    },
]


def profile(category="B") -> dict:
    """A worker in the mainland, born 1990, of the form's nationality, asking for a two-year
    residence permit."""
    return {
        "nationality": FORM["nationality"],
        "talent_category": category,
        "in_mainland": True,
        "job_type": "ordinary",
        "date_of_birth": "1990-08-20",
        "requested_validity_days": 730,
        "has_mainland_household_registration": False,
    }


# The stay permit's own part: a crew member leaving the port city (004).
STAY = {"stay_kind": "crew", "stay_valid_until": "2027-01-31"}


def form_for(matter: str | None, **changes) -> dict:
    """FORM with `changes`; without the residence permit's part for another single matter, with
    the stay permit's for a stay permit."""
    form = FORM
    if matter and not matter.startswith("residence_permit."):
        form = {k: v for k, v in FORM.items() if k not in RESIDENCE_FIELDS}
    if matter and matter.startswith("stay_permit."):
        form = {**form, **STAY}
    return {**form, **changes}


# A Zhongguancun high-level talent, never Chinese: the first route of permanent residence
# (001 一(一)), every fact its materials read given.
PERMANENT_RESIDENCE = {"zgc_high_level_talent": True, "formerly_chinese": False}


def profile_for(matter: str | None, category: str = "B") -> dict:
    """The facts the subject's rules read: a crew member for a stay permit, a Zhongguancun
    talent for permanent residence, else profile()."""
    if matter and matter.startswith("stay_permit."):
        return {"stay_reason": "crew"}
    if matter and matter.startswith("permanent_residence."):
        return {**profile(category), **PERMANENT_RESIDENCE}
    return profile(category)


PDF = (  # the smallest readable PDF: one blank page
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


def scans(region: str, profile: dict, *, bundle: str | None = None, matter: str | None = None):
    """The API's `files` for a new application: a scan of every material that applies, as
    the applicant gives them with the one form."""
    version = version_for(region, bundle=bundle, matter=matter)
    codes = bundles.member_codes(version) if bundle else [matter]
    where = selectors.region(region)
    versions = [selectors.matter_version(where, code) for code in codes]
    found = materials.materials_of(
        versions, Profile.model_validate(profile), version if bundle else None
    )
    return [
        scan(m["matter"], m["code"])
        for m in found
        if m["applies"] is True and not m["exempt"] and not completeness_rules.shown_at_window(m)
    ]


def scan(matter: str, material: str) -> dict:
    """One entry of the API's `files`: a one-page PDF for the material."""
    return {
        "matter": matter,
        "material": material,
        "name": f"{material}.pdf",
        "content_base64": base64.b64encode(PDF).decode(),
    }


# What scans(...) gives for Beijing's two permits of profile(): for tests that cannot ask the
# database (a served deployment's clients).
TWO_PERMITS_SCANS = (
    ("work_permit.issue", "online_attachments"),
    ("work_permit.issue", "handler_identity"),
    ("residence_permit.issue", "passport"),
    ("residence_permit.issue", "application_form"),
    ("residence_permit.issue", "accommodation_registration"),
    ("residence_permit.issue", "health_check_certificate"),
    ("residence_permit.issue", "employer_letter"),
)


def upload_missing(application: Application, person) -> None:
    """A scan for every material the application still lacks (completeness.missing), as the
    applicant uploads them before filing."""
    for item in completeness.missing(application):
        if item["kind"] == "material":
            drafts.add_upload(
                application,
                person,
                matter_code=item["matter"],
                material_code=item["code"],
                uploaded_file=SimpleUploadedFile(f"{item['code']}.pdf", PDF, "application/pdf"),
            )


def originals_checked(application: Application) -> list[tuple[str, str]]:
    """The originals the window checks against their copies: every material that applies and
    is not exempt (acceptance.accept's list), as (matter, material)."""
    return [
        (m["matter"], m["code"])
        for m in drafts.materials_of(application)
        if m["applies"] is True and not m["exempt"]
    ]


def originals(filed: dict | Application) -> list[str]:
    """The same list as the API and the window page take it ("matter/material"), of an
    application or from the API's answer on one."""
    if isinstance(filed, Application):
        return [f"{matter}/{code}" for matter, code in originals_checked(filed)]
    return [
        f"{m['matter']}/{m['code']}" for m in filed["materials"] if m["applies"] and not m["exempt"]
    ]


def traits(*stages: str, **parameters) -> type:
    """A factory's Params: one trait per state, each the state the factory drives to (its
    `stage`), and the other parameters given."""
    return type("Params", (), {**{s: factory.Trait(stage=s) for s in stages}, **parameters})


def _employer_code(person) -> str | None:
    employer = Employer.objects.filter(
        handlers__user=person, handlers__role=Role.EMPLOYER_HANDLER
    ).first()
    return employer.credit_code if employer else None


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    Params = traits(
        "submitted",
        "pre_examined",
        "accepted",
        "correction_requested",
        "not_accepted",
        category="B",
    )

    stage = "draft"
    region = "beijing"
    matter = None
    bundle = factory.LazyAttribute(lambda o: None if o.matter else "two_permits")
    profile = factory.LazyAttribute(lambda o: profile_for(o.matter, o.category))
    form = factory.LazyAttribute(lambda o: form_for(o.matter))
    # The employer's handler files two permits; a person files a single matter for themself.
    filed_by = factory.LazyAttribute(lambda o: PersonFactory() if o.matter else HandlerFactory())
    as_agent = False
    language = "en"
    examiner = None
    clerk = None
    defects = factory.LazyFunction(lambda: [dict(d) for d in DEFECTS])
    # Files given while it is a draft: (matter, material, an uploaded file) each.
    uploads = ()

    @classmethod
    def _create(cls, model_class, *, stage, examiner, clerk, defects, uploads, filed_by, **filing):
        # An employer's handler files for the employer, unless acting as an agent.
        employer_code = None if filing["as_agent"] else _employer_code(filed_by)
        application = drafts.create_draft(
            filed_by, filing.pop("region"), employer_code=employer_code, **filing
        )
        for matter, material, uploaded_file in uploads:
            drafts.add_upload(
                application,
                filed_by,
                matter_code=matter,
                material_code=material,
                uploaded_file=uploaded_file,
            )
        if stage == "draft":
            return application
        upload_missing(application, filed_by)  # filed complete: the gates refuse less
        application = submission.submit(application, filed_by)
        examiner = examiner or regional(Role.PRE_EXAMINER, application.region)
        if stage == "correction_requested":
            pre_examination.request_correction(application, examiner, defects)
            return Application.objects.get(pk=application.pk)
        if stage == "submitted":
            return application
        application = pre_examination.pass_pre_examination(application, examiner)
        clerk = clerk or regional(Role.WINDOW_CLERK, application.region)
        if stage == "not_accepted":
            return pre_examination.not_accept(
                application,
                clerk,
                reason="The applicant lives in Tianjin",
                referral="Tianjin Exit-Entry Administration",
            )
        if stage == "pre_examined":
            return application
        return acceptance.accept(
            application, clerk, originals_checked=originals_checked(application)
        )
