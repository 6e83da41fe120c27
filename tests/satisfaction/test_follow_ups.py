"""The follow-up of a bad rating (satisfaction/follow_ups.py; 国办发〔2019〕51号): the region's
supervisor records what was done, once, audited; an open one past its due date is overdue."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onestop.accounts.models import Role
from onestop.audit.models import AuditEntry
from onestop.refusals import NotAllowed, Refused
from onestop.satisfaction import follow_ups, ratings
from onestop.satisfaction.models import FollowUp

from ..factories import ApplicationFactory, CaseFactory, regional

pytestmark = pytest.mark.django_db


def badly_rated(region="beijing", matter="residence_permit.issue"):
    application = ApplicationFactory(matter=matter, region=region, accepted=True)
    case = CaseFactory(application=application, matter=matter, delivered=True)
    ratings.rate(case, application.created_by, grade="dissatisfied", comment="Long wait")
    return FollowUp.objects.get(rating__case=case)


def test_the_regions_supervisor_records_the_result():
    follow_up = badly_rated()
    supervisor = regional(Role.SUPERVISOR)
    today = timezone.localdate()
    follow_ups.record(
        follow_up, supervisor, outcome="rectified", result="Called; queue fixed", today=today
    )
    follow_up.refresh_from_db()
    assert (follow_up.outcome, follow_up.result, follow_up.recorded_by, follow_up.recorded_on) == (
        "rectified",
        "Called; queue fixed",
        supervisor,
        today,
    )
    entry = AuditEntry.objects.get(action="follow_up.recorded")
    assert (entry.actor, entry.actor_role, entry.region, entry.detail) == (
        supervisor,
        Role.SUPERVISOR,
        "beijing",
        {"outcome": "rectified"},
    )


def test_the_result_is_recorded_once():
    follow_up = badly_rated()
    supervisor, today = regional(Role.SUPERVISOR), timezone.localdate()
    follow_ups.record(follow_up, supervisor, outcome="contacted", result="Called", today=today)
    with pytest.raises(Refused) as refused:
        follow_ups.record(follow_up, supervisor, outcome="explained", result="Again", today=today)
    assert refused.value.code == "follow_up.already_recorded"


@pytest.mark.parametrize(
    ("outcome", "result", "code"),
    [
        ("forgotten", "Called", "follow_up.unknown_outcome"),
        ("contacted", "  ", "follow_up.result_invalid"),
        ("contacted", "bad\x00text", "follow_up.result_invalid"),
    ],
)
def test_an_unknown_outcome_or_an_empty_result_is_refused(outcome, result, code):
    follow_up = badly_rated()
    with pytest.raises(Refused) as refused:
        follow_ups.record(
            follow_up,
            regional(Role.SUPERVISOR),
            outcome=outcome,
            result=result,
            today=timezone.localdate(),
        )
    assert refused.value.code == code
    assert FollowUp.objects.get(pk=follow_up.pk).is_open


def test_only_the_supervisor_of_the_region_records_or_sees_it():
    follow_up = badly_rated()
    elsewhere = regional(Role.SUPERVISOR, "qingdao")
    for stranger in (elsewhere, regional(Role.WINDOW_CLERK), follow_up.rating.rated_by):
        with pytest.raises(NotAllowed) as refused:
            follow_ups.record(
                follow_up, stranger, outcome="contacted", result="x", today=timezone.localdate()
            )
        assert refused.value.code == "follow_up.not_supervisor"
    assert list(follow_ups.supervised(elsewhere)) == []
    assert list(follow_ups.supervised(regional(Role.SUPERVISOR))) == [follow_up]


def test_an_open_follow_up_past_its_due_date_is_overdue_and_a_recorded_one_is_not():
    late, recorded = badly_rated(), badly_rated()
    today = timezone.localdate()
    FollowUp.objects.filter(pk__in=[late.pk, recorded.pk]).update(due=today - timedelta(days=1))
    follow_ups.record(
        FollowUp.objects.get(pk=recorded.pk),
        regional(Role.SUPERVISOR),
        outcome="explained",
        result="Explained the rule",
        today=today,
    )
    found = follow_ups.supervised(regional(Role.SUPERVISOR))
    assert list(follow_ups.overdue(found, today)) == [late]
    assert [f.pk for f in found] == [late.pk, recorded.pk]  # open first
    assert follow_ups.is_overdue(FollowUp.objects.get(pk=late.pk), today)
    assert not follow_ups.is_overdue(FollowUp.objects.get(pk=late.pk), today - timedelta(days=1))
