"""The database itself refuses to change or delete an audit entry, whatever code asks.

PostgreSQL: a trigger raises on UPDATE and DELETE of any row. SQLite: a trigger raises on UPDATE;
DELETE stays possible there, because Django empties SQLite tables with DELETE between tests that
commit (PostgreSQL uses TRUNCATE, which row triggers do not see). A deployment keeps TRUNCATE
from the application's database role (docs/audit.md); verify_audit finds any removal.
"""

from django.db import migrations

POSTGRES = [
    """
    CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit entries are appended, never changed or deleted (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()
    """,
]
POSTGRES_UNDO = [
    "DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry",
    "DROP FUNCTION IF EXISTS audit_entry_append_only()",
]
SQLITE = [
    """
    CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE ON audit_auditentry
    BEGIN
        SELECT RAISE(ABORT, 'audit entries are appended, never changed');
    END
    """,
]
SQLITE_UNDO = ["DROP TRIGGER IF EXISTS audit_entry_append_only"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
