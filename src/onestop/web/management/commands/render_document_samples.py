"""`onestop manage render_document_samples <dir>`: every official document made from demo data,
page one of each rendered to PNG (docs/pictures/documents/, shown in docs/documents.md).

The demo data never touch the installation's database: the command runs itself again in a child
process whose database is a throwaway SQLite file in a temporary folder, migrated and loaded with
the packaged catalog and calendar, and removed afterwards.
"""

import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from onestop import paperwork
from onestop.accounts.models import Assignment, Employer, Role
from onestop.applications import completeness, drafts, pre_examination, submission
from onestop.appointments.booking import book
from onestop.appointments.models import Slot
from onestop.appointments.slots import open_window
from onestop.cases import acceptance, decisions, payments
from onestop.catalog.loader import load
from onestop.catalog.models import Department, Hall, Region
from onestop.workdays.seed import seed

# Set, to the child's data folder, in the child process only.
THROWAWAY = "ONESTOP_DOCUMENT_SAMPLES_VAR_DIR"
SCAN = (  # one blank page: the scan given for every material, since a draft is filed complete
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n"
    b"0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
# The specimen of the official form (004 附件5) gives these particulars.
SPECIMEN = {
    "surname": "Wilson",
    "given_name": "John",
    "chinese_name": "李白",
    "nationality": "USA",
    "date_of_birth": "1980-08-20",
    "place_of_birth": "New York",
    "sex": "M",
    "email": "john.wilson@example.com",
    "address_in_china": "北京市朝阳区某路1号",
    "phone": "15807710001",
    "company_or_school": "甲公司 Company X",
    "contact_person": "王经理 15800772002",
    "passport_type": "ordinary",
    "passport_number": "E00000001",
    "passport_valid_until": "2031-08-20",
    "current_document": "visa",
    "current_document_number": "00000002",
    "current_document_valid_until": "2027-08-20",
    "dependents": [
        {
            "surname": "Wilson",
            "given_name": "Amy",
            "sex": "F",
            "date_of_birth": "2019-03-02",
            "relationship": "daughter 女儿",
        }
    ],
    "residence_purpose": "employee",
    "residence_valid_until": "2028-08-31",
    "employer_name": "甲公司",
    "employer_credit_code": "91110000XXXXXXXXX1",
    "position": "Engineer",
    "job_title": "Senior engineer",
    "declaration": True,
}
PROFILE = {
    "talent_category": "B",
    "in_mainland": True,
    "job_type": "ordinary",
    "date_of_birth": "1980-08-20",
    "requested_validity_days": 730,
    "has_mainland_household_registration": False,
}


class Command(BaseCommand):
    help = (
        "Make every official document from demo data in a throwaway SQLite database and render "
        "page one of each to <directory>/<document>.png."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--dpi", type=int, default=110)
        parser.add_argument("--keep-pdf", action="store_true", help="write the PDF files too")

    def handle(self, *args, directory: Path, dpi: int, keep_pdf: bool, **options):
        directory = directory.resolve()
        if os.environ.get(THROWAWAY) != str(settings.VAR_DIR):
            self._in_a_throwaway_database(directory, dpi, keep_pdf)
            return
        directory.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        load()
        seed()
        for name, content in samples().items():
            if keep_pdf:
                (directory / f"{name}.pdf").write_bytes(content)
            path = directory / f"{name}.png"
            render_first_page(content, path, dpi)
            self.stdout.write(f"{path}")

    def _in_a_throwaway_database(self, directory: Path, dpi: int, keep_pdf: bool) -> None:
        with tempfile.TemporaryDirectory(prefix="onestop-samples-") as folder:
            var_dir = str(Path(folder).resolve())
            environment = {**os.environ, "ONESTOP_VAR_DIR": var_dir, THROWAWAY: var_dir}
            for name in ("DATABASE_URL", "ONESTOP_CACHE_URL"):
                environment.pop(name, None)
            code = "import sys; from onestop.cli import main; sys.exit(main())"
            arguments = ["manage", "render_document_samples", str(directory), "--dpi", str(dpi)]
            if keep_pdf:
                arguments.append("--keep-pdf")
            subprocess.run(  # noqa: S603 - this interpreter, this command, a path given by its user
                [sys.executable, "-c", code, *arguments], env=environment, check=True
            )


def render_first_page(content: bytes, path: Path, dpi: int) -> None:
    import pypdfium2  # here: a test dependency (pyproject.toml), not one of the service

    document = pypdfium2.PdfDocument(content)
    try:
        document[0].render(scale=dpi / 72).to_pil().convert("L").save(path, optimize=True)
    finally:
        document.close()


def samples() -> dict[str, bytes]:
    """Three Beijing two-permit applications through the write functions: one from the notice
    to the pickup, one refused by the exit-entry administration, one not accepted."""
    beijing = Region.objects.get(code="beijing")
    employer = Employer.objects.create(
        name_zh="甲公司",
        name_en="Company X",
        credit_code="91110000XXXXXXXXX1",
        region=beijing,
        verified_at=timezone.now(),
    )
    handler = _person("handler", Role.EMPLOYER_HANDLER, employer=employer)
    examiner = _person("examiner", Role.PRE_EXAMINER, region=beijing)
    clerk = _person("clerk", Role.WINDOW_CLERK, region=beijing)
    staff = {}
    for department in ("science_technology", "public_security"):
        where = {"region": beijing, "department": Department.objects.get(code=department)}
        staff[department] = (
            _person(f"{department}.handler", Role.DEPARTMENT_HANDLER, **where),
            _person(f"{department}.leader", Role.DEPARTMENT_LEADER, **where),
        )

    def filed():
        draft = drafts.create_draft(
            handler,
            "beijing",
            bundle="two_permits",
            employer_code=employer.credit_code,
            profile=PROFILE,
            form=SPECIMEN,
            language="zh-hans",
        )
        for item in completeness.missing(draft):
            if item["kind"] == "material":
                drafts.add_upload(
                    draft,
                    handler,
                    matter_code=item["matter"],
                    material_code=item["code"],
                    uploaded_file=SimpleUploadedFile(f"{item['code']}.pdf", SCAN),
                )
        return submission.submit(draft, handler)

    def accepted(application):
        needed = [
            (m["matter"], m["code"])
            for m in drafts.materials_of(application)
            if m["applies"] is True and not m["exempt"]
        ]
        return acceptance.accept(application, clerk, originals_checked=needed)

    documents = {}
    # One: a notice, corrected, booked, accepted, both permits decided, produced, collected.
    first = filed()
    notice = pre_examination.request_correction(
        first,
        examiner,
        [
            {
                "kind": "material",
                "matter": "residence_permit.issue",
                "code": "accommodation_registration",
                "reason_en": "The registration has expired: bring a current one.",
                "reason_zh": "住宿登记已过期，请提供有效的住宿登记。",
            },
            {
                "kind": "field",
                "code": "passport_valid_until",
                "reason_en": "Does not match the passport's data page.",
                "reason_zh": "与护照资料页不一致。",
            },
        ],
    )
    documents["one-time-notice"] = paperwork.notice_pdf(notice)
    first = submission.resubmit(drafts.save_draft(first, handler, form={}), handler)
    first = pre_examination.pass_pre_examination(first, examiner)
    hall = Hall.objects.get(code="bj_entry_exit_reception")
    open_window(hall, timezone.localdate())
    slot = Slot.objects.filter(hall=hall, closed=False).order_by("date", "starts").first()
    book(handler, slot.pk, matter="two_permits", application=first)
    documents["application-form"] = paperwork.application_form_pdf(first)
    first = accepted(first)
    documents["acceptance-receipt"] = paperwork.receipt_pdf(first)
    today = timezone.localdate()
    prefixes = {"work_permit": "WP", "residence_permit": "RP"}
    for case in first.cases.select_related("matter_version__matter", "department"):
        handler_, leader = staff[case.department.code]
        decisions.review(case, handler_)
        decisions.approve(case, leader)
        decisions.produce(
            case,
            handler_,
            number=f"{prefixes[case.matter_version.matter.family]}-2026-0001",
            valid_from=today,
            valid_until=today + timedelta(days=730),
        )
        for fee in payments.unpaid(case):
            payments.record(
                case, clerk, fee_code=fee["code"], method="card", receipt_number="INV-0001"
            )
    residence = first.cases.get(matter_version__matter__code="residence_permit.issue")
    documents["decision-approval"] = paperwork.decision_pdf(residence)
    decisions.deliver(residence, clerk, method="pickup", identity_checked=True)
    residence.refresh_from_db()
    documents["pickup-slip"] = paperwork.pickup_slip_pdf(residence)

    # Two: accepted, the residence permit refused with its reasons.
    second = accepted(pre_examination.pass_pre_examination(filed(), examiner))
    refused = second.cases.get(matter_version__matter__code="residence_permit.issue")
    decisions.propose_refusal(
        refused,
        staff["public_security"][0],
        reasons="雇主意见函未加盖单位公章。The employer's letter carries no company seal.",
    )
    decisions.reject(refused, staff["public_security"][1])
    documents["decision-refusal"] = paperwork.decision_pdf(refused)

    # Three: not this authority's competence, referred.
    third = pre_examination.not_accept(
        pre_examination.pass_pre_examination(filed(), examiner),
        clerk,
        reason="申请人在天津市居住和工作。The applicant lives and works in Tianjin.",
        referral="天津市公安局出入境管理局 Tianjin Exit-Entry Administration",
    )
    documents["non-acceptance"] = paperwork.non_acceptance_pdf(third)
    return documents


def _person(username: str, role: str, **where):
    user = User.objects.create_user(username)
    Assignment.objects.create(user=user, role=role, **where)
    return user
