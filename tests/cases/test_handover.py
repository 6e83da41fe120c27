"""The window's hand-over queue (cases/handover.py): one row per application, read in a fixed
number of queries however many wait (004 item 35 (5))."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from onestop.accounts.models import Role
from onestop.cases import handover

from ..factories import ApplicationFactory, CaseFactory, regional

pytestmark = pytest.mark.django_db


def ready_stay_permit():
    application = ApplicationFactory(region="guangxi", matter="stay_permit.issue", accepted=True)
    return CaseFactory(application=application, matter="stay_permit.issue", ready=True)


def queries(clerk) -> int:
    with CaptureQueriesContext(connection) as captured:
        handover.queue(clerk)
    return len(captured)


def test_the_queue_reads_in_the_same_queries_for_one_or_three_applications():
    clerk = regional(Role.WINDOW_CLERK, "guangxi")
    ready_stay_permit()
    one = queries(clerk)
    ready_stay_permit()
    ready_stay_permit()
    assert queries(clerk) == one
    rows = handover.queue(clerk)
    assert len(rows) == 3 and all(row.owing_cny == 160 for row in rows)
