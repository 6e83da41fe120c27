"""`onestop manage backup` and `restore`: a round trip on a real database and real files, and
archives that are refused with nothing changed: damaged, changed, unsigned, signed with a key not
held here, or repacked with a planted superuser and recomputed digests.

The round trips run the commands as real processes on a prepared database of the suite's engine
(a SQLite file; a fresh PostgreSQL database, see tests/processes.py). The refusals that
need no database run in the test process on hand-made archives.
"""

import hashlib
import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.checks import run_checks

from onestop import crypto_suite
from onestop.operations import archive, restore, signing
from onestop.operations.archive import Refused
from onestop.operations.backup import backup
from tests.processes import environment, fresh_database, run, suite_engine

# Backup keys of the tests only: the deployment's, an older one, and one never given to it.
BACKUP_KEY = "tests-backup-key-" + "q7Lm2Zr9Tv4Kw8Yc1Nb6Hd3Jf5Gs0Px"
OLDER_BACKUP_KEY = "tests-older-backup-key-" + "Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8"
STRANGER_KEY = "tests-stranger-backup-key-" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3"


@pytest.fixture(autouse=True)
def _backup_keys(settings):
    """Archives made in this process are signed with the tests' key, never a key file in var/."""
    settings.ONESTOP_BACKUP_KEYS = [BACKUP_KEY]


def entry(env, command: str) -> str:
    return run(env, "-m", "tests.operations.ops_entry", command).stdout.strip()


def state(env) -> dict:
    return json.loads(entry(env, "state").splitlines()[-1])


def manage(env, *args, check=True):
    return run(env, "-m", "onestop.cli", "manage", *args, check=check)


def back_up(env, folder: Path) -> Path:
    return Path(manage(env, "backup", str(folder)).stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """An installation with one accepted application, its uploaded file and its cases."""
    folder = tmp_path_factory.mktemp("deployment")
    with fresh_database(suite_engine(), folder, "operations") as database_url:
        env = environment(database_url, folder / "var", ONESTOP_BACKUP_KEYS=BACKUP_KEY)
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
        signature = json.load(tar.extractfile("manifest.mac"))
        names = {m.name for m in tar.getmembers()} - {"manifest.json", "manifest.mac"}
    assert signature["algorithm"] == "hmac-sha256"
    assert signature["key"] == archive.key_fingerprint(BACKUP_KEY)
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


def members_of(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def repack(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(content), 0o600
            tar.addfile(info, io.BytesIO(content))
    return path


PLANT = (
    "INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name,"
    " email, is_staff, is_active, date_joined) VALUES ('!', NULL, {true}, 'planted', '', '', '',"
    " {true}, {true}, '2025-01-01 00:00:00')"
)


def planted(database: bytes, engine: str, folder: Path) -> bytes:
    """The database part with a superuser added, as the review's attacker made it."""
    folder.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        path = folder / "database.sqlite3"
        path.write_bytes(database)
        with sqlite3.connect(path) as db:
            db.execute(PLANT.format(true=1))
        return path.read_bytes()
    dump, again = folder / "database.pgdump", folder / "planted.pgdump"
    dump.write_bytes(database)
    with fresh_database("postgresql", folder, "forge") as url:
        subprocess.run(
            [shutil.which("pg_restore"), "--no-owner", f"--dbname={url}", str(dump)], check=True
        )
        with psycopg.connect(url, autocommit=True) as db:
            db.execute(PLANT.format(true="true"))
        subprocess.run(
            [shutil.which("pg_dump"), "--format=custom", f"--dbname={url}", f"--file={again}"],
            check=True,
        )
    return again.read_bytes()


def forged(made: Path, folder: Path, engine: str) -> tuple[dict[str, bytes], dict]:
    """The archive's members with a superuser planted in the database and the manifest's digest,
    size and row count recomputed to match: what a checksum alone cannot tell from a backup."""
    members = members_of(made)
    manifest = json.loads(members["manifest.json"])
    part = archive.DATABASE_PARTS[engine]
    members[part] = planted(members[part], engine, folder / "forge")
    (algorithm,) = set(manifest["parts"][part]) - {"bytes"}
    manifest["parts"][part] = {
        algorithm: hashlib.new(algorithm, members[part]).hexdigest(),
        "bytes": len(members[part]),
    }
    manifest["tables"]["auth_user"] += 1
    members["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    return members, manifest


def engine_of(env) -> str:
    return "sqlite" if env["DATABASE_URL"].startswith("sqlite") else "postgresql"


@pytest.mark.process
@pytest.mark.parametrize("signature", ["dropped", "kept from the real backup"])
def test_an_archive_repacked_with_a_planted_superuser_and_recomputed_digests_is_refused(
    deployment, tmp_path, signature
):
    """The review's attack: the manifest was a checksum anyone recomputes, so this restored."""
    made = back_up(deployment, tmp_path / "backups")
    before = state(deployment)
    members, _ = forged(made, tmp_path, engine_of(deployment))
    if signature == "dropped":
        members.pop("manifest.mac", None)
    attack = repack(tmp_path / "attack.tar.gz", members)

    refused = manage(deployment, "restore", "--noinput", str(attack), check=False)

    assert refused.returncode != 0
    assert "Traceback" not in refused.stderr
    message = refused.stderr.strip().splitlines()[-1]
    if signature == "dropped":
        assert "The archive carries no signature" in message
        assert "备份文件没有签名" in message
    else:
        assert "The archive's signature does not match its contents" in message
        assert "备份文件的签名与内容不符" in message
    assert "nothing was changed" in message and "未做任何更改" in message
    assert state(deployment) == before


@pytest.mark.process
def test_the_same_forgery_signed_with_the_backup_key_would_pass(deployment, tmp_path):
    """The forgery above is a whole archive: only the key stands between it and a restore."""
    made = back_up(deployment, tmp_path / "backups")
    members, _ = forged(made, tmp_path, engine_of(deployment))
    members["manifest.mac"] = signing.signature(members["manifest.json"], BACKUP_KEY, "hmac-sha256")
    resigned = repack(tmp_path / "resigned.tar.gz", members)

    checked = manage(deployment, "restore", "--check", str(resigned), check=False)

    assert checked.returncode == 0, checked.stderr
    assert "verified:" in checked.stdout


@pytest.mark.process
def test_an_archive_signed_with_an_older_key_restores_while_that_key_is_listed(
    deployment, tmp_path
):
    before = state(deployment)
    older = {**deployment, "ONESTOP_BACKUP_KEYS": OLDER_BACKUP_KEY}
    made = back_up(older, tmp_path / "backups")
    rotated = {**deployment, "ONESTOP_BACKUP_KEYS": f"{BACKUP_KEY},{OLDER_BACKUP_KEY}"}
    dropped = {**deployment, "ONESTOP_BACKUP_KEYS": BACKUP_KEY}
    entry(deployment, "change")

    refused = manage(dropped, "restore", "--noinput", str(made), check=False)
    changed = state(deployment)
    restored = manage(rotated, "restore", "--noinput", str(made))

    assert refused.returncode != 0
    fingerprint = archive.key_fingerprint(OLDER_BACKUP_KEY)
    assert f"signed with backup key {fingerprint}, which is not among" in refused.stderr
    assert changed != before
    assert "restored:" in restored.stdout and state(deployment) == before
    with tarfile.open(back_up(rotated, tmp_path / "newer"), "r:gz") as tar:
        newest_signs = json.load(tar.extractfile("manifest.mac"))["key"]
    assert newest_signs == archive.key_fingerprint(BACKUP_KEY)


@pytest.mark.process
def test_sessions_are_left_out_and_a_restored_database_has_none(deployment, tmp_path):
    key = entry(deployment, "session").splitlines()[-1]
    assert state(deployment)["tables"]["django_session"]["rows"] >= 1
    made = back_up(deployment, tmp_path / "backups")

    members = members_of(made)
    manifest = json.loads(members["manifest.json"])
    assert manifest["tables"]["django_session"] == 0
    assert manifest["rows_left_out"] == ["django_session"]
    database = members[archive.DATABASE_PARTS[engine_of(deployment)]]
    if engine_of(deployment) == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(database)
        with sqlite3.connect(copy) as db:
            assert db.execute("SELECT count(*) FROM django_session").fetchone() == (0,)
            assert db.execute("SELECT count(*) FROM auth_user").fetchone()[0] >= 4
        # Not even in a free page of the file: the copy was rebuilt after the delete.
        assert key.encode() not in database
    else:
        dump = tmp_path / "copy.pgdump"
        dump.write_bytes(database)
        plain = subprocess.run(
            [shutil.which("pg_restore"), "--data-only", "--file=-", str(dump)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "ops.someone" in plain and key not in plain
        assert "COPY public.django_session" not in plain

    manage(deployment, "restore", "--noinput", str(made))

    assert state(deployment)["tables"]["django_session"]["rows"] == 0


@pytest.mark.process
def test_under_the_sm_suite_a_backup_is_signed_with_hmac_sm3_and_restores(deployment, tmp_path):
    before = state(deployment)
    sm = {**deployment, "ONESTOP_CRYPTO_SUITE": "sm"}
    made = back_up(sm, tmp_path / "backups")
    members = members_of(made)
    manifest = json.loads(members["manifest.json"])
    entry(deployment, "change")

    restored = manage(deployment, "restore", "--noinput", str(made))  # either suite verifies

    assert json.loads(members["manifest.mac"])["algorithm"] == "hmac-sm3"
    assert all(set(part) == {"sm3", "bytes"} for part in manifest["parts"].values())
    part = archive.DATABASE_PARTS[engine_of(deployment)]
    assert manifest["parts"][part]["sm3"] == hashlib.new("sm3", members[part]).hexdigest()
    assert "restored:" in restored.stdout and state(deployment) == before


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


# Signatures, decided before anything in the archive is trusted.


def engine_here(settings) -> str:
    return "sqlite" if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else "postgresql"


def signed_here(tmp_path, settings) -> Path:
    engine = engine_here(settings)
    return hand_made(
        tmp_path,
        members={archive.DATABASE_PARTS[engine]: b"database"},
        database={"engine": engine, "part": archive.DATABASE_PARTS[engine]},
    )


def with_members(path: Path, changes: dict[str, bytes | None]) -> Path:
    """The archive with members replaced, or dropped where the change is None."""
    members = members_of(path)
    for name, content in changes.items():
        members.pop(name)
        if content is not None:
            members[name] = content
    return repack(path.with_name("changed.tar.gz"), members)


def test_a_signed_archive_verifies(tmp_path, settings):
    assert restore.check(signed_here(tmp_path, settings)).manifest["format"] == archive.FORMAT


@pytest.mark.parametrize(
    ("signature", "refusal_en", "refusal_zh"),
    [
        (None, "The archive carries no signature", "备份文件没有签名"),
        (b"not json", "The archive's signature cannot be read", "无法读取备份文件的签名"),
        (
            signing.signature(b"{}", STRANGER_KEY, "hmac-sha256"),
            f"signed with backup key {archive.key_fingerprint(STRANGER_KEY)}, which is not among",
            "本机的备份密钥（ONESTOP_BACKUP_KEYS）中没有该密钥",
        ),
        (
            signing.signature(b"another manifest", BACKUP_KEY, "hmac-sha256"),
            "The archive's signature does not match its contents",
            "备份文件的签名与内容不符",
        ),
        (
            signing.signature(b"another manifest", BACKUP_KEY, "hmac-sm3"),
            "The archive's signature does not match its contents",
            "备份文件的签名与内容不符",
        ),
    ],
)
def test_an_archive_without_a_right_signature_is_refused(
    tmp_path, settings, signature, refusal_en, refusal_zh
):
    path = with_members(signed_here(tmp_path, settings), {"manifest.mac": signature})

    with pytest.raises(Refused) as refused:
        restore.check(path)

    assert refusal_en in refused.value.message_en and refusal_zh in refused.value.message_zh
    assert "nothing was changed" in refused.value.message_en
    assert "未做任何更改" in refused.value.message_zh


def test_an_unsigned_archive_of_the_first_format_is_refused(tmp_path, settings):
    first_format = json.dumps({"format": 1, "parts": {}}).encode()
    path = with_members(
        signed_here(tmp_path, settings), {"manifest.json": first_format, "manifest.mac": None}
    )

    with pytest.raises(Refused, match="carries no signature"):
        restore.check(path)


def test_under_the_sm_suite_archives_use_sm3_and_hmac_sm3_and_verify_under_either(
    tmp_path, settings
):
    settings.ONESTOP_CRYPTO_SUITE = "sm"
    path = signed_here(tmp_path, settings)
    members = members_of(path)
    part = archive.DATABASE_PARTS[engine_here(settings)]

    assert json.loads(members["manifest.mac"])["algorithm"] == "hmac-sm3"
    assert json.loads(members["manifest.json"])["parts"][part] == {
        "sm3": crypto_suite.hexdigest("sm3", b"database"),
        "bytes": 8,
    }
    settings.ONESTOP_CRYPTO_SUITE = "international"
    assert restore.check(path).manifest["format"] == archive.FORMAT


def test_the_newest_backup_key_signs_and_every_listed_key_verifies(tmp_path, settings):
    settings.ONESTOP_BACKUP_KEYS = [OLDER_BACKUP_KEY]
    path = signed_here(tmp_path, settings)
    settings.ONESTOP_BACKUP_KEYS = [BACKUP_KEY, OLDER_BACKUP_KEY]
    restore.check(path)

    again = signed_here(tmp_path / "again", settings)

    key = json.loads(members_of(again)["manifest.mac"])["key"]
    assert key == archive.key_fingerprint(BACKUP_KEY)


def test_backup_keys_come_from_a_file_outside_the_uploaded_files(tmp_path, settings):
    settings.ONESTOP_BACKUP_KEYS = []
    keys = tmp_path / "keys" / "backup_keys"
    keys.parent.mkdir()
    keys.write_text(f"# newest first\n{BACKUP_KEY}\n{OLDER_BACKUP_KEY}\n")
    settings.ONESTOP_BACKUP_KEYS_FILE = str(keys)

    path = signed_here(tmp_path, settings)

    assert json.loads(members_of(path)["manifest.mac"])["key"] == archive.key_fingerprint(
        BACKUP_KEY
    )
    inside = Path(settings.MEDIA_ROOT) / "backup_keys"
    inside.parent.mkdir(parents=True, exist_ok=True)
    inside.write_text(BACKUP_KEY)
    settings.ONESTOP_BACKUP_KEYS_FILE = str(inside)
    with pytest.raises(Refused, match="lies under MEDIA_ROOT") as refused:
        backup(tmp_path / "backups")
    assert "会被一同备份" in refused.value.message_zh


def test_without_a_configured_key_one_is_made_outside_the_archive(tmp_path, settings):
    settings.ONESTOP_BACKUP_KEYS = []
    settings.VAR_DIR = tmp_path / "var"

    path = signed_here(tmp_path, settings)

    made = tmp_path / "var" / "backup_key"
    assert made.stat().st_mode & 0o077 == 0
    key = made.read_text().strip()
    assert json.loads(members_of(path)["manifest.mac"])["key"] == archive.key_fingerprint(key)
    assert "backup_key" not in members_of(path)


def test_a_short_backup_key_is_refused(tmp_path, settings):
    settings.ONESTOP_BACKUP_KEYS = ["short"]
    with pytest.raises(Refused, match="at least 32 characters"):
        signed_here(tmp_path, settings)


def test_check_deploy_warns_when_backups_are_signed_with_a_key_made_here(settings):
    settings.ONESTOP_BACKUP_KEYS, settings.ONESTOP_BACKUP_KEYS_FILE = [], ""
    assert "onestop.W020" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.ONESTOP_BACKUP_KEYS = [BACKUP_KEY]
    assert "onestop.W020" not in [m.id for m in run_checks(include_deployment_checks=True)]
