"""A department asks another for its opinion; the answer joins the same history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from onestop.accounts.models import Role
from onestop.cases import opinions
from onestop.cases.models import CaseEvent

from ..factories import staff
from .test_department_flow import accepted_two_permits  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_opinion_is_asked_and_answered_in_the_case_history(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    asker = staff("ps.h", Role.DEPARTMENT_HANDLER, "public_security")
    hr = staff("hr.h", Role.DEPARTMENT_HANDLER, "human_resources")
    opinion = opinions.ask(
        residence,
        asker,
        department="human_resources",
        question="Is the employer registered for social insurance?",
    )
    assert opinion.due is None  # no source sets a limit for opinions (case_steps.yaml)
    residence.refresh_from_db()
    assert residence.paused is False  # and none says the clock stops
    with pytest.raises(PermissionDenied):
        opinions.answer(opinion, asker, text="Yes")  # only the asked department answers
    opinions.answer(opinion, hr, text="Yes, since 2024.")
    assert list(CaseEvent.objects.filter(case=residence).values_list("kind", flat=True)) == [
        "opinion_asked",
        "opinion_answered",
    ]
    with pytest.raises(ValidationError):
        opinions.answer(opinion, hr, text="Again")


def test_an_opinion_is_asked_of_another_department_with_a_question(accepted_two_permits):  # noqa: F811
    residence = accepted_two_permits["residence_permit"]
    asker = staff("ps.h", Role.DEPARTMENT_HANDLER, "public_security")
    with pytest.raises(ValidationError):
        opinions.ask(residence, asker, department="public_security", question="?")
    with pytest.raises(ValidationError):
        opinions.ask(residence, asker, department="human_resources", question=" ")
