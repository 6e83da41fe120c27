"""A person's inbox: every e-mail and SMS sent, or waiting to be sent, about the applications
they file and the bookings they made, newest first.

What a person sees here follows what they may see of the applications themselves
(applications/access.own_applications: as the applicant, as an agent, or for an employer they
handle); a booking's own messages (a reminder of a visit booked without an application) follow
the booking. Staff read the outbox in the admin, not here.
"""

from django.db.models import Q, QuerySet

from onestop.applications.access import own_applications
from onestop.applications.personal_data import RETENTION
from onestop.appointments.selectors import own_bookings
from onestop.notifications.models import Outbox


def messages_for(user, *, application=None) -> QuerySet[Outbox]:
    """The messages `user` may read, newest first; about one of their applications only when
    `application` is given. The application's number comes with each message."""
    if not user.is_authenticated:
        return Outbox.objects.none()
    mine = Q(application__in=own_applications(user).values("pk"))
    if application is None:
        # A booking's messages are keyed "booking:<id>:..." (appointments/reminders.py).
        alone = own_bookings(user).filter(application__isnull=True).values_list("pk", flat=True)
        for booking in alone:
            mine |= Q(application__isnull=True, idempotency_key__startswith=f"booking:{booking}:")
    else:
        mine &= Q(application=application)
    return (
        Outbox.objects.filter(mine)
        .select_related("application")
        .only(
            "application",
            "application__number",
            "application__public_id",
            "kind",
            "channel",
            "subject",
            "body",
            "status",
            "sent_at",
            "created_at",
        )
        .order_by("-created_at", "-id")
    )


def erased(message: Outbox) -> bool:
    """Whether the retention purge has erased the message's text (applications/personal_data.py:
    address and text erased 90 days after sending)."""
    return not message.subject and not message.body


def erased_after_days() -> int:
    """After how many days from sending the purge erases a message's text."""
    return next(rule.days for rule in RETENTION if rule.kind == "sent_message")
