"""Staff reads of personal data: an application, a case or an uploaded file opened by a
pre-examiner, window clerk, supervisor, department handler or leader, or an administrator; an
opinion opened by the department it is asked of (GB/T 22239-2019 security audit: every user,
important user behaviour; 004 廉政风险点); and every read of a record in the Django admin, by
anyone (`admin_read`).

The access functions call these once they have found the record the reader may see
(applications.access.get_application_for, the case pages and API, the file downloads), with the
staff role the reader holds on it (accounts.roles.staff_role): None for a person reading what
they file themselves (applicant, employer's handler, agent), which is not a staff read. What was
read is never written: the entry names the record and the reader, not the data. Within one
request each object is recorded once, however often the request's code asks for it.
"""

from contextvars import ContextVar

from .chain import append, append_all

# The (reader, action, object) already recorded in this request; None outside a request.
_recorded: ContextVar[set | None] = ContextVar("audit_reads_recorded", default=None)


def open_scope(**kwargs) -> None:
    _recorded.set(set())


def close_scope(**kwargs) -> None:
    _recorded.set(None)


def _first_time(key: tuple) -> bool:
    recorded = _recorded.get()
    if recorded is None:
        return True
    if key in recorded:
        return False
    recorded.add(key)
    return True


def application_ref(application) -> str:
    return application.number or f"draft:{application.pk}"


def _read(user, role, action, object_type, object_ref, where) -> None:
    """Append the read unless the reader is not staff or it is recorded in this request;
    `where()` answers the region, department and detail (asked only when recorded)."""
    if role is None or not _first_time((user.pk, action, object_type, object_ref)):
        return
    append(
        action,
        actor=user,
        actor_role=role,
        object_type=object_type,
        object_ref=object_ref,
        **where(),
    )


def application_read(user, application, role: str | None) -> None:
    """`user` opened `application` in the staff `role` they hold on it (None: not staff)."""
    _read(
        user,
        role,
        "read.application",
        "application",
        application_ref(application),
        lambda: {"region": application.region.code, "detail": {"status": application.status}},
    )


def applications_listed(user, listed) -> None:
    """`user` was shown the applicant's name on a list (a department's queue): each
    (application, staff role) of `listed` recorded as a read of the application, once a
    request, all in one append (chain.append_all)."""
    entries = [
        {
            "action": "read.application",
            "actor": user,
            "actor_role": role,
            "object_type": "application",
            "object_ref": application_ref(application),
            "region": application.region.code,
            "detail": {"status": application.status},
        }
        for application, role in listed
        if role is not None
        and _first_time((user.pk, "read.application", "application", application_ref(application)))
    ]
    append_all(entries)


def case_read(user, case, role: str | None) -> None:
    """`user` opened `case` in the staff `role` they hold on it (None: not staff)."""
    _read(
        user,
        role,
        "read.case",
        "case",
        str(case.pk),
        lambda: {
            "region": case.region.code,
            "department": case.department.code,
            "detail": {"status": case.status, "application": case.application.number or ""},
        },
    )


def opinion_read(user, opinion, role: str | None) -> None:
    """`user` opened an opinion asked of their department in `role`: its question names what
    the asking department chose to tell, which may be personal data. The entry names the
    opinion, the asked department, and the application and matter of the case it is asked on."""
    case = opinion.case
    _read(
        user,
        role,
        "read.opinion",
        "opinion",
        str(opinion.pk),
        lambda: {
            "region": case.region.code,
            "department": opinion.asked_department.code,
            "detail": {
                "application": case.application.number or "",
                "matter": case.matter_version.matter.code,
                "status": "answered" if opinion.answered_at else "asked",
            },
        },
    )


def upload_read(user, upload, role: str | None) -> None:
    """`user` downloaded an uploaded file in the staff `role` they hold on its application (None:
    not staff): its id and material code, never its name."""
    application = upload.application
    _read(
        user,
        role,
        "read.upload",
        "upload",
        str(upload.pk),
        lambda: {
            "region": application.region.code,
            "detail": {
                "application": application_ref(application),
                "matter": upload.matter_code,
                "material": upload.material_code,
            },
        },
    )


def export(
    user, role: str, *, figure: str, file_format: str, filters: dict, rows: int | None = None
) -> None:
    """`user` exported, in the staff `role`, the supervision figures or the cases behind one
    (`figure`) as `file_format`, filtered by `filters` (codes and days: region, department,
    matter, accepted_from, accepted_to); `rows`: how many cases a list held when the export
    started. Every export is recorded, even twice in one request: it names what left the
    platform, never the rows themselves."""
    detail = {"figure": figure, "format": file_format}
    if rows is not None:
        detail["rows"] = rows
    for key in ("matter", "accepted_from", "accepted_to"):
        if filters.get(key):
            detail[key] = str(filters[key])
    append(
        f"export.supervision.{'figures' if figure == 'figures' else 'cases'}",
        actor=user,
        actor_role=role,
        object_type="supervision",
        object_ref=figure,
        region=filters.get("region") or "",
        department=filters.get("department") or "",
        detail=detail,
    )


def list_export(
    user,
    role: str | None,
    *,
    listed: str,
    file_format: str,
    filters: dict,
    searched: bool,
    personal: list[str],
    rows: int,
) -> None:
    """`user` exported, in the staff `role`, a staff list (`listed`: "cases" for a department's
    queue, "applications" for the pre-examination queue, "payments" for the fees recorded at
    the window) as `file_format`, narrowed by `filters` (codes and days: step, matter, urgency;
    method, recorded_from, recorded_to) and, when
    `searched`, by a search whose terms are personal data and never recorded; `personal` names
    the columns of personal data the file holds (applicant, passport), `rows` how many rows it
    holds when the export starts. Every export is recorded, even twice in one request: it names
    what left the platform, never the rows themselves."""
    detail = {"format": file_format, "rows": rows, "searched": searched}
    for key in ("step", "matter", "urgency", "method", "recorded_from", "recorded_to"):
        if filters.get(key):
            detail[key] = str(filters[key])
    if personal:
        detail["personal_columns"] = ",".join(personal)
    append(
        f"export.{listed}",
        actor=user,
        actor_role=role or "staff",
        object_type="list",
        object_ref=listed,
        detail=detail,
    )


def admin_read(user, role: str, view: str, model, object_id) -> None:
    """`user` was shown `model`'s records in the Django admin: its list, one object's page, its
    history or its delete confirmation (`view`), or the chain's verification. Anyone, whatever
    their role: the admin shows what no other page does. The entry names the model and the
    object's key (empty for a list), never what was shown (accounts/admin_site.py)."""
    _read(
        user,
        role or "staff",
        f"read.admin.{view}",
        model._meta.model_name[:20],
        str(object_id or ""),
        dict,
    )
