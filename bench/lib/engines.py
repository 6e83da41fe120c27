"""Fresh databases of each engine, each benchmark run in a process of its own per engine.

SQLite: a file in a temporary folder. PostgreSQL: a new database (onestop_bench_*) on the server
of DATABASE_URL when it names PostgreSQL, else CI_POSTGRES_URL, else the local server
postgres://postgres@127.0.0.1:5432; dropped afterwards. A server that does not answer is skipped,
and the output says so.
"""

import argparse
import contextlib
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from urllib.parse import quote

LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
ENGINES = ("sqlite", "postgresql")


def add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        action="append",
        help="run on this engine only (repeatable); default: both, PostgreSQL when it answers",
    )


def postgres_server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return os.environ.get("CI_POSTGRES_URL") or LOCAL_POSTGRES


def _server(url: str) -> dict:
    import dj_database_url

    db = dj_database_url.parse(url)
    return {
        "host": db["HOST"] or "127.0.0.1",
        "port": int(db["PORT"] or 5432),
        "user": db["USER"] or "postgres",
        "password": db["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
        "connect_timeout": 5,
    }


def postgres_unreachable() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    import psycopg

    server = _server(postgres_server_url())
    try:
        psycopg.connect(**server).close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"unreachable at {server['host']}:{server['port']}: {reason}"
    return None


def chosen(args) -> list[str]:
    """The engines to run on; a skipped PostgreSQL is announced on stdout."""
    named = [e for e in os.environ.get("ONESTOP_BENCH_ENGINES", "").split(",") if e in ENGINES]
    wanted = args.engine or named or list(ENGINES)
    if "postgresql" in wanted:
        why = postgres_unreachable()
        if why:
            print(f"postgresql: skipped, {why}")
            wanted = [e for e in wanted if e != "postgresql"]
    return wanted


_PREPARED: set[str] = set()  # URLs of databases copied from a prepared template


def _template_variable(engine: str) -> str:
    return f"ONESTOP_BENCH_TEMPLATE_{engine.upper()}"


def _postgres_url(server: dict, name: str) -> str:
    password = f":{quote(server['password'])}" if server["password"] else ""
    host = f"{server['host']}:{server['port']}"
    return f"postgres://{quote(server['user'])}{password}@{host}/{name}"


def _create_postgres(name: str, template: str | None = None) -> str:
    import psycopg

    server = _server(postgres_server_url())
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return _postgres_url(server, name)


def _drop_postgres(name: str) -> None:
    import psycopg

    with psycopg.connect(**_server(postgres_server_url())) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(engine: str, folder: str) -> Iterator[str]:
    """DATABASE_URL of a new database of `engine`, removed afterwards: a copy of the run's
    prepared template where bench/run made one (see `templates`), else empty."""
    template = os.environ.get(_template_variable(engine))
    if engine == "sqlite":
        path = f"{folder}/bench-{uuid.uuid4().hex[:8]}.sqlite3"
        if template:
            shutil.copyfile(template, path)
            _PREPARED.add(f"sqlite:///{path}")
        yield f"sqlite:///{path}"
        return
    name = f"onestop_bench_{uuid.uuid4().hex[:12]}"
    url = _create_postgres(name, template)
    if template:
        _PREPARED.add(url)
    try:
        yield url
    finally:
        _drop_postgres(name)


def _prepare_template() -> None:
    from django.db import connections

    prepare_database()
    connections.close_all()  # SQLite folds its WAL back; PostgreSQL may copy a closed template


@contextlib.contextmanager
def templates(args, folder: str) -> Iterator[None]:
    """One prepared database per engine for a whole run, which every benchmark's
    `fresh_database` copies instead of migrating and loading the catalog again."""
    made = []
    try:
        for engine in chosen(args):
            if engine == "sqlite":
                path = f"{folder}/template.sqlite3"
                in_process(_prepare_template, environment(f"sqlite:///{path}", folder))
                os.environ[_template_variable(engine)] = path
            else:
                name = f"onestop_bench_template_{uuid.uuid4().hex[:12]}"
                made.append(name)
                url = _create_postgres(name)
                in_process(_prepare_template, environment(url, folder))
                os.environ[_template_variable(engine)] = name
        yield
    finally:
        for engine in ENGINES:
            os.environ.pop(_template_variable(engine), None)
        for name in made:
            _drop_postgres(name)


def environment(url: str, folder: str) -> dict[str, str]:
    """The settings of a benchmark process: production settings (no DEBUG, which would record
    every query) with throwaway secrets."""
    from cryptography.fernet import Fernet

    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("ONESTOP_", "DJANGO_", "PYTEST_"))
    }
    return {
        **keep,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "onestop.settings",
        "ONESTOP_VAR_DIR": folder,
        "ONESTOP_SECRET_KEY": f"bench-only-{uuid.uuid4().hex}",
        "ONESTOP_DATA_KEYS": Fernet.generate_key().decode(),
        "ONESTOP_BENCH_RESULTS": os.environ.get("ONESTOP_BENCH_RESULTS", ""),
        "ONESTOP_BENCH_PREPARED": "1" if url in _PREPARED else "",
    }


def prepare_database() -> None:
    """Schema, catalog and calendar, as `onestop prepare` brings them (no demo accounts); done
    already in a copy of the run's template."""
    if os.environ.get("ONESTOP_BENCH_PREPARED") == "1":
        return
    from django.core.management import call_command

    from onestop.catalog.loader import load
    from onestop.workdays.seed import seed

    call_command("migrate", interactive=False, verbosity=0)
    load()
    for _ in seed():
        pass


@contextlib.contextmanager
def copy_of_database() -> Iterator[str]:
    """The name of a copy of the default database as it stands now, removed afterwards: a
    benchmark compares it, unchanged, with the original after the original has grown."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        import sqlite3

        copy = f"{name}.copy.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        try:
            yield copy
        finally:
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(copy + suffix)
        return
    copy = f"{name}_copy"
    connection.close()  # PostgreSQL copies a database nobody is connected to
    _create_postgres(copy, template=name)
    try:
        yield copy
    finally:
        connection.close()
        _drop_postgres(copy)


@contextlib.contextmanager
def pointed_at(name: str) -> Iterator[None]:
    """The default connection on another database of the same engine and server, then back."""
    from django.db import connection

    before = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = before


def _child(function, environ, arguments, answer) -> None:
    os.environ.clear()
    os.environ.update(environ)
    try:
        import django

        django.setup()
        answer.put({"answer": function(*arguments)})
    except BaseException:
        answer.put({"failed": traceback.format_exc()})
        raise


def in_process(function: Callable, environ: dict, *arguments, timeout: float = 900):
    """function(*arguments) in a forked process with Django set up on `environ`; its answer.

    Django is set up once per process, so each engine gets a process of its own."""
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    process = context.Process(target=_child, args=(function, environ, arguments, answer))
    process.start()
    deadline = time.monotonic() + timeout
    found = None
    while found is None:
        try:
            found = answer.get(timeout=1)
        except queue.Empty:
            if process.is_alive() and time.monotonic() < deadline:
                continue
            try:  # an answer put just before the process ended
                found = answer.get(timeout=2)
            except queue.Empty:
                process.kill()
                found = {"failed": f"the process ended without an answer ({process.exitcode})"}
    process.join(timeout=60)
    if "failed" in found:
        where = environ["DATABASE_URL"].split("@")[-1]
        sys.exit(f"the benchmark failed on {where}:\n{found['failed']}")
    return found["answer"]


def on_each_engine(function: Callable, args, *arguments) -> dict[str, object]:
    """function(engine, args, *arguments) on a fresh, empty database of each chosen engine, each
    in a process of its own: {engine: answer}."""
    answers = {}
    for engine in chosen(args):
        folder = tempfile.mkdtemp(prefix="onestop-bench-")
        try:
            with fresh_database(engine, folder) as url:
                answers[engine] = in_process(
                    function, environment(url, folder), engine, args, *arguments
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return answers
