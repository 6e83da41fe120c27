"""A consistent snapshot of the database and its restore, per engine.

SQLite: the online backup API copies the database as of one moment while the server goes on
(never a copy of the live file, whose last commits may still sit in its WAL); the restore
replaces the file in one rename once the copy is whole. PostgreSQL: `pg_dump --format=custom`
inside a snapshot exported by the transaction that counts the rows, so the counts describe the
dump exactly; `pg_restore --clean --if-exists --single-transaction` restores all or nothing.
Passwords reach pg_dump and pg_restore only through their environment (PGPASSWORD), never on a
command line that other users of the machine could read.

The rows of LEFT_OUT never enter a snapshot: a session key signs its holder in, so a copy of the
sessions table is a copy of everybody's sign-ins, and an archive restored with it would revive
them. The tables stay, empty; a restored database has no sessions and everybody signs in again.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import connection, connections, transaction
from django.db.backends.postgresql.client import DatabaseClient

from .archive import Refused, damaged

SUPPORTED = ("sqlite", "postgresql")
# Tables whose rows are live secrets. Checked: axes' AccessAttempt rows are failure counters with
# the password masked (AXES_SENSITIVE_PARAMETERS) and AccessLog keeps only a hash of a session
# key: logs, kept. TOTP devices belong to the accounts and stay.
LEFT_OUT = ("django_session",)


def engine() -> str:
    """The configured database's engine, "sqlite" or "postgresql"."""
    if connection.vendor not in SUPPORTED:
        raise Refused(
            "backup.engine_unsupported",
            f"Backups support SQLite and PostgreSQL, not {connection.vendor}.",
            f"备份只支持SQLite和PostgreSQL数据库，不支持{connection.vendor}。",
        )
    return connection.vendor


# SQLite ---------------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(connection.settings_dict["NAME"]).resolve()


def _sqlite_facts(path: Path) -> tuple[dict[str, int], list[str]]:
    """Rows per table and applied migrations of the SQLite file at `path`."""
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        counts = {
            name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }
        migrations = [f"{app}.{name}" for app, name in db.execute(_MIGRATIONS)]
    return counts, migrations


_MIGRATIONS = "SELECT app, name FROM django_migrations ORDER BY app, name"


def sqlite_snapshot(target: Path) -> tuple[dict[str, int], list[str]]:
    """Copy the database as of one moment into `target`, a single file without a WAL; answers
    its rows per table and its migrations."""
    with (
        closing(sqlite3.connect(_sqlite_path(), timeout=30)) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master")}
        for name in LEFT_OUT:
            if name in tables:
                copy.execute(f'DELETE FROM "{name}"')  # noqa: S608 - a fixed name
        copy.commit()
        # Rebuilt, the file keeps no free page where a deleted row could still be read.
        copy.execute("VACUUM")
    return _sqlite_facts(target)


def sqlite_restore(snapshot: Path) -> None:
    """Replace the database file by `snapshot` in one rename, or Refused with nothing changed."""
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f"{target.name}.restoring")
    shutil.copyfile(snapshot, staged)
    if target.exists():
        shutil.copymode(target, staged)
    else:
        staged.chmod(0o600)
    try:
        with closing(sqlite3.connect(staged)) as copy:
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise damaged("the database snapshot fails its integrity check")
        _fsync(staged)
        connections.close_all()
        if target.exists():
            # Fold the WAL into the old file first: a WAL left beside the new file would be
            # replayed into it. A busy answer means another process still uses the database.
            with closing(sqlite3.connect(target, timeout=30)) as old:
                busy, _, _ = old.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy:
                raise Refused(
                    "backup.database_in_use",
                    "The database is in use: stop the server and the workers, then restore "
                    "again. Nothing was changed.",
                    "数据库正在使用中：请先停止服务和后台任务，再重新恢复。未做任何更改。",
                )
        os.replace(staged, target)
        for leftover in ("-wal", "-shm"):
            target.with_name(target.name + leftover).unlink(missing_ok=True)
        _fsync(target.parent)
    finally:
        staged.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# PostgreSQL -----------------------------------------------------------------------------------


def _postgres(program: str, *arguments: str) -> None:
    """Run pg_dump or pg_restore on the configured database; Refused when it fails."""
    executable = shutil.which(program)
    if executable is None:
        raise Refused(
            "backup.client_missing",
            f"{program} is not installed: install the PostgreSQL client (e.g. the Debian "
            "package postgresql-client) of the server's version or newer.",
            f"未安装{program}：请安装不低于服务器版本的PostgreSQL客户端"
            "（如Debian软件包postgresql-client）。",
        )
    settings_dict = connection.settings_dict
    _, secrets = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(secrets or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    done = subprocess.run(  # noqa: S603 - a fixed program, arguments without the password
        [executable, f"--dbname={settings_dict['NAME']}", *arguments],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        error = (done.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise Refused(
            "backup.client_failed",
            f"{program} failed: {error}. Nothing was changed.",
            f"{program}执行失败：{error}。未做任何更改。",
        )


def postgres_snapshot(target: Path) -> tuple[dict[str, int], list[str]]:
    """Dump the database as of one moment into `target`; answers the rows of every table and
    the migrations in that same moment."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        counts = {}
        for name in sorted(connection.introspection.table_names(cursor)):
            if name in LEFT_OUT:
                counts[name] = 0  # the dump holds the table without its rows
                continue
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
        cursor.execute(_MIGRATIONS)
        migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
        _postgres(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            *(f"--exclude-table-data={name}" for name in LEFT_OUT),
            f"--file={target}",
        )
    return counts, migrations


def postgres_restore(dump: Path) -> None:
    """Restore `dump` into the configured database, all of it or nothing."""
    connections.close_all()
    _postgres(
        "pg_restore",
        *("--clean", "--if-exists", "--no-owner", "--no-privileges"),
        *("--single-transaction", "--exit-on-error"),
        str(dump),
    )
