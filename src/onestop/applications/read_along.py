"""What a gate's completeness check reads of an application, read in the statement that locks
its row (workflow.lock with `checking`): the catalog versions it covers and the codes of its
files that stand. A pre-examination pass and an acceptance then make one round trip where they
made three.

Only where nobody can change those rows meanwhile: files are given and taken back only while the
application is a draft or being corrected (drafts.py). A filing reads them apart, after its
lock: on PostgreSQL a statement that waited for the lock still reads other tables as they were
when it began, and would miss a file taken back by the transaction it waited for.

Each value is taken once, by the read it stands for (versions.covered_pks,
prefill.materials_given); a later read of the same instance goes to the database, so nothing
read here outlives the check it was read for.
"""

from django.db import NotSupportedError
from django.db.models import Expression, JSONField

from .models import Application, ApplicationMatter, Upload

COVERED = "read_along_covered"
GIVEN = "read_along_given"


class _Rows(Expression):
    """A subquery of one application's rows, given as one JSON array of arrays of `columns`
    (as text, which the JSON field reads on both databases)."""

    output_field = JSONField()

    def __init__(self, model, columns: tuple[str, ...], standing: str | None = None):
        super().__init__()
        self.model, self.columns, self.standing = model, columns, standing

    def as_sql(self, compiler, connection):
        quote, meta = connection.ops.quote_name, self.model._meta
        values = ", ".join(quote(meta.get_field(name).column) for name in self.columns)
        if connection.vendor == "postgresql":
            rows = f"COALESCE(json_agg(json_build_array({values})), '[]')::text"
        elif connection.vendor == "sqlite":
            rows = f"json_group_array(json_array({values}))"
        else:
            raise NotSupportedError(f"No read-along for {connection.vendor}.")
        outer = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        key = quote(Application._meta.pk.column)
        where = f"{quote(meta.get_field('application').column)} = {outer}.{key}"
        if self.standing:
            where += f" AND {quote(meta.get_field(self.standing).column)} IS NULL"
        sql = f"(SELECT {rows} FROM {quote(meta.db_table)} WHERE {where})"  # noqa: S608 - _meta
        return sql, []


def columns() -> dict:
    """The annotations the lock reads along: (position, version) of each covered matter, and
    (matter, material) of each file not replaced or removed."""
    return {
        COVERED: _Rows(ApplicationMatter, ("position", "matter_version")),
        # Standing as UploadQuerySet.current() has it: not replaced, not removed.
        GIVEN: _Rows(Upload, ("matter_code", "material_code"), standing="replaced_at"),
    }


def take(application: Application, name: str) -> list | None:
    """The value read along under `name`, once; None when there is none (read it)."""
    return application.__dict__.pop(name, None)
