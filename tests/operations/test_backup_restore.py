"""`onestop manage backup` and `restore`: a round trip on a real database and real files, and
archives that are refused with nothing changed.

The round trips run the commands as real processes on a prepared database of each engine (a
SQLite file; a fresh PostgreSQL database, see tests/processes.py). The refusals that
need no database run in the test process on hand-made archives.
"""

import io
import json
import tarfile
from pathlib import Path

import pytest

from onestop.operations import archive, restore
from onestop.operations.archive import Refused
from onestop.operations.backup import backup
from tests.processes import ENGINES, environment, fresh_database, run


def entry(env, command: str) -> str:
    return run(env, "-m", "tests.operations.ops_entry", command).stdout.strip()


def state(env) -> dict:
    return json.loads(entry(env, "state").splitlines()[-1])


def manage(env, *args, check=True):
    return run(env, "-m", "onestop.cli", "manage", *args, check=check)


def back_up(env, folder: Path) -> Path:
    return Path(manage(env, "backup", str(folder)).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=ENGINES)
def deployment(request, tmp_path_factory):
    """An installation with one accepted application, its uploaded file and its cases."""
    folder = tmp_path_factory.mktemp(f"deployment-{request.param}")
    with fresh_database(request.param, folder, "operations") as database_url:
        env = environment(database_url, folder / "var")
        entry(env, "make")
        yield env


@pytest.mark.process
def test_restore_brings_back_every_row_and_file_as_backed_up(deployment, tmp_path):
    before = state(deployment)
    assert before["files"] and before["tables"]["cases_case"]["rows"] == 2
    made = back_up(deployment, tmp_path / "backups")

    entry(deployment, "change")
    changed = state(deployment)
    assert changed["files"] != before["files"]
    assert changed["tables"]["auth_user"] != before["tables"]["auth_user"]
    restored = manage(deployment, "restore", "--noinput", str(made))

    assert state(deployment) == before
    assert "restored:" in restored.stdout


@pytest.mark.process
def test_the_manifest_names_every_part_with_its_hash_and_every_table_with_its_rows(
    deployment, tmp_path
):
    before = state(deployment)
    made = back_up(deployment, tmp_path / "backups")

    with tarfile.open(made, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        names = {m.name for m in tar.getmembers()} - {"manifest.json"}
    engine = "sqlite" if deployment["DATABASE_URL"].startswith("sqlite") else "postgresql"
    assert manifest["database"] == {"engine": engine, "part": archive.DATABASE_PARTS[engine]}
    assert manifest["onestop_version"] and manifest["django_version"]
    assert set(manifest["parts"]) == names
    assert {f"media/{path}" for path in before["files"]} <= names
    assert {name: rows for name, rows in manifest["tables"].items() if rows} == {
        name: table["rows"] for name, table in before["tables"].items() if table["rows"]
    }
    assert made.name.startswith("onestop-backup-") and made.stat().st_mode & 0o077 == 0


@pytest.mark.process
def test_a_damaged_archive_is_refused_and_nothing_is_changed(deployment, tmp_path):
    made = back_up(deployment, tmp_path / "backups")
    entry(deployment, "change")
    before = state(deployment)
    damaged = tmp_path / "damaged.tar.gz"
    raw = bytearray(made.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 64] = bytes(b ^ 0xFF for b in raw[middle : middle + 64])
    damaged.write_bytes(bytes(raw))

    refused = manage(deployment, "restore", "--noinput", str(damaged), check=False)

    assert refused.returncode != 0
    assert "The archive is damaged or incomplete" in refused.stderr
    assert "备份文件已损坏或不完整" in refused.stderr and "未做任何更改" in refused.stderr
    assert state(deployment) == before


@pytest.mark.process
def test_an_archive_with_a_part_changed_is_refused_and_nothing_is_changed(deployment, tmp_path):
    made = back_up(deployment, tmp_path / "backups")
    entry(deployment, "change")
    before = state(deployment)
    forged = tmp_path / "forged.tar.gz"
    with tarfile.open(made, "r:gz") as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.startswith("database."):
                content = content[:-1] + bytes([content[-1] ^ 1])
            target.addfile(member, io.BytesIO(content))

    refused = manage(deployment, "restore", "--noinput", str(forged), check=False)

    assert refused.returncode != 0
    assert "does not match its sha256" in refused.stderr
    assert state(deployment) == before


# Refusals decided before the database is touched: hand-made archives, in this process.


def hand_made(folder: Path, *, members: dict[str, bytes] | None = None, **manifest) -> Path:
    """An archive written by archive.write with the given parts and manifest fields."""
    members = members or {"database.sqlite3": b"SQLite format 3\x00"}
    parts = {}
    for name, content in members.items():
        path = folder / "parts" / name.replace("/", "_")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        parts[name] = path
    fields = {
        "format": archive.FORMAT,
        "created_at": "2025-01-01T00:00:00+00:00",
        "created_unix": 1735689600,
        "onestop_version": "0.1.0",
        "django_version": "5.2",
        "database": {"engine": "sqlite", "part": "database.sqlite3"},
        "tables": {},
        "migrations": [],
        "media": {"files": 0, "bytes": 0},
        "data_keys": [],
        **manifest,
    }
    path = folder / "hand-made.tar.gz"
    archive.write(path, fields, parts)
    return path


def test_a_member_reaching_outside_the_archive_folder_is_refused(tmp_path):
    path = hand_made(tmp_path)
    with tarfile.open(path, "r:gz") as source:
        members = [(m, source.extractfile(m).read()) for m in source.getmembers()]
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as target:
        for member, content in members:
            target.addfile(member, io.BytesIO(content))
        info = tarfile.TarInfo("media/../../outside.txt")
        info.size = 4
        target.addfile(info, io.BytesIO(b"evil"))

    with pytest.raises(Refused, match="unexpected member") as refused:
        restore.check(evil)

    assert "未做任何更改" in refused.value.message_zh
    assert not (tmp_path.parent / "outside.txt").exists()


def test_an_archive_of_another_engine_is_refused(tmp_path, settings):
    other = (
        "postgresql" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "sqlite"
    )
    path = hand_made(
        tmp_path,
        members={archive.DATABASE_PARTS[other]: b"dump"},
        database={"engine": other, "part": archive.DATABASE_PARTS[other]},
    )

    with pytest.raises(Refused, match=f"holds a {other} database") as refused:
        restore.check(path)

    assert "未做任何更改" in refused.value.message_zh


def test_an_archive_from_a_newer_onestop_is_refused(tmp_path, settings):
    engine = (
        "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"
    )
    path = hand_made(
        tmp_path,
        members={archive.DATABASE_PARTS[engine]: b"database"},
        database={"engine": engine, "part": archive.DATABASE_PARTS[engine]},
        migrations=["applications.0001_initial", "applications.9999_from_the_future"],
    )

    with pytest.raises(Refused, match="newer onestop") as refused:
        restore.check(path)

    assert "applications.9999_from_the_future" in refused.value.message_zh


def test_keys_of_the_archive_missing_here_are_warned_of_in_both_languages(tmp_path, settings):
    engine = (
        "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"
    )
    settings.ONESTOP_DATA_KEYS = ["a-key-of-this-machine"]
    here = archive.key_fingerprint("a-key-of-this-machine")
    path = hand_made(
        tmp_path,
        members={archive.DATABASE_PARTS[engine]: b"database"},
        database={"engine": engine, "part": archive.DATABASE_PARTS[engine]},
        data_keys=[here, archive.key_fingerprint("a-key-of-the-old-machine")],
    )

    ((english, chinese),) = restore.check(path).warnings

    assert english.startswith("1 of the keys") and "ONESTOP_DATA_KEYS" in english
    assert "1个未在本机ONESTOP_DATA_KEYS中配置" in chinese and here not in english


def test_a_backup_inside_the_uploaded_files_is_refused(settings):
    with pytest.raises(Refused, match="outside MEDIA_ROOT") as refused:
        backup(Path(settings.MEDIA_ROOT) / "backups")

    assert "备份会相互包含" in refused.value.message_zh
    assert not (Path(settings.MEDIA_ROOT) / "backups").exists()
