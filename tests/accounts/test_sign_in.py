"""Signing in (web/sign_in.py, accounts/): lockout per username and address, password rules,
the staff code and its enrolment, the admin behind the same gate, session lifetimes by role, and
the demo accounts' codes.

The people (handler_x, examiner ...) are fixtures of tests/conftest.py; their password is
tests/factories/accounts.py's."""

import textwrap
import time
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db.models import F, Sum
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestop.accounts import session_policy, two_factor
from onestop.accounts.demo import demo_accounts, ensure_demo_accounts
from onestop.accounts.lockout import Lockout
from onestop.web.sign_in import PENDING

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-password"  # tests/factories/accounts.py
LOGIN = "/accounts/login/"
CODE_STEP = "/accounts/login/code/"
ENROL = "/accounts/login/enrol/"
STAFF_PAGE = "/staff/pre-examination/"  # the examiner's queue


@pytest.fixture
def client():
    client = Client()
    client.cookies["onestop_language"] = "en"
    return client


@pytest.fixture
def phone(examiner):
    return TOTPDevice.objects.create(user=examiner, name="phone", confirmed=True)


def password_step(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def code_of(device) -> str:
    return two_factor.current_code(TOTPDevice.objects.get(pk=device.pk))[0]


def after_a_second(device):
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(seconds=1)
    )


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def signed_in_staff(client, device, next_url=STAFF_PAGE):
    assert (
        client.post(
            f"{LOGIN}?next={next_url}", {"username": device.user.username, "password": PASSWORD}
        ).status_code
        == 302
    )
    response = client.post(CODE_STEP, {"code": code_of(device)})
    assert response.status_code == 302 and is_signed_in(client)
    return response


# Lockout: per username and address together (ASVS 2.2.1; GB/T 22239-2019 8.1.4.1 b).


def test_the_fifth_wrong_password_locks_that_username_from_that_address(client, handler_x):
    for _ in range(4):
        assert password_step(client, "handler.x", "not-the-password").status_code == 200
    assert password_step(client, "handler.x", "not-the-password").status_code == 429
    refused = password_step(client, "handler.x")  # even the right password now
    assert refused.status_code == 429 and not is_signed_in(client)


def test_the_lockout_page_says_when_to_try_again_in_both_languages(client, handler_x):
    for _ in range(5):
        response = password_step(client, "handler.x", "not-the-password")
    page = response.content.decode()
    assert response.status_code == 429
    assert 895 <= int(response["Retry-After"]) <= 900  # ONESTOP_SIGN_IN_LOCKOUT_MINUTES: 15
    clock = timezone.localtime(timezone.now() + timedelta(minutes=15)).strftime("%H:%M")
    assert f"try again after {clock} Beijing time" in page
    assert f"请于北京时间{clock}之后再试" in page
    assert "no-store" in response["Cache-Control"]


def test_another_username_from_the_same_address_is_not_locked(client, handler_x, handler_y):
    for _ in range(5):
        password_step(client, "handler.x", "not-the-password")
    assert password_step(client, "handler.y").status_code == 302


def test_the_same_username_from_another_address_is_not_locked(client, handler_x):
    for _ in range(5):
        password_step(client, "handler.x", "not-the-password")
    assert password_step(client, "handler.x", REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, handler_x):
    for _ in range(5):
        password_step(client, "handler.x", "not-the-password")
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert password_step(client, "handler.x").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=1, seconds=1))
    assert password_step(client, "handler.x").status_code == 302


def test_a_successful_sign_in_clears_the_count(client, handler_x):
    for _ in range(4):
        password_step(client, "handler.x", "not-the-password")
    assert password_step(client, "handler.x").status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        assert password_step(client, "handler.x", "not-the-password").status_code == 200


def test_the_lockout_message_names_the_time_and_minutes():
    lockout = Lockout(timezone.now() + timedelta(minutes=15))
    assert lockout.minutes == 15 and "(in 15 minutes)" in lockout.message_en
    assert "约15分钟后" in lockout.message_zh
    assert "(in 1 minute)" in Lockout(timezone.now() + timedelta(seconds=20)).message_en


# Guessing one username's password from many addresses: after ONESTOP_SIGN_IN_USERNAME_FAILURES
# (10) failures from anywhere, a pause of 60 s that doubles with each further failure, except
# from an address the person signed in from before (ASVS 2.2.1; GB/T 22239-2019 8.1.4.1 b).

GUESSED = "applicant.guessed"
USUAL = "192.0.2.10"  # where the person signed in before
ELSEWHERE = "203.0.113.5"  # a network the person never used


@pytest.fixture
def guessed():
    return User.objects.create_user(GUESSED, password=PASSWORD)


def guesses(client, count: int, first: int = 0) -> list[int]:
    """`count` wrong passwords for GUESSED, each from an address of its own."""
    return [
        password_step(
            client, GUESSED, "not-the-password", REMOTE_ADDR=f"198.51.100.{n}"
        ).status_code
        for n in range(first, first + count)
    ]


def checked_failures() -> int:
    """Failures whose password was checked (refused attempts are not counted)."""
    return AccessAttempt.objects.filter(username=GUESSED).aggregate(n=Sum("failures_since_start"))[
        "n"
    ]


def earlier(seconds: int) -> None:
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))


def test_a_hundred_guesses_from_a_hundred_addresses_are_stopped_at_the_tenth(client, guessed):
    answers = guesses(client, 100)
    assert answers == [200] * 9 + [429] * 91
    assert checked_failures() == 10  # the 90 others were refused without trying the password
    assert password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE).status_code == 429


def test_the_pause_says_until_when_and_what_to_do_in_both_languages(client, guessed):
    guesses(client, 9)
    response = password_step(client, GUESSED, "not-the-password", REMOTE_ADDR=ELSEWHERE)
    page = response.content.decode()
    assert response.status_code == 429
    assert 55 <= int(response["Retry-After"]) <= 60  # ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS
    clock = timezone.localtime(timezone.now() + timedelta(seconds=60)).strftime("%H:%M")
    assert f"try again after {clock} Beijing time" in page
    assert "sign in from a network you have signed in from before" in page
    assert f"请于北京时间{clock}之后再试" in page and "在您以前登录过的网络中登录" in page


def test_the_rightful_person_from_their_usual_address_gets_in_during_the_pause(client, guessed):
    assert password_step(client, GUESSED, REMOTE_ADDR=USUAL).status_code == 302
    client.post("/accounts/logout/")
    guesses(client, 30)
    assert password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE).status_code == 429
    assert password_step(Client(), GUESSED, REMOTE_ADDR=USUAL).status_code == 302


def test_after_the_pause_the_rightful_person_gets_in_from_anywhere(client, guessed):
    guesses(client, 10)
    assert password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE).status_code == 429
    earlier(61)
    assert password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_each_guess_let_through_after_a_pause_doubles_the_next_pause(client, guessed):
    guesses(client, 10)  # paused 60 s
    earlier(61)
    eleventh = guesses(client, 1, first=10)
    assert eleventh == [429] and checked_failures() == 11  # checked, and paused 120 s
    earlier(61)
    assert guesses(client, 1, first=11) == [429] and checked_failures() == 11  # not yet
    earlier(60)
    assert guesses(client, 1, first=12) == [429] and checked_failures() == 12  # now 240 s
    response = password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE)
    assert 235 <= int(response["Retry-After"]) <= 240


def test_one_stranger_at_one_address_cannot_pause_the_person(client, guessed):
    for _ in range(20):
        password_step(client, GUESSED, "not-the-password", REMOTE_ADDR="198.51.100.1")
    assert checked_failures() == 5  # that address was locked out at the fifth
    assert password_step(client, GUESSED, REMOTE_ADDR=ELSEWHERE).status_code == 302


def test_the_pause_of_one_username_leaves_the_others_alone(client, guessed, handler_x):
    guesses(client, 10)
    assert password_step(client, "handler.x", REMOTE_ADDR=ELSEWHERE).status_code == 302


# Password rules (ASVS 2.1.1, 2.1.2, 2.1.7; GB/T 22239-2019 8.1.4.1 a).


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("kite-harbour", True),  # 12 characters: the least (ASVS 2.1.1)
        ("kite-harbou", False),  # 11
        ("739184626051", False),  # digits only
        ("qwerty123456", False),  # on the list of common passwords (ASVS 2.1.7)
        ("examiner.bj.1", False),  # too like the username
        ("k" * 63 + "-" + "t" * 64, True),  # 128: the most (ASVS 2.1.2)
        ("k" * 64 + "-" + "t" * 64, False),  # 129
    ],
)
def test_password_rules(examiner, password, accepted):
    if accepted:
        validate_password(password, examiner)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, examiner)


# The staff code: no staff session on the password alone (GB/T 22239-2019 8.1.4.1 d).


def test_a_staff_password_alone_signs_nobody_in(client, phone):
    response = password_step(client, "examiner.bj")
    assert response.status_code == 302 and response["Location"] == CODE_STEP
    assert not is_signed_in(client)
    staff_page = client.get(STAFF_PAGE)
    assert staff_page.status_code == 302 and staff_page["Location"].startswith(LOGIN)


def test_the_right_code_signs_the_staff_person_in(client, phone):
    response = signed_in_staff(client, phone)
    assert response["Location"] == STAFF_PAGE
    assert client.get(STAFF_PAGE).status_code == 200
    assert PENDING not in client.session


def test_a_wrong_code_is_refused(client, phone):
    password_step(client, "examiner.bj")
    right = code_of(phone)
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    response = client.post(CODE_STEP, {"code": wrong})
    assert response.status_code == 400 and not is_signed_in(client)
    assert "That code is not right or was used already." in response.content.decode()
    assert "验证码不正确或已被使用。" in response.content.decode()


def test_a_code_that_was_used_once_is_refused(client, phone):
    code = code_of(phone)
    password_step(client, "examiner.bj")
    assert client.post(CODE_STEP, {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, "examiner.bj")
    assert client.post(CODE_STEP, {"code": code}).status_code == 400
    assert not is_signed_in(client)


def test_wrong_codes_count_towards_the_lockout(client, phone):
    password_step(client, "examiner.bj")
    for _ in range(4):
        assert client.post(CODE_STEP, {"code": "000000x"}).status_code == 400
    assert client.post(CODE_STEP, {"code": "000000x"}).status_code == 429
    assert password_step(client, "examiner.bj").status_code == 429


def test_the_code_step_ends_after_five_minutes(client, phone):
    password_step(client, "examiner.bj")
    session = client.session
    session[PENDING] = {**session[PENDING], "until": time.time() - 1}
    session.save()
    response = client.post(CODE_STEP, {"code": code_of(phone)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not is_signed_in(client)


def test_the_code_step_without_a_password_goes_back_to_the_password(client):
    assert client.get(CODE_STEP)["Location"] == LOGIN
    assert client.get(ENROL)["Location"] == LOGIN


def test_every_staff_kind_needs_the_code(
    beijing, examiner, clerk, exit_entry_handler, handler_x, django_user_model
):
    editor = django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    for person in (examiner, clerk, exit_entry_handler, editor, root):
        assert two_factor.needs_second_factor(person), person
    assert not two_factor.needs_second_factor(handler_x)


# Enrolment of a staff person without a device.


def test_a_staff_person_without_a_device_enrols_one_after_the_password(client, examiner):
    response = password_step(client, "examiner.bj")
    assert response["Location"] == ENROL and not is_signed_in(client)
    page = client.get(ENROL).content.decode()
    device = TOTPDevice.objects.get(user=examiner, confirmed=False)
    key = " ".join(textwrap.wrap(two_factor.secret(device), 4))
    assert "<svg" in page and f'<code class="secret">{key}</code>' in page
    assert key in client.get(ENROL).content.decode()  # the same key on reload
    assert TOTPDevice.objects.filter(user=examiner).count() == 1

    assert client.post(ENROL, {"code": "123"}).status_code == 400 and not is_signed_in(client)
    after_a_second(device)  # django-otp slows a device down after each failure
    response = client.post(ENROL, {"code": code_of(device)})
    assert response.status_code == 302 and is_signed_in(client)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_new_enrolment_replaces_the_key_shown_before(client, examiner):
    password_step(client, "examiner.bj")
    client.get(ENROL)
    first = TOTPDevice.objects.get(user=examiner).key
    other = Client()
    password_step(other, "examiner.bj")
    other.get(ENROL)
    assert list(TOTPDevice.objects.filter(user=examiner).values_list("key", flat=True)) != [first]
    assert TOTPDevice.objects.filter(user=examiner).count() == 1


def test_a_staff_person_with_a_device_cannot_enrol_another(client, phone):
    password_step(client, "examiner.bj")
    assert client.get(ENROL)["Location"] == CODE_STEP


# Applicants: the password only.


def test_an_applicant_signs_in_with_the_password_only(client, handler_x):
    response = password_step(client, "handler.x")
    assert response.status_code == 302 and response["Location"] == "/my/applications/"
    assert is_signed_in(client)
    assert client.session.get_expiry_age() == 14 * 24 * 3600


def test_the_next_page_must_be_of_this_site(client, handler_x):
    response = client.post(
        LOGIN, {"username": "handler.x", "password": PASSWORD, "next": "https://example.com/"}
    )
    assert response["Location"] == "/my/applications/"


# The admin signs in through the same gate.


def test_the_admin_needs_the_code_too(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    device = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    to_admin_login = client.get("/admin/")
    assert to_admin_login["Location"] == "/admin/login/?next=/admin/"
    to_sign_in = client.get(to_admin_login["Location"])
    assert to_sign_in["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    response = client.post(to_sign_in["Location"], {"username": "root", "password": PASSWORD})
    assert response["Location"] == CODE_STEP
    assert client.get("/admin/").status_code == 302
    response = client.post(CODE_STEP, {"code": code_of(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admin_removes_a_lost_device_but_never_shows_its_key(client, phone, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password=PASSWORD))
    page = client.get(f"/admin/otp_totp/totpdevice/{phone.pk}/change/").content.decode()
    assert phone.key not in page and two_factor.secret(phone) not in page
    assert client.get(f"/admin/otp_totp/totpdevice/{phone.pk}/config/").status_code == 403
    client.post(f"/admin/otp_totp/totpdevice/{phone.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=phone.pk).exists()


# Session lifetimes (ASVS 3.3.2; GB/T 22239-2019 8.1.4.1 b).


def test_a_staff_session_ends_after_thirty_idle_minutes(client, phone):
    signed_in_staff(client, phone)
    assert client.session.get_expiry_age() == 30 * 60
    session = client.session
    session[session_policy.LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get(STAFF_PAGE).status_code == 200  # and the request counts as activity
    session = client.session
    session[session_policy.LAST_SEEN] = time.time() - 30 * 60 - 1
    session.save()
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not is_signed_in(client)
    assert "without activity" in client.get(LOGIN).content.decode()


def test_a_staff_session_ends_eight_hours_after_signing_in_however_busy(client, phone):
    signed_in_staff(client, phone)
    session = client.session
    session[session_policy.SIGNED_IN_AT] = time.time() - 8 * 3600 + 60
    session.save()
    assert client.get(STAFF_PAGE).status_code == 200
    session = client.session
    session[session_policy.SIGNED_IN_AT] = time.time() - 8 * 3600 - 1
    session.save()
    assert client.get(STAFF_PAGE).status_code == 302 and not is_signed_in(client)


def test_signing_in_gives_a_new_session_key(client, phone):
    client.get(LOGIN)
    password_step(client, "examiner.bj")
    pending_key = client.session.session_key
    client.post(CODE_STEP, {"code": code_of(phone)})
    assert client.session.session_key != pending_key


def test_signing_out_by_get_is_refused(client, phone):
    signed_in_staff(client, phone)
    assert client.get("/accounts/logout/").status_code == 405 and is_signed_in(client)
    assert client.post("/accounts/logout/").status_code == 302 and not is_signed_in(client)


# Demo accounts: passwords by the same rules; staff get a demo device and `demo_totp`.


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.delenv("ONESTOP_DEMO_PASSWORD", raising=False)
    ensure_demo_accounts(tmp_path)
    return dict(
        line.split(" ", 1)
        for line in (tmp_path / "demo-accounts.txt").read_text().split("\n")
        if line
    )


def test_demo_passwords_meet_the_rules_and_staff_have_a_code(demo):
    assert set(demo) == {account.username for account in demo_accounts()}
    for username, rest in demo.items():
        password, *totp = rest.split(" ")
        validate_password(password, User.objects.get(username=username))
        assert bool(totp) == (username not in ("handler", "applicant")), username


def test_a_demo_staff_account_signs_in_with_the_printed_code(client, demo):
    password = demo["clerk"].split(" ")[0]
    assert password_step(client, "clerk", password)["Location"] == CODE_STEP
    out = StringIO()
    call_command("demo_totp", "clerk", stdout=out)
    code = out.getvalue().split("\n")[0]
    assert "demo account 'clerk'" in out.getvalue()
    assert client.post(CODE_STEP, {"code": code}).status_code == 302 and is_signed_in(client)


def test_demo_totp_refuses_other_accounts(phone, demo):
    with pytest.raises(CommandError, match="not a demo staff account"):
        call_command("demo_totp", "examiner.bj")
    with pytest.raises(CommandError):
        call_command("demo_totp", "handler")  # a demo account, but no staff


def test_a_demo_staff_account_made_before_codes_gets_its_device(demo, tmp_path):
    TOTPDevice.objects.filter(user__username="supervisor").delete()
    ensure_demo_accounts(tmp_path)
    last = (tmp_path / "demo-accounts.txt").read_text().splitlines()[-1]
    assert last.startswith("supervisor (unchanged) totp:")
    assert TOTPDevice.objects.filter(user__username="supervisor", confirmed=True).count() == 1


def test_a_demo_password_against_the_rules_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_DEMO_PASSWORD", "demo")
    with pytest.raises(ImproperlyConfigured, match="ONESTOP_DEMO_PASSWORD"):
        ensure_demo_accounts(tmp_path)
