"""What a system administrator does to background work from its staff page: run a failed run
again (GB/T 22239-2019 8.1.5.1 系统管理: the system's operation is the system administrator's,
and every act of theirs is audited)."""

from uuid import UUID

from django.db import transaction

from onestop.accounts.administrators import administrator_role
from onestop.accounts.models import Role
from onestop.audit.chain import append
from onestop.refusals import NotAllowed, Refused

from . import engine
from .engine import DBTaskResult, TaskResultStatus
from .listing import error_class
from .schedule import job_of_task


def retry(run_id: UUID | str, acting_user) -> DBTaskResult:
    """Queue the failed run's task again with its arguments, as attempt 1 of a new round whose
    `retry_of` names the chain's first run (as jobs/retries.py does), and audit it. Refused when
    the run is not failed (or not there), when a retry of it waits or runs already, and to
    anyone but a system administrator."""
    if administrator_role(acting_user) != Role.SYSTEM_ADMINISTRATOR:
        raise NotAllowed(
            "job.not_allowed",
            "Only a system administrator retries background work.",
            "只有系统管理员可以重新运行后台任务。",
        )
    with transaction.atomic():
        run = DBTaskResult.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.status != TaskResultStatus.FAILED:
            raise Refused(
                "job.not_failed",
                "Only a failed run can be retried.",
                "只能重新运行失败的任务。",
            )
        arguments = dict(run.args_kwargs.get("kwargs") or {})
        first = str(arguments.get("retry_of") or run.pk)
        waiting = DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).filter(args_kwargs__kwargs__retry_of=first)
        if waiting.exists():
            raise Refused(
                "job.retry_waiting",
                "A retry of this run is queued or running already.",
                "该任务的重新运行已在排队或正在运行。",
            )
        try:
            again = engine.enqueue(run.task_path, **{**arguments, "attempt": 1, "retry_of": first})
        except (ImportError, TypeError) as exc:  # the task is no longer in the code
            raise Refused(
                "job.task_gone",
                "This run's task no longer exists; it cannot run again.",
                "该任务已不存在，无法重新运行。",
            ) from exc
        job = job_of_task(run.task_path)
        append(
            "job.retried",
            actor=acting_user,
            actor_role=Role.SYSTEM_ADMINISTRATOR,
            object_type="job",
            object_ref=str(run.pk),
            detail={
                "job": job.code if job else run.task_path.rpartition(".")[2],
                "attempts": int(arguments.get("attempt") or 1),
                "error": error_class(run),
            },
        )
    return again
