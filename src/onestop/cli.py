"""The `onestop` command: serve, prepare, checklist, manage <django command>."""

import argparse
import json
import os
import secrets
import stat
import sys
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.db import connections
from django.utils import timezone
from pydantic import ValidationError

from onestop.file_modes import PRIVATE_FILE, PRIVATE_FOLDER, PRIVATE_UMASK
from onestop.locale_build import compile_messages

# Only Django's modules that read no setting on import are imported above: the settings module
# is chosen by _setup(), and models (the catalog's, the rules') can be imported only after
# django.setup(). The functions below import those where they are used, after _setup().
# SQLite's files beside the database (its WAL, shared memory and rollback journal).
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")

# What the server reads of a request before the application sees it: the request line (method,
# address, version), at most this many header fields of at most this many bytes each, and for
# waitress all headers together. A browser sends about twenty headers of a few kilobytes; the
# longest address of the site is a few hundred characters. Larger is refused (400 / 431 / 414).
REQUEST_LINE_BYTES = 4094
HEADER_FIELDS = 50
HEADER_FIELD_BYTES = 8190
HEADERS_BYTES = 64 * 1024


def _var_dir() -> Path:
    path = Path(os.environ.get("ONESTOP_VAR_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    (path / "static").mkdir(mode=PRIVATE_FOLDER, exist_ok=True)  # whitenoise's STATIC_ROOT
    os.environ["ONESTOP_VAR_DIR"] = str(path)
    return path


def _secret_key(var_dir: Path) -> None:
    """Keep one generated secret per installation unless the environment gives one."""
    if os.environ.get("ONESTOP_SECRET_KEY"):
        return
    key_file = var_dir / "secret_key"
    try:  # made with its mode, never readable by others for a moment; two starts: the first wins
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(50))
    os.environ["ONESTOP_SECRET_KEY"] = key_file.read_text(encoding="utf-8").strip()


def make_private(var_dir: Path, out=None) -> list[Path]:
    """Take group's and others' access away from everything the service keeps: ONESTOP_VAR_DIR,
    MEDIA_ROOT and the SQLite database with its side files, wherever they are. Repairs an
    installation made under a lax umask (files 0644, folders 0755 become 0600 and 0700); the
    owner's bits are kept. Symbolic links are not followed. Returns what could not be changed
    (not the service's own files), each named on `out`."""
    out = out or sys.stderr
    paths = [var_dir, Path(settings.MEDIA_ROOT)]
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = str(database["NAME"])
        paths += [Path(name + suffix) for suffix in ("", *SQLITE_SIDE_FILES)]
    refused = []
    for path in _tree(paths):
        try:
            mode = stat.S_IMODE(path.lstat().st_mode)
            if not path.is_symlink() and mode & ~stat.S_IRWXU:
                path.chmod(mode & stat.S_IRWXU)
        except FileNotFoundError:
            continue
        except PermissionError:
            refused.append(path)
            print(f"warning: cannot make {path} private (chmod go-rwx): not ours", file=out)
    return refused


def _tree(roots: list[Path]):
    """Each root that exists and, for a folder, everything under it (links not followed)."""
    seen = set()
    for root in roots:
        if root in seen or not root.exists():
            continue
        seen.add(root)
        yield root
        if root.is_symlink() or not root.is_dir():
            continue
        for folder, folders, files in os.walk(root):
            for name in (*folders, *files):
                path = Path(folder, name)
                if path not in seen:
                    seen.add(path)
                    yield path


def _setup() -> Path:
    var_dir = _var_dir()
    _secret_key(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    django.setup()
    return var_dir


def prepare(var_dir: Path, out=None, *, demo: bool = False) -> None:
    """Bring any database, empty or not, up to date: schema, catalog, calendar, slots; with
    `demo`, the demo accounts too (one per role and place, administrators among them: never on a
    production database, MLPS 2.0 8.1.4.2 b). What the service keeps is made private first."""
    # After _setup(): the loader and the calendar import models.
    from onestop.catalog.loader import load
    from onestop.workdays.seed import seed

    out = out or sys.stdout  # the stream of the moment, not of the import
    make_private(var_dir)
    compile_messages()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"catalog: {load()}", file=out)
    for line in seed():
        print(f"calendar: {line}", file=out)
    print(f"appointments: {open_booking_windows()} slots opened", file=out)
    if demo:
        _demo_accounts(var_dir, out)


def _demo_accounts(var_dir: Path, out) -> None:
    # After _setup(): it imports models.
    from onestop.accounts.demo import ensure_demo_accounts

    created = ensure_demo_accounts(var_dir)
    if created:
        where = (
            "ONESTOP_DEMO_PASSWORD"
            if os.environ.get("ONESTOP_DEMO_PASSWORD")
            else var_dir / "demo-accounts.txt"
        )
        print(f"demo accounts {', '.join(created)}: passwords in {where}", file=out)


def open_booking_windows() -> int:
    """Every hall's slots for its booking window (14 days unless its administrators set
    another), from tomorrow; slots already there stay (what `onestop manage open_slots` does).
    Run after the calendar is seeded, so that no slot falls on a holiday."""
    # After _setup(): models.
    from onestop.appointments.slots import open_windows

    return open_windows(timezone.localdate())


def serve(
    host: str,
    port: int,
    *,
    workers: int | None = None,
    threads: int | None = None,
    prepare_first: bool = True,
    demo: bool = False,
    background: bool = True,
) -> None:
    """Serve with worker processes (gunicorn) where it is installed, else with waitress's
    threads in one process; with `background`, the background worker too, as a child process
    restarted if it dies and stopped with the server. Several nodes sharing one database run
    `onestop prepare` once, then `serve --no-prepare` each (docs/performance.md), and
    `--no-worker` on the nodes that serve pages only (docs/jobs.md)."""
    os.environ.setdefault("ONESTOP_ALLOWED_HOSTS", f"{host},127.0.0.1,localhost")
    var_dir = _setup()
    if prepare_first:
        prepare(var_dir, demo=demo)
    else:
        make_private(var_dir)
    connections.close_all()  # no connection of the preparation is carried into the workers
    # Here: importing it makes the WSGI application, which needs the settings _setup() chose.
    from onestop.wsgi import application

    workers = workers or int(os.environ.get("ONESTOP_WORKERS") or 2 * (os.cpu_count() or 1) + 1)
    threads = threads or int(os.environ.get("ONESTOP_THREADS") or 4)
    print(f"onestop is serving on http://{host}:{port}/ (admin: /admin/, API: /api/v1/docs)")
    # Here: it imports models, after _setup().
    from onestop.jobs.supervisor import WorkerSupervisor

    supervisor = WorkerSupervisor() if background else None
    if supervisor:
        supervisor.start()
    try:
        _serve_pages(application, host, port, workers, threads)
    finally:
        if supervisor:
            supervisor.stop()


def _serve_pages(application, host: str, port: int, workers: int, threads: int) -> None:
    if not _gunicorn_installed():
        # One process: its threads share one core (the GIL); fine for a desk, not for a rush.
        print(f"waitress: 1 process, {2 * threads} threads (gunicorn not installed)", flush=True)
        # Only where gunicorn cannot serve.
        from waitress import serve as waitress_serve

        waitress_serve(
            application,
            host=host,
            port=port,
            threads=2 * threads,
            max_request_header_size=HEADERS_BYTES,
            # waitress reads a body whole before the application sees it: refused above the
            # largest limit (request_size.py has the finer ones), in memory up to the small one.
            max_request_body_size=settings.ONESTOP_MAX_UPLOAD_REQUEST_BYTES,
            inbuf_overflow=settings.ONESTOP_MAX_REQUEST_BYTES + 1,
        )
        return
    print(f"gunicorn: {workers} worker processes of {threads} threads", flush=True)
    _gunicorn(application, host, port, workers, threads)


def _gunicorn_installed() -> bool:
    if os.name != "posix":
        return False
    try:  # gunicorn is optional: POSIX only, and may be left out
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def _gunicorn(application, host: str, port: int, workers: int, threads: int) -> None:
    # Here: gunicorn is optional (_gunicorn_installed).
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",  # keep-alive connections, a slow client holds one thread
        "threads": threads,
        "preload_app": True,  # loaded once above, shared by the forked workers
        "keepalive": 5,
        "timeout": 60,
        "graceful_timeout": 30,
        # Workers are replaced now and then, so that no slow leak grows without bound.
        "max_requests": 20_000,
        "max_requests_jitter": 2_000,
        "accesslog": None,  # paths carry application numbers: no access log by default
        "umask": PRIVATE_UMASK,  # gunicorn's own files (its workers' heartbeat files) too
        "limit_request_line": REQUEST_LINE_BYTES,
        "limit_request_fields": HEADER_FIELDS,
        "limit_request_field_size": HEADER_FIELD_BYTES,
    }

    class Server(BaseApplication):
        def load_config(self):
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return application

    Server().run()


def work(args) -> None:
    """Run the background worker in this process until SIGTERM or SIGINT (docs/jobs.md)."""
    _setup()
    # After _setup(): the worker reads models.
    from onestop.jobs.worker import Worker

    Worker(worker_id=args.worker_id, interval=args.interval).run(until_idle=args.until_idle)


def print_checklist(args) -> int:
    """The checklist as JSON on stdout; a bad profile or code is explained on stderr (exit 2)."""
    _setup()
    # After _setup(): the rules read the catalog's models.
    from onestop.rules.checklist import UnknownCode, checklist
    from onestop.rules.profile import Profile

    try:
        raw = json.loads(args.profile.read_text(encoding="utf-8")) if args.profile else {}
        answer = checklist(
            args.region, Profile.model_validate(raw), matter=args.matter, bundle=args.bundle
        )
    except (OSError, json.JSONDecodeError) as exc:
        print(f"cannot read the profile: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(p) for p in error["loc"]) or "profile"
            print(f"{where}: {error['msg']}", file=sys.stderr)
        return 2
    except UnknownCode as exc:
        print(f"{exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return 2
    print(json.dumps(answer, ensure_ascii=False, indent=2, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    # Set once for the whole process, before anything is written: what SQLite, Django's storage,
    # gunicorn and the management commands create is then the owner's alone.
    os.umask(PRIVATE_UMASK)
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="onestop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="prepare the database and serve")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument(
        "--workers", type=int, help="worker processes (ONESTOP_WORKERS; default 2 x cores + 1)"
    )
    serve_parser.add_argument(
        "--threads", type=int, help="threads per worker (ONESTOP_THREADS; default 4)"
    )
    serve_parser.add_argument(
        "--no-prepare",
        dest="prepare",
        action="store_false",
        help="serve at once: `onestop prepare` was run once for every node",
    )
    serve_parser.add_argument(
        "--no-worker",
        dest="background",
        action="store_false",
        help="serve pages only: background jobs run on nodes with `onestop worker`",
    )
    worker_parser = commands.add_parser(
        "worker", help="run the background jobs (notices, reminders, periodic jobs) alone"
    )
    worker_parser.add_argument("--worker-id", help="unique among the workers (default: made up)")
    worker_parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds to wait when nothing is queued"
    )
    worker_parser.add_argument(
        "--until-idle", action="store_true", help="stop when nothing is queued or due"
    )
    prepare_parser = commands.add_parser(
        "prepare", help="migrate, load the catalog and the calendar, open booking windows"
    )
    demo_help = (
        "also create the demo accounts, one per role, region and department (to try the "
        "platform; never in production)"
    )
    serve_parser.add_argument("--demo", action="store_true", help=demo_help)
    prepare_parser.add_argument("--demo", action="store_true", help=demo_help)
    checklist_parser = commands.add_parser("checklist", help="what a person must do (JSON)")
    checklist_parser.add_argument("--region", required=True)
    target = checklist_parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--matter")
    target.add_argument("--bundle")
    checklist_parser.add_argument("--profile", type=Path, help="JSON file of the applicant profile")
    manage_parser = commands.add_parser("manage", help="run a Django management command")
    manage_parser.add_argument("arguments", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.command == "serve":
        serve(
            args.host,
            args.port,
            workers=args.workers,
            threads=args.threads,
            prepare_first=args.prepare,
            demo=args.demo,
            background=args.background,
        )
    elif args.command == "worker":
        work(args)
    elif args.command == "prepare":
        prepare(_setup(), demo=args.demo)
    elif args.command == "checklist":
        return print_checklist(args)
    else:
        _setup()
        execute_from_command_line(["onestop manage", *args.arguments])
    return 0


if __name__ == "__main__":
    sys.exit(main())
