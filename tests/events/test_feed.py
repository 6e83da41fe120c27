"""The journal and the pull feed: every step recorded in order, read after a cursor, each
person reading only the events of the records they may read."""

import pytest

from onestop.accounts.models import Role
from onestop.cases import decisions
from onestop.events.models import Event

from ..cases.test_department_flow import accepted_two_permits  # noqa: F401
from ..clients import as_
from ..factories import staff
from ..factories.accounts import person

pytestmark = pytest.mark.django_db


def feed(user, after=0, limit=100):
    return as_(user).get(f"/api/v1/events?after={after}&limit={limit}")


def test_every_step_of_an_application_and_its_cases_is_journalled_in_order(
    accepted_two_permits,  # noqa: F811
):
    work = accepted_two_permits["work_permit"]
    decisions.review(work, staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology"))
    types = list(Event.objects.values_list("type", flat=True))
    assert types[:3] == [
        "application.submit",
        "application.pass_pre_examination",
        "application.accept",
    ]
    arrived = Event.objects.filter(type="case.route")
    assert {(e.case_id, e.department) for e in arrived} == {
        (c.pk, c.department.code) for c in accepted_two_permits.values()
    }
    review = Event.objects.get(type="case.review")
    assert (review.case_id, review.department, review.region) == (
        work.pk,
        "science_technology",
        "beijing",
    )
    assert (review.from_status, review.to_status) == ("review", "approval")
    assert review.application_number == work.application.number
    ids = list(Event.objects.values_list("id", flat=True))
    assert ids == sorted(ids)


def test_the_feed_pages_by_cursor_in_order_without_gaps(accepted_two_permits):  # noqa: F811
    admin = person("system.admin", Role.SYSTEM_ADMINISTRATOR)
    everything = list(Event.objects.values_list("id", flat=True))
    assert len(everything) >= 4
    seen, after = [], 0
    while True:
        page = feed(admin, after, limit=2).json()
        if not page["events"]:
            assert page["next"] == after
            break
        assert len(page["events"]) <= 2
        seen += [e["id"] for e in page["events"]]
        after = page["next"]
        assert after == page["events"][-1]["id"]
    assert seen == everything


def test_a_department_reads_only_its_own_cases_events(accepted_two_permits):  # noqa: F811
    work = accepted_two_permits["work_permit"]
    residence = accepted_two_permits["residence_permit"]
    st = staff("st.handler", Role.DEPARTMENT_HANDLER, "science_technology")
    ps = staff("ps.handler", Role.DEPARTMENT_HANDLER, "public_security")
    decisions.review(work, st)
    decisions.review(residence, ps)
    mine = feed(st).json()["events"]
    assert mine and {e["case_id"] for e in mine} == {work.pk}
    assert {e["department"] for e in mine} == {"science_technology"}
    assert residence.pk not in {e["case_id"] for e in feed(st).json()["events"]}
    # Another region's department of the same kind reads nothing of Beijing's.
    elsewhere = staff("qd.st", Role.DEPARTMENT_HANDLER, "science_technology", "qingdao")
    assert feed(elsewhere).json()["events"] == []


def test_a_window_clerk_reads_its_regions_events_and_nobody_else_any(
    accepted_two_permits,  # noqa: F811
    clerk,
    qingdao_clerk,  # noqa: F811
):
    events = feed(clerk).json()["events"]
    assert {e["region"] for e in events} == {"beijing"}
    assert any(e["type"] == "application.accept" for e in events)
    assert feed(qingdao_clerk).json()["events"] == []
    assert feed(person("nobody.much", Role.APPLICANT)).json()["events"] == []
    assert as_(person("anon.like")).get("/api/v1/events").json()["events"] == []


def test_the_feed_needs_a_signed_in_user_and_bounds_its_cursor():
    from django.test import Client

    assert Client().get("/api/v1/events").status_code == 401
    admin = person("system.admin", Role.SYSTEM_ADMINISTRATOR)
    assert feed(admin, after=-1).status_code == 422
    assert feed(admin, limit=501).status_code == 422


def test_no_personal_data_in_an_event(accepted_two_permits):  # noqa: F811
    application = accepted_two_permits["work_permit"].application
    admin = person("system.admin", Role.SYSTEM_ADMINISTRATOR)
    text = feed(admin).content.decode()
    form = application.form if isinstance(application.form, dict) else {}
    for key in ("passport_number", "surname", "given_names", "name"):
        value = form.get(key)
        if isinstance(value, str) and len(value) > 3:
            assert value not in text
