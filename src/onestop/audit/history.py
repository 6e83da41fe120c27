"""The shape every history shares: who, in which role, when, what, why — appended, never
edited. Applications and cases each keep their own history with these fields."""

import functools

from django.conf import settings
from django.db import connection, models

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


def next_sequence(events) -> int:
    """The sequence number of the next event of a history, given as its owner's related manager
    (`application.events`, `case.events`). Every decision appends an event: the statement is
    written out and planned once per connection (onestop/prepared.py), as the ORM's aggregate
    cost its caller three times the statement's round trip."""
    with prepared.cursor() as cursor:
        cursor.execute(_next_statement(events.field), [events.instance.pk])
        return cursor.fetchone()[0]


@functools.cache
def _next_statement(owner_key) -> str:
    """The next sequence number of the history whose foreign key to its owner is `owner_key`."""
    meta, quote = owner_key.model._meta, connection.ops.quote_name
    sequence = quote(meta.get_field("sequence").column)
    return (
        f"SELECT COALESCE(MAX({sequence}), 0) + 1 FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {quote(owner_key.column)} = %s"  # names from _meta, the value a parameter
    )
