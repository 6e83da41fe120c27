"""Changes to who may do what: roles given and taken, account flags, second-factor devices
removed, sessions ended, lockouts lifted. The admin (accounts/admin.py) and the commands call
these; each is audited in its transaction (audit/chain.py), and each moves the person's security
stamp (models.SecurityStamp, by the database), so all their sessions end.

An administrator never changes their own roles or flags (administrators.refuse_own).
"""

from django.db import transaction
from django.db.models import F

from onestop.audit.chain import append

from . import administrators
from .models import Assignment, SecurityStamp

FLAGS = ("is_active", "is_staff", "is_superuser")


def _record(action: str, acting_user, person, **fields) -> None:
    append(
        action,
        actor=acting_user,
        actor_role=administrators.acting_role(acting_user),
        object_type="user",
        object_ref=str(person.pk),
        **fields,
    )


def _where(assignment: Assignment) -> dict:
    return {
        "region": assignment.region.code if assignment.region_id else "",
        "department": assignment.department.code if assignment.department_id else "",
    }


def save_assignment(assignment: Assignment, *, acting_user, previous_role: str = "") -> None:
    """Give a role, or change one (its role, region, department or employer)."""
    administrators.refuse_own(assignment.user, acting_user)
    with transaction.atomic():
        assignment.save()
        _record(
            "account.role_changed" if previous_role else "account.role_given",
            acting_user,
            assignment.user,
            detail={"from_status": previous_role, "to_status": assignment.role},
            **_where(assignment),
        )


def remove_assignment(assignment: Assignment, *, acting_user) -> None:
    administrators.refuse_own(assignment.user, acting_user)
    with transaction.atomic():
        _record(
            "account.role_taken",
            acting_user,
            assignment.user,
            detail={"from_status": assignment.role, "to_status": ""},
            **_where(assignment),
        )
        assignment.delete()


def flags_of(person) -> str:
    return " ".join(flag for flag in FLAGS if getattr(person, flag))


def save_person(person, *, acting_user, flags_before: str | None) -> None:
    """Save an account from the admin; a change of its flags is refused on one's own account
    and audited with the flags before and after (never the person's data)."""
    flags_after = flags_of(person)
    changed = flags_before is not None and flags_before != flags_after
    if changed:
        administrators.refuse_own(person, acting_user)
    with transaction.atomic():
        person.save()
        if flags_before is None:
            _record("account.created", acting_user, person, detail={"to_status": flags_after})
        elif changed:
            _record(
                "account.flags_changed",
                acting_user,
                person,
                detail={"from_status": flags_before, "to_status": flags_after},
            )


def remove_device(device, *, acting_user) -> None:
    """Remove a lost authenticator app or passkey; the next sign-in enrols a new one."""
    with transaction.atomic():
        append(
            "account.device_removed",
            actor=acting_user,
            actor_role=administrators.acting_role(acting_user),
            object_type="device",
            object_ref=f"{device._meta.model_name[:12]}:{device.pk}",
        )
        device.delete()


def end_sessions(person, *, acting_user) -> None:
    """End every session of `person` now (a stolen laptop, a person leaving)."""
    with transaction.atomic():
        SecurityStamp.objects.filter(user=person).update(generation=F("generation") + 1)
        _record("account.sessions_ended", acting_user, person)


def lift_lockout(attempt, *, acting_user) -> None:
    """Remove the failed attempts that lock a username out from an address (django-axes)."""
    with transaction.atomic():
        append(
            "account.lockout_lifted",
            actor=acting_user,
            actor_role=administrators.acting_role(acting_user),
            object_type="lockout",
            object_ref=str(attempt.pk),
        )
        attempt.delete()


def make_administrator(person, role: str, *, acting_user=None) -> Assignment:
    """Give `person` one of the three administrator roles (and the admin's `is_staff`); from
    `onestop manage make_administrator`, the first one of a platform without any."""
    with transaction.atomic():
        assignment = Assignment(user=person, role=role)
        save_assignment(assignment, acting_user=acting_user)
        if not person.is_staff:
            before = flags_of(person)
            person.is_staff = True
            save_person(person, acting_user=acting_user, flags_before=before)
    return assignment
