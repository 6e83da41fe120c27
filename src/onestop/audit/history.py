"""The shape every history shares: who, in which role, when, what, why — appended, never
edited. Applications and cases each keep their own history with these fields; `append` writes
one event, numbered in its insert."""

import functools

from django.conf import settings
from django.db import connection, connections, models
from django.db.models import signals

from onestop import prepared


class HistoryEvent(models.Model):
    sequence = models.PositiveIntegerField()
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=24)
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("History is appended, never edited.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History is appended, never deleted.")


def append(events, **fields):
    """Append an event to a history given as its owner's related manager
    (`application.events`, `case.events`) and return it, saved.

    Every decision appends one: the next sequence number is read and the row inserted in one
    written-out statement, planned once per connection (onestop/prepared.py). The ORM took two
    round trips, the aggregate's and the insert's, and more of its caller's time building them
    than the server took answering. The owner's row is locked by the caller (the engine's
    transition), so no two appends to one history race for a number. The model's post_save is
    sent as the ORM's save sends it (progress answers watch histories)."""
    model, owner_key = events.model, events.field
    event = model(**{owner_key.name: events.instance}, **fields)
    connection = connections[events.db]
    columns = _columns(model)
    # Each value as the ORM would store it (`at` set now, SQLite's times as UTC text).
    row = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in columns]
    with prepared.cursor(connection) as cursor:
        cursor.execute(_insert_statement(model, owner_key), [*row, events.instance.pk])
        event.pk, event.sequence = cursor.fetchone()
    event._state.adding, event._state.db = False, connection.alias
    signals.post_save.send(
        sender=model,
        instance=event,
        created=True,
        update_fields=None,
        raw=False,
        using=connection.alias,
    )
    return event


@functools.cache
def _columns(model) -> list:
    """The fields an append writes, besides the sequence number: every concrete one but the
    key (the owner's foreign key among them)."""
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name != "sequence"]


@functools.cache
def _insert_statement(model, owner_key) -> str:
    """INSERT of one event, its sequence number the history's highest plus one (the owner's
    key the last parameter), returning the new row's key and number."""
    meta, quote = model._meta, connection.ops.quote_name
    table, sequence = quote(meta.db_table), quote(meta.get_field("sequence").column)
    names = ", ".join(quote(f.column) for f in _columns(model))
    values = ", ".join(["%s"] * len(_columns(model)))
    return (
        f"INSERT INTO {table} ({names}, {sequence}) VALUES ({values}, "  # noqa: S608
        f"(SELECT COALESCE(MAX({sequence}), 0) + 1 FROM {table} "  # names from _meta,
        f"WHERE {quote(owner_key.column)} = %s)) "  # values parameters
        f"RETURNING {quote(meta.pk.column)}, {sequence}"
    )
