"""A small realistic world for the authorization matrix: one person per role, and the records
each relation of the matrix points at.

Beijing: employer X's application (cases at public security and science and technology),
employer Y's, a personal applicant's, an agent's, and one of employer X routed to science and
technology only; Qingdao: a personal applicant's application. Each went through the one window
(filed, one-time notice, corrected, pre-examined, accepted and routed), so each has a file, a
notice, a receipt and cases; public security's cases (science and technology's of the last one)
are decided and produced, so decisions and pickup slips exist. Bookings, opinions asked between
departments and the administrator's authenticator app complete it.

Everything is made through the API and the domain's write functions, as people would.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts.models import Employer, Role
from onestop.applications import drafts
from onestop.applications.models import Application, Upload
from onestop.appointments import slots
from onestop.appointments.models import Booking, Slot
from onestop.cases import decisions, opinions
from onestop.cases.models import Case
from onestop.catalog.models import Department, Hall, Region

from ..clients import post
from ..factories import FORM, originals, person, profile, scans

# One client for every request of the world: a client loads the middleware when it is made.
_CLIENT = []


def as_(user) -> Client:
    if not _CLIENT:
        _CLIENT.append(Client())
    _CLIENT[0].force_login(user)
    return _CLIENT[0]


ROLES = (
    "anonymous",
    "applicant",
    "employer_handler",
    "agent",
    "pre_examiner",
    "window_clerk",
    "department_handler",
    "department_leader",
    "supervisor",
    "administrator",
)
APPLICANT_SIDE = ("applicant", "employer_handler", "agent")
STAFF = tuple(r for r in ROLES if r not in APPLICANT_SIDE + ("anonymous",))

# The records of the matrix, by relation to the person asking: their own (or their region's,
# department's), another company's, another department's, another region's.
OWN, OTHER_COMPANY, OTHER_DEPARTMENT, OTHER_REGION = (
    "own",
    "other_company",
    "other_department",
    "other_region",
)
RELATIONS = (OWN, OTHER_COMPANY, OTHER_DEPARTMENT, OTHER_REGION)
NO_RECORD = "-"  # a route that names no record
EMPLOYER_X, EMPLOYER_Y = "91110000XXXXXXXXX1", "91110000YYYYYYYYY2"  # as FORM and conftest.py

# Which application each relation points at, for each role (`None`: any role not named).
# Beijing staff's "own" is employer X's application of their region; "other department's" is
# the Beijing application routed to science and technology only, which public security's
# department staff have no case of. Applicant-side people have no department.
APPLICATION_OF = {
    OWN: {"applicant": "A", "agent": "G", None: "X"},
    OTHER_COMPANY: {None: "Y"},
    OTHER_DEPARTMENT: {**dict.fromkeys(STAFF, "W")},
    OTHER_REGION: {None: "Q"},
}
# Cases: public security's case of the application above; "other department's" is the
# science and technology case of employer X's application.
CASE_OF = {
    OWN: {"applicant": "A.ps", "agent": "G.ps", None: "X.ps"},
    OTHER_COMPANY: {None: "Y.ps"},
    OTHER_DEPARTMENT: {**dict.fromkeys(STAFF, "X.st")},
    OTHER_REGION: {None: "Q.ps"},
}
# Bookings are a person's own: staff have none, their "own" is employer X's handler's.
BOOKING_OF = {
    OWN: {"applicant": "applicant", "agent": "agent", None: "employer_handler"},
    OTHER_COMPANY: {None: "handler.y"},
    OTHER_REGION: {None: "applicant.qd"},
}
# Opinions asked of Beijing public security (own), on employer Y's case (other company's), of
# science and technology (other department's), and of Qingdao's public security.
OPINION_OF = {
    OWN: {None: "X.st>ps"},
    OTHER_COMPANY: {None: "Y.st>ps"},
    OTHER_DEPARTMENT: {**dict.fromkeys(STAFF, "X.ps>st")},
    OTHER_REGION: {None: "Q.st>ps"},
}


def pick(table: dict, relation: str, role: str) -> str | None:
    """The record a relation points at for a role; None where the relation does not apply."""
    of = table.get(relation, {})
    return of.get(role, of.get(None))


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)
    applications: dict[str, Application] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    uploads: dict[str, int] = field(default_factory=dict)  # application key -> upload id
    bookings: dict[str, str] = field(default_factory=dict)  # person key -> booking code
    opinions: dict[str, int] = field(default_factory=dict)
    slot_id: int = 0  # a free Beijing slot, for booking requests
    media: Path | None = None  # where the world's files are

    def user(self, role: str) -> User | None:
        return self.people.get(role)


def _department(code: str) -> Department:
    return Department.objects.get(code=code)


def _staff(name, role, region, department=None):
    return person(
        name,
        role,
        region=Region.objects.get(code=region),
        **({"department": _department(department)} if department else {}),
    )


def _a_file_given_at_the_window(application: Application, filer) -> Upload:
    """Qingdao's sources list no material (003): the world's Qingdao application still holds one
    file, of its first matter, so that every file route has a record to be refused or served."""
    covered = application.covered.select_related("matter_version__matter").first()
    content = _scan().read()
    upload = Upload(
        application=application,
        matter_code=covered.matter_version.matter.code,
        material_code="passport",
        original_name="passport.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=filer,
    )
    upload.file.save("upload", ContentFile(content), save=False)
    upload.save()
    return upload


def _scan() -> SimpleUploadedFile:
    """A one-page PDF, as a scanner makes."""
    from reportlab.pdfgen import canvas

    out = BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Scanned material")
    page.save()
    return SimpleUploadedFile("scan.pdf", out.getvalue(), content_type="application/pdf")


def _through_the_window(world: World, key: str, filer, body: dict, examiner, clerk) -> None:
    """Filed with its scans, one notice, a file given with the correction, filed again,
    passed, accepted."""
    subject = {k: body[k] for k in ("bundle", "matter") if k in body}
    files = scans(body["region"], body.get("profile", {}), **subject)
    filed = post(as_(filer), "/api/v1/applications", {**body, "files": files})
    assert filed.status_code == 201, filed.json()
    number = filed.json()["number"]
    item = {"kind": "field", "code": "phone", "reason_en": "Unreachable", "reason_zh": "无法接通"}
    noticed = post(
        as_(examiner),
        f"/api/v1/applications/{number}/pre-examination",
        {"decision": "correct", "items": [item]},
    )
    assert noticed.status_code == 200, noticed.json()
    application = Application.objects.get(number=number)
    material = next((m for m in drafts.materials_of(application) if m["applies"]), None)
    if material is not None:
        upload = drafts.add_upload(
            application,
            filer,
            matter_code=material["matter"],
            material_code=material["code"],
            uploaded_file=_scan(),
        )
    else:
        upload = _a_file_given_at_the_window(application, filer)
    assert post(as_(filer), f"/api/v1/applications/{number}/resubmit", {}).status_code == 200
    passed = post(
        as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
    )
    assert passed.status_code == 200, passed.json()
    accepted = post(
        as_(clerk),
        f"/api/v1/applications/{number}/acceptance",
        {"decision": "accept", "originals_checked": originals(filed.json())},
    )
    assert accepted.status_code == 200, accepted.json()
    application.refresh_from_db()
    world.applications[key] = application
    world.uploads[key] = upload.pk
    short = {"public_security": "ps", "science_technology": "st"}
    for case in application.cases.select_related("department"):
        if case.department.code in short:
            world.cases[f"{key}.{short[case.department.code]}"] = case


# An agent files for a person only where the rules let one (002 §6 (1)): here, mobility.
AGENT_MAY_FILE = {**profile("B"), "mobility_impaired": True}


def _two_permits(**changes) -> dict:
    return {
        "region": "beijing",
        "bundle": "two_permits",
        "profile": profile("B"),
        "form": FORM,
        **changes,
    }


def _slot(hall: Hall, day: date, starts: time) -> Slot:
    """A slot of the hall (Qingdao's window publishes no hours, so its slots are made here)."""
    ends = (datetime.combine(day, starts) + timedelta(minutes=30)).time()
    capacity = slots.settings_of(hall).capacity
    return Slot.objects.get_or_create(
        hall=hall, date=day, starts=starts, defaults={"ends": ends, "capacity": capacity}
    )[0]


def _book(world: World, key: str, who, hall: Hall, day: date) -> None:
    """A booking of `who` to ask about. The world's applications are past the window, where
    nothing is booked any more, so it is one made as bookings were before they needed an
    application: the pages and the API answer for it all the same (the person's own only)."""
    slot = _slot(hall, day, time(9, 0))
    Slot.objects.filter(pk=slot.pk).update(booked=F("booked") + 1)
    made = Booking.objects.create(
        code=f"MATRIX{len(world.bookings):02d}",
        slot=slot,
        person=who,
        matter="residence_permit.issue",
    )
    world.bookings[key] = made.code


def build() -> World:
    """The world; its employers and people are those of tests/conftest.py, and more."""
    world = World()
    beijing = Region.objects.get(code="beijing")
    employer_x = Employer.objects.create(
        name_zh="甲公司",
        name_en="Company X",
        credit_code=EMPLOYER_X,
        region=beijing,
        verified_at=timezone.now(),
    )
    employer_y = Employer.objects.create(
        name_zh="乙公司",
        name_en="Company Y",
        credit_code=EMPLOYER_Y,
        region=beijing,
        verified_at=timezone.now(),
    )
    handler_x = person("handler.x", Role.EMPLOYER_HANDLER, employer=employer_x)
    handler_y = person("handler.y", Role.EMPLOYER_HANDLER, employer=employer_y)
    examiner = _staff("examiner.bj", Role.PRE_EXAMINER, "beijing")
    clerk = _staff("clerk.bj", Role.WINDOW_CLERK, "beijing")
    qingdao_clerk = _staff("clerk.qd", Role.WINDOW_CLERK, "qingdao")
    world.people = {
        "applicant": person("applicant.bj", Role.APPLICANT),
        "employer_handler": handler_x,
        "agent": person("agent.bj", Role.AGENT),
        "pre_examiner": examiner,
        "window_clerk": clerk,
        "department_handler": _staff(
            "ps.handler", Role.DEPARTMENT_HANDLER, "beijing", "public_security"
        ),
        "department_leader": _staff(
            "ps.leader", Role.DEPARTMENT_LEADER, "beijing", "public_security"
        ),
        "supervisor": _staff("supervisor.bj", Role.SUPERVISOR, "beijing"),
        "administrator": User.objects.create_superuser("admin.matrix", password="a-long-password"),
    }
    # The administrator's authenticator app, as the admin site lists it.
    TOTPDevice.objects.create(user=world.people["administrator"], name="phone", confirmed=True)
    handler_st = _staff("st.handler", Role.DEPARTMENT_HANDLER, "beijing", "science_technology")
    qingdao_examiner = _staff("examiner.qd", Role.PRE_EXAMINER, "qingdao")
    qingdao_st = _staff("st.handler.qd", Role.DEPARTMENT_HANDLER, "qingdao", "science_technology")
    applicant_qd = person("applicant.qd", Role.APPLICANT)
    people = world.people

    window = {"examiner": examiner, "clerk": clerk}
    _through_the_window(world, "X", handler_x, _two_permits(employer=EMPLOYER_X), **window)
    _through_the_window(world, "Y", handler_y, _two_permits(employer=EMPLOYER_Y), **window)
    _through_the_window(world, "A", people["applicant"], _two_permits(), **window)
    _through_the_window(
        world, "G", people["agent"], _two_permits(as_agent=True, profile=AGENT_MAY_FILE), **window
    )
    _through_the_window(
        world,
        "W",
        handler_x,
        {
            "region": "beijing",
            "matter": "work_permit.issue",
            "employer": EMPLOYER_X,
            "profile": profile("B"),
            "form": {k: v for k, v in FORM.items() if not k.startswith("residence_")},
        },
        **window,
    )
    _through_the_window(
        world,
        "Q",
        applicant_qd,
        {
            "region": "qingdao",
            "bundle": "foreigner_work",
            "profile": {"has_mainland_household_registration": False},
            "form": FORM,
        },
        examiner=qingdao_examiner,
        clerk=qingdao_clerk,
    )

    # Public security's cases (and science and technology's of W) are decided and their
    # documents produced: the decision and the pickup slip exist.
    leaders = {
        ("beijing", "public_security"): (people["department_handler"], people["department_leader"]),
        ("beijing", "science_technology"): (
            handler_st,
            _staff("st.leader", Role.DEPARTMENT_LEADER, "beijing", "science_technology"),
        ),
        ("qingdao", "public_security"): (
            _staff("ps.handler.qd", Role.DEPARTMENT_HANDLER, "qingdao", "public_security"),
            _staff("ps.leader.qd", Role.DEPARTMENT_LEADER, "qingdao", "public_security"),
        ),
    }
    # Qingdao's residence permit starts when the work permit is approved (003 第十五条).
    qingdao_st_leader = _staff(
        "st.leader.qd", Role.DEPARTMENT_LEADER, "qingdao", "science_technology"
    )
    decisions.review(world.cases["Q.st"], qingdao_st)
    decisions.approve(world.cases["Q.st"], qingdao_st_leader)
    today = timezone.localdate()
    for key in ("X.ps", "Y.ps", "A.ps", "G.ps", "Q.ps", "W.st"):
        case = world.cases[key]
        case.refresh_from_db()
        handler, leader = leaders[(case.region.code, case.department.code)]
        decisions.review(case, handler)
        decisions.approve(case, leader)
        decisions.produce(
            case,
            handler,
            number=f"R-{key}",
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )

    asked = {
        "X.st>ps": (world.cases["X.st"], handler_st, "public_security"),
        "Y.st>ps": (world.cases["Y.st"], handler_st, "public_security"),
        "X.ps>st": (world.cases["X.ps"], people["department_handler"], "science_technology"),
        "Q.st>ps": (world.cases["Q.st"], qingdao_st, "public_security"),
    }
    for key, (case, by, department) in asked.items():
        world.opinions[key] = opinions.ask(
            case, by, department=department, question="Any record?"
        ).pk
    for key in world.cases:  # asking may pause the clock: read the cases again
        world.cases[key].refresh_from_db()

    beijing_hall = Hall.objects.get(code="bj_government_service_centre")
    day = timezone.localdate() + timedelta(days=3)
    for key, who in (
        ("applicant", people["applicant"]),
        ("agent", people["agent"]),
        ("employer_handler", handler_x),
        ("handler.y", handler_y),
    ):
        _book(world, key, who, beijing_hall, day)
    qingdao_hall = Hall.objects.get(code="qd_citizen_centre_window")
    _book(world, "applicant.qd", applicant_qd, qingdao_hall, day)
    world.slot_id = _slot(beijing_hall, day, time(10, 0)).pk
    slots.open_window(beijing_hall, timezone.localdate())  # as `onestop manage open_slots` does
    return world
