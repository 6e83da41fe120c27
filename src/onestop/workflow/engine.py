"""The one state-machine engine of applications and cases: a table of edges and one function
that applies an edge.

A kind of subject (an application, a case) states its table and what the engine cannot know
about it in a `Machine`: how to lock its row, its edges (an application's from code, a case's
from the catalog version it was routed under), the roles a person holds on the very subject, who
took an earlier step (for `not_by`), the checks of its present state beyond the table, what an
edge changes on it, and where its history goes. `transition()` does the rest, always in the same
order: lock, edge, role, state, separation of duties, reasons; then the subject's own change,
save, and the event appended with its audit entry, all in one transaction.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from onestop.refusals import NotAllowed, Refused


@dataclass(frozen=True)
class Edge:
    """One action: the states it leaves, the state it reaches (None: the state stays, as when a
    clock is paused), who may take it, whose earlier step bars them (`not_by`), whether it needs
    reasons, and the source that sets it."""

    sources: tuple[str, ...]
    target: str | None
    roles: tuple[str, ...]
    source_document: str
    needs_reasons: bool = False
    not_by: str = ""


class Machine:
    """What the engine needs to know of one kind of subject; subclasses fill it in."""

    model: Any = None
    # The area of its refusal codes: "case", "application".
    area: str = ""
    # The field that holds the subject's state.
    state_field: str = "status"

    def lock(self, subject):
        """The subject's row, locked for the rest of the transaction."""
        return self.model.objects.select_for_update().get(pk=subject.pk)

    def edges(self, subject) -> dict[str, Edge]:
        raise NotImplementedError

    def roles_on(self, user, subject) -> list[str]:
        raise NotImplementedError

    def done_by(self, subject, step: str):
        """The primary key of whoever took `step` on the subject, for `not_by`; None if nobody."""
        return None

    def not_now(self, subject, action: str, edge: Edge) -> Refused | None:
        """Why the edge cannot be taken from the subject's present state, or None."""
        state = getattr(subject, self.state_field)
        if state not in edge.sources:
            return Refused(
                f"{self.area}.not_at_this_step",
                f"Cannot {action.replace('_', ' ')} at the step {state}.",
                f"当前所处环节（{state}）不能执行此操作。",
            )
        return None

    def not_allowed(self) -> NotAllowed:
        """The refusal of an edge to someone holding none of its roles on the subject."""
        return NotAllowed(
            f"{self.area}.role_not_allowed",
            f"Your roles do not allow this on this {self.area}.",
            "您的角色无权执行此操作。",
        )

    def refused_by(self, subject, action: str, edge: Edge, acting_user) -> NotAllowed:
        """The refusal of an edge to whoever took the step its `not_by` names."""
        return NotAllowed(
            f"{self.area}.not_by_{edge.not_by}",
            "The person who took an earlier step may not take this one.",
            "办理前一环节的人员不得办理本环节。",
        )

    def reasons(self, subject, action: str, reason: str) -> str:
        """The reasons the event records (the subject may supply ones given earlier)."""
        return reason.strip()

    def reasons_missing(self, action: str) -> Refused:
        return Refused(
            f"{self.area}.reasons_missing", "This needs its reasons.", "此操作须说明理由。"
        )

    def apply(self, subject, action: str, edge: Edge, acting_user, *, reason: str, on) -> dict:
        """The subject's own changes beyond its state; returns data for the event."""
        return {}

    def save(self, subject) -> None:
        subject.save()

    def append_event(self, subject, acting_user, role: str, kind: str, **fields):
        raise NotImplementedError


MACHINES: dict[type, Machine] = {}


def register(machine: Machine) -> Machine:
    """Make `machine` the one that moves subjects of its model."""
    MACHINES[machine.model] = machine
    return machine


def machine_for(subject) -> Machine:
    return MACHINES[type(subject)]


def acting_role(machine: Machine, subject, edge: Edge, acting_user) -> str:
    """The role in which `acting_user` takes the edge on this very subject, or NotAllowed."""
    allowed = [r for r in machine.roles_on(acting_user, subject) if r in edge.roles]
    if not allowed:
        raise machine.not_allowed()
    return allowed[0]


def refusal(machine: Machine, subject, action: str, acting_user) -> Exception | None:
    """Why `acting_user` may not take `action` now, by the table alone and the subject's state
    (their roles aside), or None."""
    edge = machine.edges(subject).get(action)
    if edge is None:
        return Refused(
            f"{machine.area}.no_such_action",
            f"There is no action {action!r} here.",
            "没有此项操作。",
        )
    found = machine.not_now(subject, action, edge)
    if found is None and edge.not_by and acting_user is not None:
        done_by = machine.done_by(subject, edge.not_by)
        if done_by is not None and done_by == acting_user.pk:
            found = machine.refused_by(subject, action, edge, acting_user)
    return found


def open_actions(subject, held: list[str], acting_user=None) -> dict[str, bool]:
    """Each action of the subject's table with whether someone holding `held` on it may take it
    in its present state, by the checks transition() makes. Without `acting_user` the
    separation of duties is left out (a page offers the reviewer the decision, to say why they
    may not take it)."""
    machine = machine_for(subject)
    return {
        action: bool(set(held) & set(edge.roles))
        and refusal(machine, subject, action, acting_user) is None
        for action, edge in machine.edges(subject).items()
    }


def transition(
    subject, action: str, *, acting_user, reason: str = "", data=None, on=None, locked=False
):
    """Apply one edge of the subject's table; returns the locked, updated subject. `locked`:
    the caller read `subject` with machine.lock() in the transaction this one runs in, so its
    row is not read and locked again."""
    # A caller that locked the row made its transaction one step (a filing, an acceptance): a
    # refusal here fails that step as a whole, with no savepoint of its own. Otherwise the
    # transition is the step, and a caller's transaction may go on after its refusal.
    with transaction.atomic(savepoint=not locked):
        return _transition(subject, action, acting_user, reason, data, on, locked)


def _transition(subject, action, acting_user, reason, data, on, locked):
    machine = machine_for(subject)
    if not locked:
        subject = machine.lock(subject)
    edge = machine.edges(subject).get(action)
    if edge is None:
        raise refusal(machine, subject, action, acting_user)
    role = acting_role(machine, subject, edge, acting_user)
    found = refusal(machine, subject, action, acting_user)
    if found is not None:
        raise found
    reason = machine.reasons(subject, action, reason)
    if edge.needs_reasons and not reason:
        raise machine.reasons_missing(action)
    before = getattr(subject, machine.state_field)
    if edge.target is not None:
        setattr(subject, machine.state_field, edge.target)
    extra = machine.apply(subject, action, edge, acting_user, reason=reason, on=on)
    machine.save(subject)
    moved = edge.target is not None
    machine.append_event(
        subject,
        acting_user,
        role,
        action,
        from_status=before if moved else "",
        to_status=edge.target if moved else "",
        reason=reason,
        data={**(data or {}), **extra},
    )
    return subject
