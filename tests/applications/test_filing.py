"""Who may file (applications/filing.py): an unverified employer's handlers cannot, on the pages
or through the API; an agent only where the rules let one apply for the person (002 §6 (1))."""

import pytest

from onestop.accounts.models import Role
from onestop.applications import submission
from onestop.applications.models import Application
from onestop.refusals import Invalid
from tests.clients import as_, post
from tests.factories import (
    FORM,
    ApplicationFactory,
    EmployerFactory,
    HandlerFactory,
    PersonFactory,
    form_for,
    person,
    profile,
    upload_missing,
)

CODE = "91350100M000100Y43"


@pytest.fixture
def unverified_handler():
    return HandlerFactory(employer=EmployerFactory(unverified=True, credit_code=CODE))


@pytest.mark.django_db
def test_an_unverified_employer_cannot_file_through_the_api(unverified_handler):
    body = {
        "region": "beijing",
        "bundle": "two_permits",
        "employer": CODE,
        "profile": profile("B"),
        "form": FORM,
    }
    response = post(as_(unverified_handler), "/api/v1/applications", body)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["code"] == "employer.not_verified" and error["field"] == "employer"
    assert "核验" in error["message_zh"]
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_an_unverified_employer_cannot_file_on_the_pages(chinese, unverified_handler):
    chinese.force_login(unverified_handler)
    response = chinese.post(
        "/my/applications/new/",
        {"region": "beijing", "subject": "bundle:two_permits", "employer": CODE},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "贵单位尚未通过核验" in text and "not verified yet" in text
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_once_verified_the_same_handler_files(unverified_handler):
    employer = unverified_handler.assignments.get().employer
    employer.verified_at = employer.handlers.get().created_at
    employer.save()
    response = as_(unverified_handler).post(
        "/my/applications/new/",
        {"region": "beijing", "subject": "bundle:two_permits", "employer": CODE},
    )
    assert response.status_code == 302
    assert Application.objects.get().employer == employer


def _agents_draft(agent, **profile_changes):
    return ApplicationFactory(
        filed_by=agent,
        matter="residence_permit.issue",
        as_agent=True,
        profile={**profile("B"), **profile_changes},
        # The date of birth is the form's (asked once): the rules read it from there.
        form={
            **form_for("residence_permit.issue"),
            **{k: v for k, v in profile_changes.items() if k == "date_of_birth"},
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("facts", "allowed"),
    [
        ({}, False),  # a worker of 36 who can come in person (002 §6 (1))
        ({"mobility_impaired": True}, True),
        ({"date_of_birth": "1960-01-01"}, True),  # aged 60 or over
        ({"high_level_talent": True}, True),
    ],
)
def test_an_agent_files_a_residence_permit_only_where_the_rules_allow(facts, allowed):
    agent = person("agent.bj", Role.AGENT)
    draft = _agents_draft(agent, **facts)
    upload_missing(draft, agent)
    if allowed:
        assert submission.submit(draft, agent).number
    else:
        with pytest.raises(Invalid) as refused:
            submission.submit(draft, agent)
        error = refused.value.errors[0]
        assert error["code"] == "application.agent_not_allowed"
        assert "002 §6 (1)" in error["message_en"] and "代办人" in error["message_zh"]
        draft.refresh_from_db()
        assert draft.status == "draft"


@pytest.mark.django_db
def test_only_an_agency_or_an_employer_files_as_an_agent():
    body = {"region": "beijing", "matter": "residence_permit.issue", "as_agent": True}
    response = post(as_(PersonFactory()), "/api/v1/applications", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "application.agent_role_missing"
    agency = post(as_(person("agent.bj", Role.AGENT)), "/api/v1/applications", body)
    # Refused for what the form lacks, never for who files.
    assert "application.agent_role_missing" not in {e["code"] for e in agency.json()["errors"]}
