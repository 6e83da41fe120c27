import pytest
from django.contrib.auth.models import User

from onestop.accounts.models import Assignment, Employer, Role
from onestop.catalog.models import Department, Region


def person(username, role=None, **where):
    user = User.objects.create_user(username, password="a-long-enough-password")
    if role:
        Assignment.objects.create(user=user, role=role, **where)
    return user


@pytest.fixture
def beijing():
    return Region.objects.get(code="beijing")


@pytest.fixture
def employer_x(beijing):
    return Employer.objects.create(
        name_zh="甲公司", name_en="Company X", credit_code="91110000XXXXXXXXX1", region=beijing
    )


@pytest.fixture
def employer_y(beijing):
    return Employer.objects.create(
        name_zh="乙公司", name_en="Company Y", credit_code="91110000YYYYYYYYY2", region=beijing
    )


@pytest.fixture
def handler_x(employer_x):
    return person("handler.x", Role.EMPLOYER_HANDLER, employer=employer_x)


@pytest.fixture
def handler_y(employer_y):
    return person("handler.y", Role.EMPLOYER_HANDLER, employer=employer_y)


@pytest.fixture
def examiner(beijing):
    return person("examiner.bj", Role.PRE_EXAMINER, region=beijing)


@pytest.fixture
def clerk(beijing):
    return person("clerk.bj", Role.WINDOW_CLERK, region=beijing)


@pytest.fixture
def qingdao_clerk():
    return person("clerk.qd", Role.WINDOW_CLERK, region=Region.objects.get(code="qingdao"))


@pytest.fixture
def exit_entry_handler(beijing):
    return person(
        "handler.ps",
        Role.DEPARTMENT_HANDLER,
        region=beijing,
        department=Department.objects.get(code="public_security"),
    )
