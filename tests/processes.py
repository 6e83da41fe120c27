"""Databases and environments for tests that run onestop as real processes.

The database of the pytest-django tests is not visible to other processes (in memory on SQLite,
inside a transaction on PostgreSQL), so each test prepares its own, of the suite's engine: a
SQLite file in the test's folder, or a fresh database (onestop_<purpose>_*) on the PostgreSQL
server — the suite's when it runs on PostgreSQL, else CI_POSTGRES_URL, else
postgres://postgres@127.0.0.1:5432. Used by the rush, worker, multi-node, crash and backup tests.
"""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# A fixed Fernet key for personal data at rest in the prepared databases (tests only).
DATA_KEY = "dGVzdHMtcmVsaWFiaWxpdHktZGF0YS1rZXktMzJieXQ="


def suite_engine() -> str:
    """The engine of the suite's own database, the one the process tests run on: CI runs the
    suite once on SQLite and once on PostgreSQL, so each engine is covered once, not twice."""
    postgresql = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    return "postgresql" if postgresql else "sqlite"


def postgres_server() -> dict:
    """Connection settings of the PostgreSQL server the fresh databases are made on."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = os.environ.get("CI_POSTGRES_URL") or LOCAL_POSTGRES
    db = dj_database_url.parse(url)
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
    }


def postgres_url(server: dict, name: str) -> str:
    password = f":{quote(server['password'])}" if server["password"] else ""
    return f"postgres://{quote(server['user'])}{password}@{server['host']}:{server['port']}/{name}"


@contextmanager
def fresh_database(engine: str, folder: Path, purpose: str) -> Iterator[str]:
    """DATABASE_URL of an empty database of `engine`, dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / f'{purpose}.sqlite3'}"
        return
    import psycopg

    server = postgres_server()
    admin = {**server, "dbname": "postgres", "autocommit": True, "connect_timeout": 5}
    try:
        psycopg.connect(**admin).close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL unreachable at {server['host']}:{server['port']}: {reason}")
    name = f"onestop_{purpose}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(server, name)
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url: str, var_dir: Path, **changes: str) -> dict:
    """The environment of a deployment on `database_url`: none of the suite's own settings."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    env.update(
        DATABASE_URL=database_url,
        ONESTOP_VAR_DIR=str(var_dir),
        ONESTOP_SECRET_KEY="reliability-test-key-" + "x7Qp2Lm9Zr4Tv8Kw1Yc6Nb3Hd5Jf0Gs",
        ONESTOP_DATA_KEYS=DATA_KEY,
        ONESTOP_DEMO_PASSWORD="demo-password-of-the-tests",  # noqa: S105
        ONESTOP_LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    env.update(changes)
    return env


def run(env: dict, *args: str, timeout: float = 300, check: bool = True):
    """Run `python args...` in the project folder; the completed process."""
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert done.returncode == 0, done.stderr[-4000:]
    return done
