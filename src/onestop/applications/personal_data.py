"""What the platform keeps about a person, for how long, and the copy a person may take away.

PIPL Art. 19: personal information is kept no longer than its purpose needs; Art. 47: it is
deleted when the purpose is served; Art. 45: a person may obtain a copy of their information.
The periods below are the platform's readings of those articles (no source document of the
service fixes them); records of an accepted application belong to the case file and are kept
under the archives rules of the department, outside this platform's purge. Logs are another
matter: the audit chain is never purged, and sign-in records go only after the log retention,
six months at least (audit/retention.py; Cybersecurity Law Art. 21).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from onestop.audit import retention
from onestop.notifications.models import Outbox
from onestop.notifications.models import Status as OutboxStatus

from .access import own_applications
from .models import Application, Status, Upload

PIPL = "PIPL Art. 19, Art. 47"


@dataclass(frozen=True)
class Retention:
    kind: str
    days: int
    en: str
    zh: str
    source: str


RETENTION = (
    Retention(
        "abandoned_draft",
        90,
        "Drafts never submitted: deleted with their files 90 days after the last change.",
        "从未提交的草稿：最后修改90日后连同文件删除。",
        PIPL,
    ),
    Retention(
        "closed_files",
        180,
        "Files of applications not accepted or withdrawn: deleted 180 days after closing.",
        "不予受理或撤回的申请的文件：办结180日后删除。",
        PIPL,
    ),
    Retention(
        "sent_message",
        90,
        "Notices sent to applicants: address and text erased 90 days after sending.",
        "已发送的通知：发送90日后删除地址和正文。",
        PIPL,
    ),
)
_DAYS = {r.kind: r.days for r in RETENTION}


def rules() -> tuple[Retention, ...]:
    """Every rule the purge applies: RETENTION, then the sign-in records, kept as long as the
    log retention (ONESTOP_LOG_RETENTION_DAYS, never under 180 days)."""
    days = retention.kept_days()
    return (
        *RETENTION,
        Retention(
            "sign_in_record",
            days,
            f"Sign-in records (successful and failed): deleted {days} days after the sign-in.",
            f"登录记录（成功和失败）：登录{days}日后删除。",
            retention.SOURCE,
        ),
    )


def _before(kind: str, now):
    return now - timedelta(days=_DAYS[kind])


@transaction.atomic
def purge(*, now=None, dry_run: bool = False) -> dict[str, int]:
    """Delete or erase what has outlived its purpose; answers the count per kind. Audit entries
    are never touched, and no sign-in record younger than the log retention."""
    now = now or timezone.now()
    drafts = Application.objects.filter(
        status=Status.DRAFT, updated_at__lt=_before("abandoned_draft", now)
    )
    closed_uploads = Upload.objects.filter(
        application__status__in=(Status.NOT_ACCEPTED, Status.WITHDRAWN),
        application__updated_at__lt=_before("closed_files", now),
    )
    messages = Outbox.objects.filter(
        status=OutboxStatus.SENT, sent_at__lt=_before("sent_message", now)
    ).exclude(recipient="")
    counts = {
        "abandoned_draft": drafts.count(),
        "closed_files": closed_uploads.count(),
        "sent_message": messages.count(),
        "sign_in_record": retention.purge_sign_in_records(now=now, dry_run=dry_run),
    }
    if dry_run:
        return counts
    draft_uploads = Upload.objects.filter(application__in=drafts)
    for upload in [*draft_uploads, *closed_uploads]:
        # Files go once the rows are gone for good: a rolled-back purge must not lose a file.
        transaction.on_commit(lambda f=upload.file: f.delete(save=False))
    closed_uploads.delete()
    for application in drafts:
        application.events.all().delete()
        application.uploads.all().delete()
        application.covered.all().delete()
        application.delete()
    messages.update(recipient="", subject="", body="")
    return counts


def export_for(user) -> dict:
    """Everything filed by or for `user` that they may read, as plain data (PIPL Art. 45)."""
    applications = own_applications(user).prefetch_related("uploads", "notices", "events", "cases")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {"username": user.username, "email": user.email},
        "applications": [
            {
                "number": a.number,
                "status": a.status,
                "region": a.region.code,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "form": a.form,
                "profile": a.profile,
                "files": [
                    {
                        "matter": u.matter_code,
                        "material": u.material_code,
                        "name": u.original_name,
                        "type": u.content_type,
                        "size": u.size,
                        "sha256": u.sha256,
                        "uploaded_at": u.uploaded_at.isoformat(),
                    }
                    for u in a.uploads.all()
                ],
                "notices": [
                    {"sequence": n.sequence, "issued_at": n.issued_at.isoformat(), "items": n.items}
                    for n in a.notices.all()
                ],
                "history": [
                    {"at": e.at.isoformat(), "kind": e.kind, "to": e.to_status, "reason": e.reason}
                    for e in a.events.all()
                ],
                "cases": [
                    {"department": c.department.code, "status": c.status} for c in a.cases.all()
                ],
            }
            for a in applications.select_related("region")
        ],
    }
