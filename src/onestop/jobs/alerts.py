"""Telling the supervisors that a background job gave up: an e-mail to every active supervisor
and system administrator with an address, once per failed run, and an audit entry of the system.
The e-mail names the job and the kind of error (never the traceback, which may quote data)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.notifications import outbox
from onestop.notifications.models import Channel, Kind

from .schedule import job_of_task

ALERTED = (Role.SUPERVISOR, Role.SYSTEM_ADMINISTRATOR)


def error_of(task_result) -> str:
    """The exception's class name: its message and traceback stay on the staff page."""
    errors = task_result.errors
    return errors[-1].exception_class_path.rpartition(".")[2] if errors else ""


def recipients() -> list[tuple[str, str]]:
    people = (
        get_user_model()
        .objects.filter(is_active=True, assignments__role__in=ALERTED)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    return [(Channel.EMAIL, person.email) for person in people]


@transaction.atomic
def given_up(task_result) -> None:
    path = task_result.task.module_path
    job = job_of_task(path)
    name = job.code if job else path.rpartition(".")[2]
    attempts = int(task_result.kwargs.get("attempt") or 1)
    append(
        "job.given_up",
        actor=None,
        actor_role=Role.SYSTEM,
        object_type="job",
        object_ref=str(task_result.id),
        detail={"job": name, "attempts": attempts, "error": error_of(task_result)},
    )
    outbox.enqueue_once(
        f"job:{task_result.id}:{Kind.JOB_FAILED}",
        Kind.JOB_FAILED,
        recipients(),
        language=settings.LANGUAGE_CODE,
        context={
            "job": name,
            "attempts": attempts,
            "error": error_of(task_result),
            "link": f"{settings.ONESTOP_SITE_URL}{reverse('web:jobs')}",
        },
    )
