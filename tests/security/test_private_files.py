"""Everything the service writes is its owner's alone, whatever the umask it is started under.

Real processes started under umask 022 (files 0644, folders 0755 unless the service says
otherwise): `onestop prepare --demo` into a fresh ONESTOP_VAR_DIR, with no secrets given, so
that it makes the secret key and the data key itself; then `onestop serve`, a sign-in and an
upload through the pages; then every file and folder is looked at (GB/T 22239-2019 8.1.4.2 f).
On SQLite the database's -wal and -shm files are looked at while a second process, itself under
umask 022, holds the database open.
"""

import io
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.factories import FORM, profile

from .served import (
    DEMO_EMPLOYER,
    LAX_UMASK,
    database,
    deployment_environment,
    onestop,
    serving,
    suite_engine,
)

pytestmark = pytest.mark.process

FILE, FOLDER = 0o600, 0o700


def modes(*roots: Path) -> dict[str, str]:
    """Every file and folder under the roots (and the roots), by path, with its mode in octal."""
    found = {}
    for root in roots:
        for path in [root, *root.rglob("*")]:
            if path.exists() and not path.is_symlink():
                found[str(path)] = oct(stat.S_IMODE(path.stat().st_mode))
    return found


def lax(root: Path) -> None:
    """What an installation made before under umask 022 looks like."""
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def not_private(found: dict[str, str]) -> dict[str, str]:
    return {
        path: mode
        for path, mode in found.items()
        if mode != oct(FOLDER if Path(path).is_dir() else FILE)
    }


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    """A fresh deployment prepared under umask 022: its environment and var folder. On SQLite
    the database is where an installation keeps it by default, in the var folder."""
    folder = tmp_path_factory.mktemp("private")
    with database(folder, "private") as url:
        var_dir = folder / "var"
        env = deployment_environment(url, var_dir)
        if suite_engine() == "sqlite":
            del env["DATABASE_URL"]
        onestop(env, "prepare", "--demo")
        yield env, var_dir, folder


@pytest.fixture(scope="module")
def uploaded(installation):
    """The demo handler signs in, starts a draft and uploads a scan through the edit page."""
    env, var_dir, folder = installation
    with serving(env, folder, workers=2) as server:
        person = server.client()
        person.sign_in("handler")
        draft = person.post_json(
            "/api/v1/applications",
            {
                "region": "beijing",
                "bundle": "two_permits",
                "employer": DEMO_EMPLOYER,
                "profile": profile("B"),
                "form": {**FORM, "employer_credit_code": DEMO_EMPLOYER},
                "submit": False,
            },
        )
        assert draft.status == 201, draft.text
        material = next(m for m in draft.json()["materials"] if m["code"] == "passport")
        page = f"/my/applications/{draft.json()['public_id']}/"
        saved = person.post_multipart(
            page,
            {"action": "save"},
            {
                f"upload-{material['matter']}-passport": ("scan.png", "image/png", png()),
            },
        )
        assert saved.status == 302, saved.text[-3000:]
        assert "scan.png" in person.get(page).text
        yield env, var_dir, folder


def test_everything_the_service_wrote_is_private_under_umask_022(uploaded):
    env, var_dir, _ = uploaded
    media = var_dir / "media"
    stored = [p for p in media.rglob("*") if p.is_file()]
    assert len(stored) == 1  # the scan, encrypted
    expected = {"secret_key", "data_key", "demo-accounts.txt", "static", "media"}
    if suite_engine() == "sqlite":
        expected |= {"onestop.sqlite3"}
    assert expected <= {p.name for p in var_dir.iterdir()}

    found = modes(var_dir)

    assert not_private(found) == {}
    assert found[str(var_dir)] == oct(FOLDER)
    assert found[str(stored[0])] == oct(FILE)


def test_the_sqlite_side_files_are_private_whoever_opens_the_database(uploaded):
    env, var_dir, _ = uploaded
    if suite_engine() != "sqlite":
        pytest.skip("the database is PostgreSQL's own")
    database_file = var_dir / "onestop.sqlite3"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM django_session').fetchone(); "
            "print('open', flush=True); sys.stdin.read()",
            str(database_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        umask=LAX_UMASK,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        side = {Path(f"{database_file}{suffix}") for suffix in ("-wal", "-shm")}
        assert all(path.exists() for path in side)
        found = modes(var_dir)
    finally:
        holder.communicate("", timeout=30)

    assert {str(p): found[str(p)] for p in side} == {str(p): oct(FILE) for p in side}
    assert sqlite3.sqlite_version_info >= (3, 24)  # the side files take the database's mode


def test_prepare_makes_an_installation_made_under_umask_022_private(uploaded, tmp_path):
    env, var_dir, _ = uploaded
    old = tmp_path / "old-var"
    shutil.copytree(var_dir, old)
    lax(old)
    assert not_private(modes(old))

    onestop({**env, "ONESTOP_VAR_DIR": str(old)}, "prepare")

    assert not_private(modes(old)) == {}
