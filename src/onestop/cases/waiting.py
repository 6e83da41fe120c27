"""Cases that wait for another case of the same application (003 第十五条: the residence permit
is applied for once the work permit is approved). The step a case waits at names the family
and the action it waits for (its version's case steps, `waits_for`); when that action is taken
on the other case, the waiting case starts at the step named, its clock counted from that day."""

from django.utils import timezone

from onestop.accounts.models import Role

from . import clock, steps
from .models import Case
from .workflow import append_event


def start_waiting(case: Case, action: str, acting_user, *, on=None) -> list[Case]:
    """Start the application's cases waiting for `action` on `case`'s family, in the
    transaction of that action; returns the cases started."""
    family = case.matter_version.matter.code.split(".")[0]
    on = on or timezone.localdate()
    started = []
    for other in (
        Case.objects.select_for_update(of=("self",))
        .filter(application_id=case.application_id)
        .exclude(pk=case.pk)
        .select_related("matter_version", "region", "deadline")
        .order_by("pk")
    ):
        wanted = steps.waits_for(other.matter_version, other.status)
        if not wanted or wanted["family"] != family or wanted["action"] != action:
            continue
        before, other.status = other.status, wanted["then"]
        clock.count_from(other, on)
        clock.refresh(other, step_entered_on=on)
        other.save()
        append_event(
            other,
            acting_user,
            Role.SYSTEM,
            "start",
            from_status=before,
            to_status=other.status,
            data={"after": case.matter_version.matter.code, "source": wanted["source"]},
        )
        started.append(other)
    return started
