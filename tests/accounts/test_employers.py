"""An employer registered by its first handler, verified by its region's window clerk, its
handlers added and removed by its handlers (accounts/employers.py, web/employers.py)."""

import pytest

from onestop.accounts.models import Employer, Role
from onestop.audit.models import AuditEntry
from tests.clients import as_
from tests.factories import EmployerFactory, HandlerFactory, PersonFactory, person, staff

CODE = "91350100M000100Y43"


def register(client, **changed):
    given = {"credit_code": CODE, "name_zh": "甲科技有限公司", "name_en": "", "region": "beijing"}
    return client.post("/my/employers/new/", {**given, **changed})


@pytest.mark.django_db
def test_the_registering_person_becomes_the_first_handler_of_an_unverified_employer():
    someone = PersonFactory(email="first@example.com")
    client = as_(someone)
    response = register(client, credit_code=" 91350100m000100y43")
    employer = Employer.objects.get(credit_code=CODE)
    assert response.status_code == 302 and response["Location"] == f"/my/employers/{employer.pk}/"
    assert not employer.is_verified
    assert employer.handlers.get().user == someone
    # The same session goes on with the new role.
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Waiting for the window staff" in page.content.decode()
    assert AuditEntry.objects.filter(action="employer.register").exists()


@pytest.mark.django_db
def test_a_wrong_check_digit_is_refused_on_the_page_in_both_languages(chinese):
    chinese.force_login(PersonFactory())
    response = register(chinese, credit_code="91350100M000100Y44")
    text = response.content.decode()
    assert response.status_code == 400
    assert "校验码与前17位不符" in text and "does not match" in text
    assert 'href="#credit_code"' in text
    assert not Employer.objects.exists()


@pytest.mark.django_db
def test_a_window_clerk_of_the_region_verifies_from_the_staff_pages():
    handler = HandlerFactory(employer=EmployerFactory(unverified=True, credit_code=CODE))
    employer = Employer.objects.get(credit_code=CODE)
    clerk = staff("clerk.bj", Role.WINDOW_CLERK)
    client = as_(clerk)
    assert "/staff/employers/" in client.get("/staff/").content.decode()
    assert CODE in client.get("/staff/employers/").content.decode()
    response = client.post(f"/staff/employers/{employer.pk}/verify/")
    assert response.status_code == 302
    employer.refresh_from_db()
    assert employer.is_verified and employer.verified_by == clerk
    entry = AuditEntry.objects.get(action="employer.verify")
    assert entry.actor_role == Role.WINDOW_CLERK and entry.object_ref == CODE
    assert CODE not in client.get("/staff/employers/").content.decode()
    assert handler  # the handler stays


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        (lambda: staff("clerk.qd", Role.WINDOW_CLERK, region="qingdao"), 302),  # not its region
        (lambda: staff("supervisor.bj", Role.SUPERVISOR), 403),
        (lambda: staff("examiner.bj", Role.PRE_EXAMINER), 403),
    ],
)
def test_nobody_else_verifies(who, status):
    employer = EmployerFactory(unverified=True, credit_code=CODE)
    HandlerFactory(employer=employer)
    handler = employer.handlers.get().user
    assert as_(handler).post(f"/staff/employers/{employer.pk}/verify/").status_code == 403
    assert as_(who()).post(f"/staff/employers/{employer.pk}/verify/").status_code == status
    employer.refresh_from_db()
    assert not employer.is_verified
    assert not AuditEntry.objects.filter(action="employer.verify").exists()


@pytest.mark.django_db
def test_a_handler_adds_a_registered_person_and_removes_a_handler_but_not_the_last():
    employer = EmployerFactory(credit_code=CODE)
    first = person("first", Role.EMPLOYER_HANDLER, employer=employer)
    PersonFactory(username="second", email="Second@Example.com")
    client = as_(first)
    page = f"/my/employers/{employer.pk}/"
    assert client.post(page, {"email": "second@example.com"}).status_code == 302
    added = employer.handlers.get(user__username="second")
    assert AuditEntry.objects.get(action="employer.handler_add").object_ref == str(added.pk)
    assert client.post(page, {"remove": str(added.pk)}).status_code == 302
    assert AuditEntry.objects.filter(action="employer.handler_remove").exists()
    last = employer.handlers.get()
    response = client.post(page, {"remove": str(last.pk)})
    assert response.status_code == 400
    assert "at least one handler" in response.content.decode()
    assert employer.handlers.count() == 1


@pytest.mark.django_db
def test_an_unknown_address_is_refused_and_nobody_else_manages_handlers():
    employer = EmployerFactory(credit_code=CODE)
    first = person("first", Role.EMPLOYER_HANDLER, employer=employer)
    page = f"/my/employers/{employer.pk}/"
    response = as_(first).post(page, {"email": "nobody@example.com"})
    assert response.status_code == 400 and "register first" in response.content.decode()
    stranger = HandlerFactory()  # a handler of another employer
    assert as_(stranger).get(page).status_code == 403
    assert as_(stranger).post(page, {"email": "x@example.com"}).status_code == 403
    assert employer.handlers.count() == 1
