"""The database keeps every person's security stamp (models.SecurityStamp): one row per user,
made with the user, and moved on by any change of their roles, staff flags, groups, permissions
or second-factor devices — whatever code or statement makes it. A session holding an older
number is over (accounts/sessions.py).

Device rows change on every code checked (django-otp's counters); only their owner, key and
confirmation move the stamp, so signing in on one computer does not end the sessions of another.
"""

from django.db import migrations

# table: the columns whose change moves the stamp (every insert and delete does)
WATCHED = {
    "accounts_assignment": ("user_id", "role", "region_id", "department_id", "employer_id"),
    "auth_user_groups": ("user_id", "group_id"),
    "auth_user_user_permissions": ("user_id", "permission_id"),
    "otp_totp_totpdevice": ("user_id", "key", "confirmed"),
    "django_otp_webauthn_webauthncredential": (
        "user_id",
        "credential_id_sha256",
        "public_key",
        "confirmed",
    ),
}
FLAGS = ("is_staff", "is_superuser", "is_active")
BUMP = "UPDATE accounts_securitystamp SET generation = generation + 1 WHERE user_id = {}"
EXISTING = """
    INSERT INTO accounts_securitystamp (user_id, generation)
    SELECT id, 1 FROM auth_user
    WHERE id NOT IN (SELECT user_id FROM accounts_securitystamp)
"""


def _changed(columns, is_not: str) -> str:
    return " OR ".join(f"OLD.{c} {is_not} NEW.{c}" for c in columns)


def _sqlite():
    statements = [
        """
        CREATE TRIGGER accounts_stamp_new_user AFTER INSERT ON auth_user
        BEGIN
            INSERT INTO accounts_securitystamp (user_id, generation) VALUES (NEW.id, 1);
        END
        """,
        f"""
        CREATE TRIGGER accounts_stamp_user_flags AFTER UPDATE OF {", ".join(FLAGS)} ON auth_user
        WHEN {_changed(FLAGS, "IS NOT")}
        BEGIN {BUMP.format("NEW.id")}; END
        """,
    ]
    for table, columns in WATCHED.items():
        statements += [
            f"""
            CREATE TRIGGER {table}_stamp_insert AFTER INSERT ON {table}
            BEGIN {BUMP.format("NEW.user_id")}; END
            """,
            f"""
            CREATE TRIGGER {table}_stamp_delete AFTER DELETE ON {table}
            BEGIN {BUMP.format("OLD.user_id")}; END
            """,
            f"""
            CREATE TRIGGER {table}_stamp_update AFTER UPDATE OF {", ".join(columns)} ON {table}
            WHEN {_changed(columns, "IS NOT")}
            BEGIN {BUMP.format("OLD.user_id")}; {BUMP.format("NEW.user_id")}; END
            """,
        ]
    return statements


def _sqlite_undo():
    names = ["accounts_stamp_new_user", "accounts_stamp_user_flags"]
    for table in WATCHED:
        names += [f"{table}_stamp_{op}" for op in ("insert", "delete", "update")]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names]


def _postgresql():
    statements = [
        f"""
        CREATE OR REPLACE FUNCTION accounts_stamp_moves() RETURNS trigger AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN {BUMP.format("OLD.user_id")}; END IF;
            IF TG_OP <> 'DELETE' THEN {BUMP.format("NEW.user_id")}; END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        f"""
        CREATE OR REPLACE FUNCTION accounts_stamp_user() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO accounts_securitystamp (user_id, generation) VALUES (NEW.id, 1);
            ELSE
                {BUMP.format("NEW.id")};
            END IF;
            RETURN NULL;
        END;
        $$ LANGUAGE plpgsql
        """,
        """
        CREATE TRIGGER accounts_stamp_new_user AFTER INSERT ON auth_user
        FOR EACH ROW EXECUTE FUNCTION accounts_stamp_user()
        """,
        f"""
        CREATE TRIGGER accounts_stamp_user_flags AFTER UPDATE OF {", ".join(FLAGS)} ON auth_user
        FOR EACH ROW WHEN ({_changed(FLAGS, "IS DISTINCT FROM")})
        EXECUTE FUNCTION accounts_stamp_user()
        """,
    ]
    for table, columns in WATCHED.items():
        statements += [
            f"""
            CREATE TRIGGER {table}_stamp AFTER INSERT OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION accounts_stamp_moves()
            """,
            f"""
            CREATE TRIGGER {table}_stamp_update AFTER UPDATE OF {", ".join(columns)} ON {table}
            FOR EACH ROW WHEN ({_changed(columns, "IS DISTINCT FROM")})
            EXECUTE FUNCTION accounts_stamp_moves()
            """,
        ]
    return statements


def _postgresql_undo():
    statements = [
        "DROP TRIGGER IF EXISTS accounts_stamp_new_user ON auth_user",
        "DROP TRIGGER IF EXISTS accounts_stamp_user_flags ON auth_user",
    ]
    for table in WATCHED:
        statements += [
            f"DROP TRIGGER IF EXISTS {table}_stamp ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_stamp_update ON {table}",
        ]
    return statements + [
        "DROP FUNCTION IF EXISTS accounts_stamp_moves()",
        "DROP FUNCTION IF EXISTS accounts_stamp_user()",
    ]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, list)():
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_securitystamp_alter_assignment_role_and_more"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("otp_totp", "0003_add_timestamps"),
        ("django_otp_webauthn", "0004_webauthnuserhandle"),
    ]

    operations = [
        migrations.RunSQL(EXISTING, migrations.RunSQL.noop),
        migrations.RunPython(
            _run({"postgresql": _postgresql, "sqlite": _sqlite}),
            _run({"postgresql": _postgresql_undo, "sqlite": _sqlite_undo}),
        ),
    ]
