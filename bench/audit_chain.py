"""Not a speed figure: the audit chain checked on each database after a stretch of real work.

Applications are filed, pre-examined, accepted and routed through the domain's write functions
(each decision appends to the chain), staff open them, then `verify_audit` walks the chain; a
raw UPDATE of an entry must be refused by the database, and once its owner drops the trigger,
the forged entry must be found as the first broken link.

Run: .venv/bin/python bench/audit_chain.py [--engine sqlite|postgresql] [--applications 30]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lib import engines, flows  # noqa: E402


def run(engine: str, args) -> dict:
    from django.db import DatabaseError, connection, transaction

    from onestop.applications.access import get_application_for
    from onestop.audit.chain import link, verify
    from onestop.audit.models import AuditEntry

    engines.prepare_database()
    who = flows.people()
    for n in range(args.applications):
        application = flows.accepted(who, n)
        get_application_for(who.clerk, number=application.number)  # a staff read
    link()  # what the audit_link job does within seconds of the commits
    intact = verify()
    middle = AuditEntry.objects.order_by("sequence")[intact.checked // 2].sequence
    table = AuditEntry._meta.db_table
    forge = f"UPDATE {table} SET actor_role = 'forged' WHERE sequence = %s"  # noqa: S608
    refused = False
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(forge, [middle])
    except DatabaseError:
        refused = True  # the append-only trigger
    # Someone who owns the database can drop the trigger; the chain still tells.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER audit_entry_append_only")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_append_only")
        cursor.execute(forge, [middle])
    tampered = verify()
    return {
        "checked": intact.checked,
        "intact": intact.intact,
        "refused": refused,
        "found_at": tampered.broken.sequence if tampered.broken else None,
        "forged_at": middle,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    engines.add_engine_options(parser)
    parser.add_argument("--applications", type=int, default=30)
    args = parser.parse_args()
    failed = False
    for engine, found in engines.on_each_engine(run, args).items():
        ok = found["intact"] and found["refused"] and found["found_at"] == found["forged_at"]
        failed |= not ok
        print(
            f"audit chain on {engine}: {found['checked']} entries checked, "
            f"{'intact' if found['intact'] else 'BROKEN'}; a raw UPDATE "
            f"{'refused by the database' if found['refused'] else 'NOT refused'}; with the "
            f"trigger dropped, an entry forged at sequence {found['forged_at']} is found "
            f"at {found['found_at']}"
        )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
