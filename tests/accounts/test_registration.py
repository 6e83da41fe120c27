"""A foreigner registers, proves the e-mail address, signs in; a forgotten password is reset
without the page telling whether an address has an account (registration/, web/registration.py)."""

import re
import time

import pytest
from django.contrib.auth.models import User
from django.test import Client

from onestop.accounts.models import Registration, Role
from onestop.notifications.models import Kind, Outbox
from tests.factories import PersonFactory

PASSWORD = "correct horse battery staple"
GIVEN = {
    "email": "Ana.Silva@Example.com",
    "mobile": "138 1234 5678",
    "password": PASSWORD,
    "language": "zh-hans",
}


def register(client, **changed):
    return client.post("/accounts/register/", {**GIVEN, **changed})


def without_tokens(text: str) -> str:
    """A page without its CSRF tokens, which differ from one answer to the next."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def link_in(kind: str) -> str:
    body = Outbox.objects.filter(kind=kind).latest("id").body
    return re.search(r"(/accounts/\S+/)", body).group(1)


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_registering_keeps_the_mobile_in_e164_and_sends_a_link_in_the_language(english):
    response = register(english)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    user = User.objects.get(email="Ana.Silva@example.com")
    assert not user.is_active  # no sign-in before the address is proved
    assert user.registration.mobile == "+8613812345678"
    assert user.assignments.filter(role=Role.APPLICANT).exists()
    notice = Outbox.objects.get(kind=Kind.EMAIL_VERIFICATION)
    assert notice.recipient == "Ana.Silva@example.com" and notice.channel == "email"
    assert notice.language == "zh-hans" and "确认" in notice.subject


@pytest.mark.django_db
def test_the_link_verifies_on_post_and_then_the_person_signs_in(english):
    register(english)
    link = link_in(Kind.EMAIL_VERIFICATION)
    assert sign_in(Client(), "Ana.Silva@example.com").status_code == 200  # refused: inactive
    page = english.get(link)
    assert page.status_code == 200 and not User.objects.get().is_active  # a GET changes nothing
    assert english.post(link).status_code == 302
    assert Registration.objects.get().email_verified_at is not None
    response = sign_in(Client(), "Ana.Silva@example.com")
    assert response.status_code == 302 and response["Location"] == "/my/applications/"
    assert english.post(link).status_code == 400  # used once only


@pytest.mark.django_db
def test_an_expired_link_is_refused(english, settings):
    register(english)
    link = link_in(Kind.EMAIL_VERIFICATION)
    settings.ONESTOP_EMAIL_LINK_HOURS = 0  # every link older than now has expired
    time.sleep(1.1)  # the signature's time is in whole seconds
    response = english.post(link)
    assert response.status_code == 400
    assert "account.link_invalid" not in response.content.decode()  # words, not codes
    assert "expired" in response.content.decode()
    assert not User.objects.get().is_active


@pytest.mark.django_db
def test_a_tampered_link_is_refused(english):
    register(english)
    link = link_in(Kind.EMAIL_VERIFICATION)
    token = link.rstrip("/").rsplit("/", 1)[1]
    other = PersonFactory(is_active=False)
    forged = token.replace(token.split(":")[0], token.split(":")[0][:-2] + "xx")
    assert english.post(f"/accounts/register/verify/{forged}/").status_code == 400
    assert not User.objects.get(email="Ana.Silva@example.com").is_active
    assert not User.objects.get(pk=other.pk).is_active


@pytest.mark.django_db
def test_registering_an_address_taken_says_the_same_and_creates_nothing(english):
    taken = PersonFactory(email="taken@example.com", username="taken@example.com")
    first = register(english, email="taken@example.com").content.decode()
    fresh = register(english, email="fresh@example.com").content.decode()
    assert without_tokens(first) == without_tokens(fresh)
    assert User.objects.filter(email__iexact="taken@example.com").get() == taken
    assert not Outbox.objects.filter(recipient="taken@example.com").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changed", "code_field"),
    [
        ({"mobile": "12345"}, "mobile"),
        ({"mobile": "+86 10 6512 3456"}, "mobile"),  # a Beijing landline, not a mobile
        ({"email": "not-an-address"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "12345678901234"}, "password"),  # only digits
    ],
)
def test_bad_input_is_refused_in_both_languages(chinese, changed, code_field):
    response = register(chinese, **changed)
    text = response.content.decode()
    assert response.status_code == 400
    assert f'href="#{code_field}"' in text
    assert 'lang="zh-Hans"' in text and 'class="other-language"' in text
    assert not User.objects.exists() and not Outbox.objects.exists()


@pytest.mark.django_db
def test_a_mobile_from_abroad_is_kept_in_e164(english):
    register(english, mobile="+44 7400 123456")
    assert Registration.objects.get().mobile == "+447400123456"


@pytest.mark.django_db
def test_password_reset_answers_the_same_with_or_without_an_account(english):
    PersonFactory(email="known@example.com")
    known = english.post("/accounts/password/reset/", {"email": "known@example.com"})
    unknown = english.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    after_known = english.get(known["Location"]).content.decode()
    assert without_tokens(after_known) == without_tokens(
        english.get(unknown["Location"]).content.decode()
    )
    assert list(Outbox.objects.values_list("recipient", flat=True)) == ["known@example.com"]


@pytest.mark.django_db
def test_the_reset_link_sets_a_new_password_once(english):
    person = PersonFactory(email="known@example.com")
    english.post("/accounts/password/reset/", {"email": "known@example.com"})
    link = link_in(Kind.PASSWORD_RESET)
    form = english.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    new = "a brand new passphrase"
    done = english.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(Client(), person.username, new).status_code == 302
    again = english.get(link, follow=True).content.decode()
    assert "not valid" in again


@pytest.mark.django_db
def test_sign_in_throttling_holds_for_registered_people(english, settings):
    register(english)
    english.post(link_in(Kind.EMAIL_VERIFICATION))
    browser = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(browser, "Ana.Silva@example.com", "wrong password!!")
    assert sign_in(browser, "Ana.Silva@example.com").status_code == 429
