"""Personal data: encrypted at rest, found by a blind index, purged when its purpose is served,
and given to the person on request (PIPL Art. 19, 45, 47, 51)."""

import hashlib
import io
import json
import os
from datetime import timedelta

import pytest
from axes.models import AccessFailureLog, AccessLog
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from onestop import crypto_suite, data_keys
from onestop.applications import protected
from onestop.applications.drafts import add_upload, create_draft, materials_of
from onestop.applications.models import Application, Status, Upload
from onestop.applications.personal_data import purge
from onestop.applications.protected_files import FIRST_MARKER, MARKER, seal, unseal
from onestop.audit import chain
from onestop.audit.models import AuditEntry
from onestop.notifications.models import Outbox
from onestop.notifications.models import Status as OutboxStatus
from onestop.progress.answer import lookup
from tests.clients import as_
from tests.factories import FORM, ApplicationFactory, profile

pytestmark = pytest.mark.django_db


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def stored(application, column):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM applications_application WHERE id = %s",  # noqa: S608
            [application.pk],
        )
        return cursor.fetchone()[0]


def write_raw(application, column, value):
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE applications_application SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, application.pk],
        )


def test_the_form_and_profile_are_stored_encrypted_and_read_back_plain(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    for column in ("form", "profile"):
        raw = stored(application, column)
        assert raw.startswith(f"fernet:{data_keys.newest_key().id}:")  # algorithm and key named
        assert "E00000001" not in raw and "Wilson" not in raw and "1990-08-20" not in raw
    assert application.form["passport_number"] == "E00000001"
    assert application.profile["date_of_birth"] == "1990-08-20"


@pytest.mark.parametrize(
    "plain",
    [
        pytest.param('{"passport_number": "E99999999", "surname": "Planted"}', id="plain JSON"),
        pytest.param("{}", id="an empty object"),
        pytest.param("fernet", id="a bare algorithm name"),
    ],
)
def test_a_value_that_is_not_encrypted_is_refused_not_returned(handler_x, plain):
    """The review's finding: decrypt returned a value without the prefix as it was, so anyone
    able to write the column could plant a form that the platform then trusted."""
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    write_raw(application, "form", plain)

    with pytest.raises(ImproperlyConfigured, match="not encrypted"):  # NotDecryptable
        Application.objects.get(number=number)


def test_dumpdata_and_loaddata_carry_the_plain_values_through_the_field(handler_x):
    """Django's serialisers give the field its plain JSON (value_to_string): that input is not
    a stored value, and is written back encrypted."""
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    dumped = serializers.serialize("json", Application.objects.filter(number=number))
    assert "E00000001" in dumped

    for loaded in serializers.deserialize("json", dumped):
        loaded.save()

    application = Application.objects.get(number=number)
    assert application.form["passport_number"] == "E00000001"
    assert stored(application, "form").startswith("fernet:")


def test_values_of_the_first_format_without_a_key_id_still_read(handler_x, settings):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    token = Fernet(settings.ONESTOP_DATA_KEYS[0]).encrypt(b'{"surname": "Earlier"}').decode()
    write_raw(application, "form", f"fernet:{token}")

    assert Application.objects.get(number=number).form == {"surname": "Earlier"}


def test_the_passport_number_is_found_by_its_blind_index_only(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    assert application.passport_index == protected.blind_index(" e00000001 ")
    assert application.passport_index not in ("", "E00000001")
    assert Application.objects.filter(passport_index=protected.blind_index("E00000001")).exists()
    assert lookup("192.0.2.1", number, "e00000001")["number"] == number
    assert lookup("192.0.2.1", number, "E00000002") is None


def test_the_blind_index_depends_on_the_key(keys):
    keys(Fernet.generate_key().decode())
    first = protected.blind_index("E00000001")
    keys(Fernet.generate_key().decode())
    assert protected.blind_index("E00000001") != first
    assert protected.blind_index("") == ""


def test_a_wrong_key_fails_loudly_instead_of_reading_garbage(handler_x, keys):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    keys(Fernet.generate_key().decode())
    with pytest.raises(ImproperlyConfigured, match="not in ONESTOP_DATA_KEYS"):
        Application.objects.get(number=number)


@pytest.mark.parametrize("suite", ["international", "sm"])
def test_a_changed_byte_fails_loudly(handler_x, settings, suite):
    settings.ONESTOP_CRYPTO_SUITE = suite
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    raw = stored(application, "form")
    flipped = raw[:-6] + ("A" if raw[-6] != "A" else "B") + raw[-5:]
    write_raw(application, "form", flipped)

    with pytest.raises(data_keys.NotDecryptable, match="cannot be decrypted"):
        Application.objects.get(number=number)


def test_under_sm4_gcm_a_value_moved_to_another_column_does_not_open(handler_x, settings):
    """The column is the associated data of each SM4-GCM value: a profile pasted over the form
    (both valid ciphertexts under the same key) is refused."""
    settings.ONESTOP_CRYPTO_SUITE = "sm"
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    assert stored(application, "form").startswith(f"sm4-gcm:{data_keys.newest_key().id}:")
    write_raw(application, "form", stored(application, "profile"))

    with pytest.raises(data_keys.NotDecryptable, match="cannot be decrypted"):
        Application.objects.get(number=number)


def test_the_blind_index_follows_the_suite(handler_x, settings):
    international = protected.blind_index("E00000001")
    settings.ONESTOP_CRYPTO_SUITE = "sm"
    index_key = crypto_suite.mac("sm3", data_keys.newest_key().raw, b"blind-index")

    assert protected.blind_index(" e00000001 ") == (
        crypto_suite.mac("sm3", index_key, b"E00000001").hex()
    )
    assert protected.blind_index("E00000001") != international


def test_keys_rotate_without_losing_data(handler_x, keys, settings):
    old = settings.ONESTOP_DATA_KEYS[0]
    old = old.decode() if isinstance(old, bytes) else old
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    new = Fernet.generate_key().decode()
    keys(new, old)
    assert Application.objects.get(number=number).form["surname"] == "Wilson"
    call_command("reencrypt_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    keys(new)
    application = Application.objects.get(number=number)
    assert application.form["surname"] == "Wilson"
    assert application.passport_index == protected.blind_index("E00000001")


def on_disk(upload) -> bytes:
    with open(upload.file.path, "rb") as f:
        return f.read()


def test_uploaded_files_are_stored_encrypted_and_read_back_plain(handler_x, client):
    application, upload = draft_with_file(handler_x, days_ago=0)
    raw = on_disk(upload)
    assert raw.startswith(MARKER) and b"%PDF" not in raw
    with upload.file.open("rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == upload.sha256  # what was kept, whole
    client.force_login(handler_x)
    served = client.get(f"/my/applications/{application.public_id}/files/{upload.pk}/")
    assert served.status_code == 200
    assert b"".join(served.streaming_content).startswith(b"%PDF")


def test_a_file_cannot_be_read_with_a_wrong_key(handler_x, keys):
    _, upload = draft_with_file(handler_x, days_ago=0)
    keys(Fernet.generate_key().decode())
    with pytest.raises(ImproperlyConfigured, match="not in ONESTOP_DATA_KEYS"):
        upload.file.open("rb")


def test_a_file_without_its_marker_is_refused_not_returned(handler_x):
    """The review's finding: a file without the marker was served as it was, so a file replaced
    on disk reached staff as if the applicant had uploaded it."""
    _, upload = draft_with_file(handler_x, days_ago=0)
    with open(upload.file.path, "wb") as f:
        f.write(blank_pdf())

    with pytest.raises(ImproperlyConfigured, match="not encrypted"):  # NotDecryptable
        Upload.objects.get(pk=upload.pk).file.open("rb")


def test_the_rotation_encrypts_files_from_before_encryption_only_when_asked(
    handler_x, keys, settings
):
    old = settings.ONESTOP_DATA_KEYS[0]
    old = old.decode() if isinstance(old, bytes) else old
    _, upload = draft_with_file(handler_x, days_ago=0)
    _, plain = draft_with_file(handler_x, days_ago=0)
    with open(plain.file.path, "wb") as f:
        f.write(blank_pdf())  # as written before files were encrypted
    new = Fernet.generate_key().decode()
    keys(new, old)

    with pytest.raises(CommandError, match="1 uploaded files could not be read"):
        call_command("reencrypt_personal_data", stdout=io.StringIO(), stderr=io.StringIO())
    assert on_disk(plain).startswith(b"%PDF")  # left as it was
    out = io.StringIO()
    call_command("reencrypt_personal_data", "--encrypt-plain-files", stdout=out)

    assert "2 uploaded files" in out.getvalue()
    keys(new)  # the old key gone: every file must now be under the new one
    for each in (upload, plain):
        assert on_disk(each).startswith(MARKER)
        assert Upload.objects.get(pk=each.pk).file.open("rb").read().startswith(b"%PDF")


def test_files_of_the_first_format_still_read(handler_x, settings):
    _, upload = draft_with_file(handler_x, days_ago=0)
    token = Fernet(settings.ONESTOP_DATA_KEYS[0]).encrypt(blank_pdf())
    with open(upload.file.path, "wb") as f:
        f.write(FIRST_MARKER + token)

    assert Upload.objects.get(pk=upload.pk).file.open("rb").read().startswith(b"%PDF")


def test_rotation_moves_values_and_files_between_fernet_and_sm4_and_back(handler_x, keys, settings):
    """Each value and file names its algorithm and key, so a rotation can change both: Fernet
    under key A, then SM4-GCM under key B, then Fernet under key C, each time with only the
    newest key left afterwards."""
    a, b, c = (Fernet.generate_key().decode() for _ in range(3))
    keys(a)
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    _, upload = draft_with_file(handler_x, days_ago=0)
    for suite, newest, previous, algorithm in (
        ("sm", b, a, "sm4-gcm"),
        ("international", c, b, "fernet"),
    ):
        settings.ONESTOP_CRYPTO_SUITE = suite
        keys(newest, previous)
        out = io.StringIO()
        call_command("reencrypt_personal_data", stdout=out)
        assert f"with {algorithm} under key {data_keys.newest_key().id}" in out.getvalue()
        keys(newest)
        application = Application.objects.get(number=number)
        assert stored(application, "form").startswith(f"{algorithm}:{data_keys.newest_key().id}:")
        assert application.form["surname"] == "Wilson"
        assert application.passport_index == protected.blind_index("E00000001")
        assert on_disk(upload).startswith(MARKER + f"{algorithm}:".encode())
        assert Upload.objects.get(pk=upload.pk).file.open("rb").read().startswith(b"%PDF")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(suite=st.sampled_from(["international", "sm"]), value=JSON_VALUES, purpose=st.text())
def test_any_json_value_round_trips_under_either_suite(suite, value, purpose):
    with override_settings(ONESTOP_CRYPTO_SUITE=suite):
        sealed = data_keys.encrypt(value, purpose)
        assert sealed.startswith(f"{data_keys.ALGORITHM_OF_SUITE[suite]}:")
        assert data_keys.decrypt(sealed, purpose) == value


@hypothesis_settings(max_examples=60, deadline=None)
@given(suite=st.sampled_from(["international", "sm"]), data=st.binary(max_size=4096))
def test_any_file_round_trips_under_either_suite(suite, data):
    with override_settings(ONESTOP_CRYPTO_SUITE=suite):
        assert unseal(seal(data)) == data


def draft_with_file(handler, *, days_ago: int, status=Status.DRAFT):
    application = create_draft(
        handler,
        "beijing",
        bundle="two_permits",
        employer_code="91110000XXXXXXXXX1",
        profile=profile("B"),
        form=FORM,
    )
    material = materials_of(application)[0]
    upload = add_upload(
        application,
        handler,
        matter_code=material["matter"],
        material_code=material["code"],
        uploaded_file=SimpleUploadedFile("scan.pdf", blank_pdf(), content_type="application/pdf"),
    )
    Application.objects.filter(pk=application.pk).update(
        status=status, updated_at=timezone.now() - timedelta(days=days_ago)
    )
    return application, upload


def test_purge_takes_drafts_older_than_90_days_and_keeps_the_rest(handler_x):
    old, old_file = draft_with_file(handler_x, days_ago=91)
    kept, kept_file = draft_with_file(handler_x, days_ago=89)
    path = old_file.file.path
    assert purge(dry_run=True)["abandoned_draft"] == 1
    assert Application.objects.filter(pk=old.pk).exists()  # a dry run changes nothing
    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = purge()
    assert counts["abandoned_draft"] == 1
    assert not Application.objects.filter(pk=old.pk).exists()
    assert Application.objects.filter(pk=kept.pk).exists()
    assert not os.path.exists(path)
    assert os.path.exists(kept_file.file.path)


def test_purge_removes_files_of_closed_applications_after_180_days(handler_x):
    closed, upload = draft_with_file(handler_x, days_ago=181, status=Status.WITHDRAWN)
    recent, _ = draft_with_file(handler_x, days_ago=179, status=Status.NOT_ACCEPTED)
    assert purge()["closed_files"] == 1
    assert not Upload.objects.filter(application=closed).exists()
    assert Upload.objects.filter(application=recent).exists()
    assert Application.objects.filter(pk=closed.pk).exists()  # the record of the decision stays


def test_purge_erases_sent_notices_after_90_days(handler_x):
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    application = Application.objects.get(number=number)
    message = Outbox.objects.create(
        application=application,
        kind=Outbox._meta.get_field("kind").choices[0][0],
        sequence=99,
        channel="email",
        recipient="john@example.com",
        subject="s",
        body="b",
        idempotency_key="purge-test",
        status=OutboxStatus.SENT,
        sent_at=timezone.now() - timedelta(days=91),
    )
    assert purge()["sent_message"] == 1
    message.refresh_from_db()
    assert (message.recipient, message.subject, message.body) == ("", "", "")
    assert purge()["sent_message"] == 0


def test_the_purge_command_prints_each_rule_with_its_source(capsys):
    call_command("purge_personal_data", "--dry-run")
    out = capsys.readouterr().out
    assert out.count("PIPL Art. 19") == 4 and "would purge" in out
    assert "Sign-in records (successful and failed): deleted 180 days after" in out
    assert "[Cybersecurity Law Art. 21; PIPL Art. 19]" in out


def sign_in_record(model, *, days_before, moment, username="handler.x"):
    record = model.objects.create(
        username=username, ip_address="192.0.2.1", user_agent="test", http_accept="*/*"
    )
    model.objects.filter(pk=record.pk).update(attempt_time=moment - timedelta(days=days_before))
    return record


def test_the_purge_keeps_logs_younger_than_180_days_even_when_told_30(
    handler_x, clerk, settings, caplog
):
    """Cybersecurity Law art. 21: network logs kept six months at least. The setting below 180
    is refused at start (tests/audit/test_retention.py); handed one anyway, the purge keeps 180
    days and says so."""
    settings.ONESTOP_LOG_RETENTION_DAYS = 30
    draft, _ = draft_with_file(handler_x, days_ago=100)
    number = ApplicationFactory(submitted=True, filed_by=handler_x).number
    read = chain.append(
        "read.application",
        actor=clerk,
        actor_role="window_clerk",
        object_type="application",
        object_ref=number,
    )
    entries = AuditEntry.objects.count()
    moment = timezone.now() + timedelta(days=100)  # the purge runs when the entry is 100 days old
    kept = [
        sign_in_record(model, days_before=100, moment=moment)
        for model in (AccessLog, AccessFailureLog)
    ]
    gone = [
        sign_in_record(model, days_before=181, moment=moment)
        for model in (AccessLog, AccessFailureLog)
    ]

    with TestCase.captureOnCommitCallbacks(execute=True):
        counts = purge(now=moment)

    assert counts["abandoned_draft"] >= 1 and not Application.objects.filter(pk=draft.pk).exists()
    assert AuditEntry.objects.count() == entries and AuditEntry.objects.filter(pk=read.pk).exists()
    assert counts["sign_in_record"] == 2
    assert all(type(r).objects.filter(pk=r.pk).exists() for r in kept)
    assert not any(type(r).objects.filter(pk=r.pk).exists() for r in gone)
    assert "kept 180 days" in caplog.text


def test_a_person_downloads_their_own_data_and_nobody_elses(handler_x, handler_y):
    mine = ApplicationFactory(submitted=True, filed_by=handler_x).number
    theirs = ApplicationFactory(submitted=True, filed_by=handler_y).number
    response = as_(handler_x).get("/my/data/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"].startswith("max-age=0")
    data = json.loads(response.content)
    numbers = [a["number"] for a in data["applications"]]
    assert numbers == [mine] and theirs not in response.content.decode()
    assert data["applications"][0]["form"]["passport_number"] == "E00000001"


def test_anonymous_people_are_sent_to_sign_in_for_their_data(client):
    response = client.get("/my/data/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_check_deploy_warns_when_the_data_key_lies_beside_the_data(settings):
    from django.core.checks import run_checks

    settings.ONESTOP_DATA_KEYS_FROM_ENVIRONMENT = False
    ids = [m.id for m in run_checks(include_deployment_checks=True)]
    assert "onestop.W001" in ids
    settings.ONESTOP_DATA_KEYS_FROM_ENVIRONMENT = True
    assert "onestop.W001" not in [m.id for m in run_checks(include_deployment_checks=True)]
