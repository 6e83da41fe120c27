"""Reminders of permits' renewal deadlines (rules/renewal.py): one per permit and deadline, to
the person (the addresses of the application that produced it, in its language) and to each
handler of the employer with an e-mail address (in the language the application was filed in, by
them), queued on any day from the reminder's lead before
the deadline until the permit expires. The outbox refuses a second one under the same key
(notifications/outbox.enqueue_once), so a run again, or the next day's, queues nothing; each
reminder queued is an audit entry of the system in the same transaction."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from onestop.accounts.models import Assignment, Role
from onestop.audit.chain import append
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind
from onestop.rules import renewal

from .models import Case
from .permits import PRODUCED


@dataclass
class Sent:
    queued: list[int] = field(default_factory=list)  # case ids reminded now
    already: list[int] = field(default_factory=list)

    def __str__(self):
        return f"{len(self.queued)} queued, {len(self.already)} already reminded"


def due(today: date) -> list[Case]:
    """The produced permits whose reminder window (rules/renewal.reminder_window) holds
    `today`, of an application filed by an employer."""
    found = []
    cases = Case.objects.filter(
        status__in=PRODUCED, result__isnull=False, application__employer__isnull=False
    ).select_related("application__employer", "region", "matter_version__matter")
    for case in cases:
        rule = renewal.rule_for(case.matter_version.matter.code)
        if rule is None:
            continue
        first, last = renewal.reminder_window(rule, date.fromisoformat(case.result["valid_until"]))
        if first <= today <= last:
            found.append(case)
    return found


def send_reminders(today: date) -> Sent:
    """Queue the reminder of every permit `due(today)` not reminded for its deadline yet."""
    sent = Sent()
    for case in due(today):
        rule = renewal.rule_for(case.matter_version.matter.code)
        valid_until = date.fromisoformat(case.result["valid_until"])
        key = f"permit:{case.pk}:{rule.deadline(valid_until).isoformat()}"
        context = {
            "permit": rule.name,
            "permit_number": case.result.get("number", ""),
            "valid_until": valid_until,
            "deadline": rule.deadline(valid_until),
            "confirmed": rule.confirmed,
            "source": rule.source,
        }
        with transaction.atomic():
            queued = outbox.enqueue_once(
                f"{key}:person",
                Kind.PERMIT_RENEWAL,
                outbox.addresses_of(case.application),
                application=case.application,
                context={**context, "to_employer": False, "link": _link("web:my-applications")},
            )
            for handler in _handlers(case.application.employer):
                queued += outbox.enqueue_once(
                    f"{key}:handler:{handler.pk}",
                    Kind.PERMIT_RENEWAL,
                    [(Channel.EMAIL, handler.email.strip())],
                    application=case.application,
                    context={**context, "to_employer": True, "link": _link("web:my-staff")},
                )
            if queued:
                append(
                    "permit.renewal_reminder_queued",
                    actor=None,
                    actor_role=Role.SYSTEM,
                    object_type="case",
                    object_ref=str(case.pk),
                    region=case.region.code,
                    detail={
                        "application": case.application.number or "",
                        "matter": case.matter_version.matter.code,
                        "kind": Kind.PERMIT_RENEWAL.value,
                    },
                )
        (sent.queued if queued else sent.already).append(case.pk)
    return sent


def _handlers(employer):
    return [
        a.user
        for a in Assignment.objects.filter(
            role=Role.EMPLOYER_HANDLER, employer=employer, user__is_active=True
        ).select_related("user")
        if (a.user.email or "").strip()
    ]


def _link(name: str) -> str:
    return f"{settings.ONESTOP_SITE_URL}{reverse(name)}"
