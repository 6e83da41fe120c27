"""How long logs are kept: six months at least, whatever a purge is asked to do.

网络安全法 第二十一条 (Cybersecurity Law art. 21) asks network operators to keep the network logs
that record their operation and security events for no less than six months; GB/T 22239-2019
8.1.4.3 c asks that audit records be protected and kept. The logs the platform stores:

- the audit chain (audit/models.py): decisions and staff reads of personal data; never deleted
  by any code (the model, the admin and the database refuse);
- sign-in records of django-axes: successful sign-ins and sign-outs (AccessLog) and failed ones
  (AccessFailureLog, settings.AXES_ENABLE_ACCESS_FAILURE_LOG); kept ONESTOP_LOG_RETENTION_DAYS
  (180 at least), then deleted by `onestop manage purge_personal_data` (they name people and
  their addresses: PIPL Art. 19 asks for no longer than needed).

axes' own clean-up (`axes_reset_logs --age N`, `axes_reset_failure_logs --age N`, its per-user
limit of failure records) runs through RetainingAxesHandler, which keeps every record younger
than the retention and says so. axes' AccessAttempt rows are failure counters for the lockout,
not a log: axes deletes them when the lockout ends, as it should.
"""

import logging
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.utils import timezone

FLOOR_DAYS = 180  # 网络安全法 第二十一条: 不少于六个月
SOURCE = "Cybersecurity Law Art. 21; PIPL Art. 19"

logger = logging.getLogger(__name__)


def kept_days(asked: int | None = None) -> int:
    """The days logs are kept: ONESTOP_LOG_RETENTION_DAYS, or `asked` when it is longer; never
    fewer than 180. Asking for fewer is not an error here, but it is logged as a warning."""
    configured = settings.ONESTOP_LOG_RETENTION_DAYS
    kept = max(configured, FLOOR_DAYS)
    if configured < FLOOR_DAYS:
        logger.warning(
            "ONESTOP_LOG_RETENTION_DAYS=%s is below the floor: logs are kept %s days "
            "(Cybersecurity Law art. 21).",
            configured,
            FLOOR_DAYS,
        )
    if asked is None:
        return kept
    if asked < kept:
        logger.warning(
            "Logs younger than %s days are kept (ONESTOP_LOG_RETENTION_DAYS; Cybersecurity Law "
            "art. 21): a clean-up of records older than %s days deletes only those older than %s.",
            kept,
            asked,
            kept,
        )
        return kept
    return asked


def kept_since(now: datetime | None = None, asked: int | None = None) -> datetime:
    """Records at or after this moment are kept."""
    return (now or timezone.now()) - timedelta(days=kept_days(asked))


def purge_sign_in_records(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the sign-in records older than the retention; answers how many (would) go."""
    before = kept_since(now)
    old = [
        AccessLog.objects.filter(attempt_time__lt=before),
        AccessFailureLog.objects.filter(attempt_time__lt=before),
    ]
    if dry_run:
        return sum(records.count() for records in old)
    return sum(records.delete()[0] for records in old)


class RetainingAxesHandler(AxesDatabaseHandler):
    """axes' database handler, whose clean-ups never reach a record younger than the retention
    (settings.AXES_HANDLER)."""

    def reset_logs(self, *, age_days: int | None = None) -> int:
        # age_days=None means "every record" to axes: here, every record old enough.
        return super().reset_logs(age_days=kept_days(age_days))

    def reset_failure_logs(self, *, age_days: int | None = None) -> int:
        return super().reset_failure_logs(age_days=kept_days(age_days))

    def remove_out_of_limit_failure_logs(self, *, username: str, limit: int | None = None) -> int:
        """axes keeps at most `limit` failure records a username, deleting the oldest; here only
        records older than the retention are deleted for it, the oldest first."""
        limit = settings.AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT if limit is None else limit
        failures = AccessFailureLog.objects.filter(username=username)
        excess = failures.count() - limit
        if excess <= 0:
            return 0
        oldest = failures.filter(attempt_time__lt=kept_since()).order_by("attempt_time")
        doomed = list(oldest.values_list("pk", flat=True)[:excess])
        return AccessFailureLog.objects.filter(pk__in=doomed).delete()[0]
