"""Completeness at every gate: submission, the pre-examination pass and window acceptance each
refuse, naming every missing material and fact in both languages (004 附件1; 004 item 35)."""

import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from onestop.applications import completeness, drafts, pre_examination, submission, versions
from onestop.applications.models import Application, Status
from onestop.applications.workflow import lock
from onestop.cases import acceptance
from onestop.cases.models import Case
from onestop.refusals import Invalid

from ..clients import as_, post
from ..factories import (
    FORM,
    TWO_PERMITS_SCANS,
    ApplicationFactory,
    PersonFactory,
    form_for,
    originals,
    originals_checked,
    profile,
    scans,
    upload_missing,
)

pytestmark = pytest.mark.django_db

PASSPORT = ("residence_permit.issue", "passport")  # 000 §六: a file of the passport is given
EMPLOYER_LETTER = ("residence_permit.issue", "employer_letter")


def missing(application) -> set[tuple[str, str]]:
    return {
        (item.get("matter", "profile"), item["code"]) for item in completeness.missing(application)
    }


def refused(call) -> list[dict]:
    with pytest.raises(Invalid) as caught:
        call()
    return caught.value.errors


def error_for(errors: list[dict], field: str) -> dict:
    return next(e for e in errors if e["field"] == field)


def filed_before_the_gate(stage: str, without=EMPLOYER_LETTER, **traits) -> Application:
    """An application filed complete whose scan of `without` is gone, as one filed before the
    gates checked completeness stands today."""
    application = ApplicationFactory(**{stage: True}, **traits)
    matter, code = without
    application.uploads.filter(matter_code=matter, material_code=code).delete()
    return application


# What is missing


def test_a_draft_without_files_misses_every_material_that_applies(handler_x):
    draft = ApplicationFactory(filed_by=handler_x)
    assert PASSPORT in missing(draft)
    assert EMPLOYER_LETTER in missing(draft)


def test_a_material_the_bundle_exempts_does_not_block():
    # The work permit notice is the work permit department's own result (002 §2, §5).
    alone = ApplicationFactory(matter="residence_permit.issue")
    bundled = ApplicationFactory()
    assert ("residence_permit.issue", "work_permit_notice") in missing(alone)
    assert ("residence_permit.issue", "work_permit_notice") not in missing(bundled)


def test_an_original_shown_at_the_window_is_not_asked_as_a_file():
    # The applicant's original passport for the work permit is checked at the window (002 §5).
    assert ("work_permit.issue", "passport") not in missing(ApplicationFactory())


def test_a_complete_application_misses_nothing():
    assert completeness.missing(ApplicationFactory(submitted=True)) == []


def test_permanent_residence_without_route_answers_misses_the_facts_that_decide_the_route():
    draft = ApplicationFactory(matter="permanent_residence.apply", profile={})
    found = {item["code"]: item for item in completeness.missing(draft) if item["kind"] == "fact"}
    assert found["zgc_high_level_talent"]["source"].startswith("001 一(一)")
    assert found["zgc_high_level_talent"]["name_zh"] == "经中关村认定的外籍高层次人才"


# The gates


def test_submission_names_a_missing_material_in_both_languages(handler_x):
    draft = ApplicationFactory(filed_by=handler_x)
    errors = refused(lambda: submission.submit(draft, handler_x))
    passport = error_for(errors, "passport")
    assert passport["code"] == completeness.MATERIAL_MISSING
    assert passport["matter"] == "residence_permit.issue"
    assert passport["message_en"] == (
        "Material missing: Your valid passport or other international travel document "
        "(000 §六; 002 §5)."
    )
    assert (
        passport["message_zh"] == "缺少材料：本人有效护照或者其他国际旅行证件（000 §六; 002 §5）。"
    )
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT


def test_submission_names_a_missing_fact_in_both_languages():
    draft = ApplicationFactory(matter="permanent_residence.apply", profile={})
    errors = refused(lambda: submission.submit(draft, draft.applicant))
    fact = error_for(errors, "zgc_high_level_talent")
    assert fact["code"] == completeness.FACT_MISSING
    assert fact["message_en"].startswith(
        "Not given: Recognised Zhongguancun high-level talent (001 一(一)"
    )
    assert fact["message_zh"].startswith("尚未提供：经中关村认定的外籍高层次人才（001 一(一)")


def test_permanent_residence_by_a_route_met_with_its_files_is_submitted():
    application = ApplicationFactory(matter="permanent_residence.apply", submitted=True)
    assert application.status == Status.SUBMITTED


def test_the_pre_examination_pass_names_a_missing_material(examiner):
    application = filed_before_the_gate("submitted")
    errors = refused(lambda: pre_examination.pass_pre_examination(application, examiner))
    assert error_for(errors, "employer_letter")["code"] == completeness.MATERIAL_MISSING
    assert "同意办理签证证件的函件" in error_for(errors, "employer_letter")["message_zh"]
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_window_acceptance_names_a_missing_material_and_routes_nothing(clerk):
    application = filed_before_the_gate("pre_examined")
    errors = refused(
        lambda: acceptance.accept(
            application, clerk, originals_checked=originals_checked(application)
        )
    )
    assert error_for(errors, "employer_letter")["code"] == completeness.MATERIAL_MISSING
    assert Application.objects.get(pk=application.pk).status == Status.PRE_EXAMINED
    assert not Case.objects.exists()


# Read with the lock: a gate's check reads the covered versions and the files' codes in the
# statement that locks the application, and reads each once


def test_the_pre_examination_pass_reads_the_files_and_versions_in_its_lock(examiner):
    application = ApplicationFactory(submitted=True)
    with CaptureQueriesContext(connection) as captured:
        pre_examination.pass_pre_examination(application, examiner)
    reading = [
        q["sql"]
        for q in captured.captured_queries
        if "applications_upload" in q["sql"] or "applications_applicationmatter" in q["sql"]
    ]
    # One statement, the application's own row (locked, on PostgreSQL).
    assert len(reading) == 1 and reading[0].startswith('SELECT "applications_application"."id"')
    assert Application.objects.get(pk=application.pk).status == Status.PRE_EXAMINED


def test_a_replaced_file_does_not_stand_at_the_gate(clerk):
    application = ApplicationFactory(pre_examined=True)
    matter, code = EMPLOYER_LETTER
    application.uploads.filter(matter_code=matter, material_code=code).update(
        replaced_at=timezone.now()
    )
    errors = refused(
        lambda: acceptance.accept(
            application, clerk, originals_checked=originals_checked(application)
        )
    )
    assert error_for(errors, "employer_letter")["code"] == completeness.MATERIAL_MISSING


def test_the_versions_read_with_the_lock_keep_their_order_and_are_taken_once():
    application = ApplicationFactory(submitted=True)
    in_order = list(
        application.covered.order_by("position").values_list("matter_version_id", flat=True)
    )
    with transaction.atomic():
        locked = lock(application, checking=True)
        with CaptureQueriesContext(connection) as first:
            assert versions.covered_pks(locked) == in_order
        with CaptureQueriesContext(connection) as second:
            assert versions.covered_pks(locked) == in_order
    assert len(first.captured_queries) == 0
    assert len(second.captured_queries) == 1  # taken once: read again from the database


# Through the API


def test_the_api_refuses_to_file_without_the_materials(handler_x):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
        "form": FORM,
    }
    response = post(as_(handler_x), "/api/v1/applications", body)
    assert response.status_code == 422
    passport = error_for(response.json()["errors"], "passport")
    assert passport["message_en"].startswith("Material missing: Your valid passport")
    assert passport["message_zh"].startswith("缺少材料：本人有效护照")
    assert not Application.objects.exists()


def test_the_api_files_an_application_given_with_its_scans(handler_x):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
        "form": FORM,
    }
    files = scans("beijing", profile("B"), bundle="two_permits")
    response = post(as_(handler_x), "/api/v1/applications", {**body, "files": files})
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "submitted"
    application = Application.objects.get(number=response.json()["number"])
    assert application.uploads.count() == len(files)
    assert completeness.missing(application) == []


def test_the_api_names_a_file_that_is_not_one_by_its_place(handler_x):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
        "form": FORM,
    }
    files = scans("beijing", profile("B"), bundle="two_permits")
    files[1] = {**files[1], "content_base64": "bm90IGEgZmlsZQ=="}  # "not a file"
    response = post(as_(handler_x), "/api/v1/applications", {**body, "files": files})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["field"] == "files.1" and error["message_zh"]
    assert not Application.objects.exists()


def test_a_refused_filing_leaves_no_scan_on_disk(handler_x, settings):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": "91110000XXXXXXXXX1",
        "profile": profile("B"),
        "form": FORM,
    }
    files = scans("beijing", profile("B"), bundle="two_permits")
    files[-1] = {**files[-1], "content_base64": "bm90IGEgZmlsZQ=="}  # "not a file"
    response = post(as_(handler_x), "/api/v1/applications", {**body, "files": files})
    assert response.status_code == 422
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []


def test_the_api_refuses_to_file_without_the_facts_the_route_needs():
    person = PersonFactory()
    body = {
        "region": "beijing",
        "matter": "permanent_residence.apply",
        "form": form_for("permanent_residence.apply"),
    }
    response = post(as_(person), "/api/v1/applications", body)
    assert response.status_code == 422
    fact = error_for(response.json()["errors"], "zgc_high_level_talent")
    assert fact["message_en"].startswith("Not given: Recognised Zhongguancun high-level talent")
    assert fact["message_zh"].startswith("尚未提供：经中关村认定的外籍高层次人才")


def test_the_pre_examination_pass_names_a_fact_no_longer_given(examiner):
    application = ApplicationFactory(submitted=True)
    # As an application filed before the gates stands: its date of birth never given.
    application.profile = {k: v for k, v in application.profile.items() if k != "date_of_birth"}
    application.save(update_fields=["profile"])
    errors = refused(lambda: pre_examination.pass_pre_examination(application, examiner))
    fact = error_for(errors, "date_of_birth")
    assert fact["code"] == completeness.FACT_MISSING
    assert fact["message_en"].startswith("Not given: Date of birth")
    assert fact["message_zh"].startswith("尚未提供：出生日期")


def test_the_api_refuses_the_pre_examination_pass(examiner):
    number = filed_before_the_gate("submitted").number
    response = post(
        as_(examiner), f"/api/v1/applications/{number}/pre-examination", {"decision": "pass"}
    )
    assert response.status_code == 422
    letter = error_for(response.json()["errors"], "employer_letter")
    assert letter["message_en"].startswith("Material missing: A letter from your employer")


def test_the_api_refuses_acceptance(clerk):
    application = filed_before_the_gate("pre_examined")
    response = post(
        as_(clerk),
        f"/api/v1/applications/{application.number}/acceptance",
        {"decision": "accept", "originals_checked": originals(application)},
    )
    assert response.status_code == 422
    assert error_for(response.json()["errors"], "employer_letter")["message_zh"].startswith(
        "缺少材料："
    )
    assert not Case.objects.exists()


def test_the_two_permits_scans_written_out_are_those_the_rules_ask():
    asked = {
        (f["matter"], f["material"]) for f in scans("beijing", profile("B"), bundle="two_permits")
    }
    assert asked == set(TWO_PERMITS_SCANS)


# A filing waiting for the application's lock sees the file taken back by the transaction it
# waited for (its check reads the files after the lock, not along it: read_along.py)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="threads share one SQLite memory")
@pytest.mark.django_db(transaction=True)
def test_a_filing_that_waited_for_a_file_taken_back_refuses_without_it(handler_x):
    draft = ApplicationFactory(filed_by=handler_x)
    upload_missing(draft, handler_x)
    matter, code = EMPLOYER_LETTER
    letter = draft.uploads.get(matter_code=matter, material_code=code)
    holding, filed = threading.Event(), []

    def file_it():
        try:
            holding.wait(timeout=30)
            filed.append(submission.submit(draft, handler_x))
        except Invalid as refusal:
            filed.append(refusal)
        finally:
            connections.close_all()

    filing = threading.Thread(target=file_it)
    filing.start()
    with transaction.atomic():
        drafts.remove_upload(draft, handler_x, letter.pk)  # holds the lock until its commit
        holding.set()
        time.sleep(1)  # the filing is waiting for the lock meanwhile
    filing.join(timeout=60)
    (refusal,) = filed
    assert isinstance(refusal, Invalid)
    assert error_for(refusal.errors, "employer_letter")["code"] == completeness.MATERIAL_MISSING
    assert Application.objects.get(pk=draft.pk).status == Status.DRAFT
