"""Backup: the database and the uploaded files in one timestamped archive (archive.py), signed
with a backup key kept outside it (signing.py).

The database snapshot is taken first, the files after it. Uploaded files are written before
the rows that name them and never changed, so every file the snapshot names is on disk when
the files are read; a file uploaded meanwhile is kept unnamed, which is harmless. Sessions are
left out (engines.LEFT_OUT).
"""

import importlib.metadata
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings

from . import archive, engines, signing
from .archive import Refused


@dataclass
class Backup:
    path: Path
    manifest: dict

    def __str__(self):
        media = self.manifest["media"]
        return (
            f"{self.path}: {len(self.manifest['tables'])} tables, "
            f"{sum(self.manifest['tables'].values())} rows, {media['files']} files"
        )


def onestop_version() -> str:
    try:
        return importlib.metadata.version("onestop")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def media_files() -> dict[str, Path]:
    """Every file under MEDIA_ROOT by its archive member name (media/<path there>)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return {}
    return {
        f"{archive.MEDIA}/{path.relative_to(root).as_posix()}": path
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def backup(directory: Path) -> Backup:
    """Write `onestop-backup-<UTC time>.tar.gz` into `directory` (readable by its owner only)
    and answer it. The archive appears under its name only once it is complete."""
    kind = engines.engine()
    directory = Path(directory).resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if directory.is_relative_to(media_root):
        raise Refused(
            "backup.inside_media_root",
            f"Write backups outside MEDIA_ROOT ({media_root}): they would hold each other.",
            f"请将备份写到MEDIA_ROOT（{media_root}）之外：否则备份会相互包含。",
        )
    signing.signing_key()  # refused now, not after the snapshot, when no key can sign
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    partial = directory / f".onestop-backup-{now:%Y%m%dT%H%M%SZ}-{os.getpid()}.partial"
    staging = Path(tempfile.mkdtemp(prefix=".onestop-backup-", dir=directory))
    try:
        database = staging / archive.DATABASE_PARTS[kind]
        snapshot = engines.sqlite_snapshot if kind == "sqlite" else engines.postgres_snapshot
        tables, migrations = snapshot(database)
        files = media_files()
        manifest = {
            "format": archive.FORMAT,
            "created_at": now.isoformat(),
            "created_unix": int(now.timestamp()),
            "onestop_version": onestop_version(),
            "django_version": django.get_version(),
            "database": {"engine": kind, "part": database.name},
            "tables": tables,
            "rows_left_out": list(engines.LEFT_OUT),
            "migrations": migrations,
            "media": {"files": len(files), "bytes": sum(p.stat().st_size for p in files.values())},
            "data_keys": [
                archive.key_fingerprint(k) for k in getattr(settings, "ONESTOP_DATA_KEYS", [])
            ],
        }
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        manifest = archive.write(partial, manifest, {database.name: database, **files})
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        path = _publish(partial, directory / f"onestop-backup-{now:%Y%m%dT%H%M%SZ}")
    finally:
        partial.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    return Backup(path, manifest)


def _publish(partial: Path, stem: Path) -> Path:
    """Give the finished archive its name, never replacing another archive of the same second."""
    for number in range(1, 1000):
        path = stem.with_name(f"{stem.name}{'' if number == 1 else f'-{number}'}.tar.gz")
        try:
            os.link(partial, path)
        except FileExistsError:
            continue
        return path
    raise Refused(
        "backup.too_many_at_once",
        f"Too many backups in {stem.parent} within one second.",
        f"{stem.parent}中同一秒内的备份过多。",
    )
