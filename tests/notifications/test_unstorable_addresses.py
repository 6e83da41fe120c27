"""An address filed before the form was bounded by the outbox never stops a decision.

The form used to take a 500-character telephone; the outbox's column holds 254. On PostgreSQL
the notice's row then failed to insert and took the decision with it: such an application could
be neither accepted nor refused. The form refuses such addresses now (tests/security/
test_input_bounds.py); those already stored are left out of the notice, and the log names the
application, never the address.
"""

import logging

import pytest

from onestop.applications.models import Application, Status
from onestop.notifications.models import Channel, Kind, Outbox

from ..clients import as_, post
from ..factories import FORM, ApplicationFactory

pytestmark = pytest.mark.django_db

EMAIL = "wilson@example.cn"


def filed_with(handler, **stored) -> Application:
    """An application filed as the form allowed before, its addresses then changed in place."""
    application = ApplicationFactory(
        submitted=True, filed_by=handler, form={**FORM, "email": EMAIL}
    )
    application.form = {**application.form, **stored}
    application.save(update_fields=["form"])
    return application


@pytest.mark.parametrize(
    "stored",
    [
        {"phone": "1" * 500},  # the outbox's column holds 254
        {"phone": "138\x000000 0000"},  # PostgreSQL stores no NUL
        {"phone": "138 0000 0000", "email": "wilson\x07@example.cn"},
    ],
    ids=["500 characters", "a NUL", "a control character"],
)
def test_an_application_with_an_unstorable_address_is_still_decided_and_told(
    handler_x, examiner, stored, caplog
):
    application = filed_with(handler_x, **stored)
    with caplog.at_level(logging.WARNING, logger="onestop.notifications.outbox"):
        response = post(
            as_(examiner),
            f"/api/v1/applications/{application.number}/pre-examination",
            {"decision": "not_accept", "reason": "Another authority is competent"},
        )
    assert response.status_code == 200, response.content[:300]
    application.refresh_from_db()
    assert application.status == Status.NOT_ACCEPTED
    sent = Outbox.objects.filter(application=application, kind=Kind.NOT_ACCEPTED)
    told = {(Channel.SMS, stored["phone"])} if "email" in stored else {(Channel.EMAIL, EMAIL)}
    assert set(sent.values_list("channel", "recipient")) == told
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert application.number in logged
    for value in stored.values():
        assert value not in logged
