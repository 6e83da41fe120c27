"""`onestop manage verify_audit` as an operator runs it: real processes append at once to a
SQLite file (IMMEDIATE transactions serialise them), the chain is intact and gap-free with its
head printed, and after rows (and the head) are deleted around the model the command names the
first broken link and exits 1."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, APPENDS_EACH = 4, 25
APPENDER = """
import os, pathlib, sys, time
go = pathlib.Path(os.environ["AUDIT_GO"])
deadline = time.monotonic() + 120
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit(3)
    time.sleep(0.01)
from onestop.audit.chain import append
for i in range(int(os.environ["AUDIT_APPENDS"])):
    append("read.case", actor=None, actor_role="", object_type="case", object_ref=str(i))
"""


def onestop(env, *arguments, **options):
    return subprocess.run(
        [sys.executable, "-m", "onestop.cli", "manage", *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **options,
    )


def test_concurrent_processes_append_a_chain_that_verify_audit_checks(tmp_path):
    database = tmp_path / "audit.sqlite3"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        ONESTOP_VAR_DIR=str(tmp_path / "var"),
        AUDIT_GO=str(tmp_path / "go"),
        AUDIT_APPENDS=str(APPENDS_EACH),
    )
    migrated = onestop(env, "migrate", "--verbosity", "0")
    assert migrated.returncode == 0, migrated.stderr

    appenders = [
        subprocess.Popen(
            [sys.executable, "-m", "onestop.cli", "manage", "shell", "-c", APPENDER],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    (tmp_path / "go").touch()
    for process in appenders:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors

    intact = onestop(env, "verify_audit")
    total = PROCESSES * APPENDS_EACH
    with sqlite3.connect(database) as connection:
        (last,) = connection.execute(
            "SELECT hash FROM audit_auditentry WHERE sequence = ?", [total]
        ).fetchone()
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.splitlines() == [
        f"checked {total} audit entries",
        "chain intact",
        f"head {total}:{last}",
    ]

    # Around the model, the tail and the head: SQLite's triggers do not stop DELETE.
    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM audit_auditentry WHERE sequence > 90")
        connection.execute("DELETE FROM audit_audithead")
    cut = onestop(env, "verify_audit")
    assert cut.returncode == 1
    assert cut.stdout.splitlines()[1].startswith(
        "first broken link at sequence 91: head missing: the chain ends at 90"
    )

    with sqlite3.connect(database) as connection:
        connection.execute("DELETE FROM audit_auditentry WHERE sequence = 50")
    broken = onestop(env, "verify_audit")
    assert broken.returncode == 1
    assert broken.stdout.splitlines() == [
        "checked 49 audit entries",
        "first broken link at sequence 50: gap in sequence: entry 50 is missing, the next is 51",
    ]
    assert "the audit chain is broken" in broken.stderr
