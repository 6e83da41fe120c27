"""The periodic task of schedule.yaml `permit_reminders`: queue the reminders of permits'
renewal deadlines due today (cases/permit_reminders.py; keyed, so a second run queues none)."""

from django.utils import timezone

from onestop.cases.permit_reminders import send_reminders

from .engine import task


@task()
def remind_permit_renewals(**run) -> str:
    return str(send_reminders(timezone.localdate()))
