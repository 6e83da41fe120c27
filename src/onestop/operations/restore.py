"""Restore: an archive of backup.py, checked whole before anything is changed.

The archive is unpacked into a staging folder beside MEDIA_ROOT, its manifest's signature
checked under the backup keys here (signing.py) and every part matched against the manifest; an
unsigned or wrongly signed archive, a damaged one, one of another database engine or one from a
newer onestop (migrations unknown here) is refused with nothing changed. Then the uploaded files
are swapped in by renames, the database is restored (all or nothing), and the old files are
deleted only once the database is back — if the database cannot be restored, the old files
return. The archive holds no sessions (engines.LEFT_OUT): everybody signs in again.

Stop the server and the workers first; afterwards `onestop serve` (or `onestop prepare`) brings
an older archive's schema up to date.
"""

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.migrations.loader import MigrationLoader

from . import archive, engines
from .archive import Refused


@dataclass
class Restored:
    manifest: dict
    # Things the operator must see, in English and Chinese.
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self):
        return (
            f"{len(self.manifest['tables'])} tables, {sum(self.manifest['tables'].values())} "
            f"rows, {self.manifest['media']['files']} files from a backup of "
            f"{self.manifest['created_at']} (onestop {self.manifest['onestop_version']})"
        )


def _staging(media_root: Path) -> Path:
    media_root.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".onestop-restore-", dir=media_root.parent))


def check(path: Path) -> Restored:
    """Verify the archive at `path` as restore() would, changing nothing."""
    staging = _staging(Path(settings.MEDIA_ROOT).resolve())
    try:
        verified = _verified(Path(path), staging)
        return Restored(verified.manifest, _key_warnings(verified.manifest))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _verified(path: Path, staging: Path) -> archive.Verified:
    verified = archive.unpack(path, staging)
    kind = engines.engine()
    if verified.engine != kind:
        raise Refused(
            "backup.engine_mismatch",
            f"This archive holds a {verified.engine} database; this installation uses {kind}. "
            "Nothing was changed.",
            f"该备份文件中的数据库为{verified.engine}，本系统使用{kind}。未做任何更改。",
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    newer = sorted(set(verified.manifest.get("migrations", [])) - known)
    if newer:
        raise Refused(
            "backup.from_newer_version",
            f"This archive comes from a newer onestop ({len(newer)} migrations unknown here, "
            f"e.g. {newer[0]}): install that version first. Nothing was changed.",
            f"该备份来自更新版本的系统（本系统不认识其中{len(newer)}个数据库迁移，如{newer[0]}）："
            "请先安装该版本。未做任何更改。",
        )
    return verified


def _key_warnings(manifest: dict) -> list[tuple[str, str]]:
    configured = {archive.key_fingerprint(k) for k in getattr(settings, "ONESTOP_DATA_KEYS", [])}
    missing = [k for k in manifest.get("data_keys", []) if k not in configured]
    if not missing:
        return []
    return [
        (
            f"{len(missing)} of the keys that encrypted personal data in this archive are not "
            f"in ONESTOP_DATA_KEYS here (fingerprints {', '.join(missing)}): set them, or that "
            "data cannot be read.",
            f"该备份中加密个人数据的密钥有{len(missing)}个未在本机ONESTOP_DATA_KEYS中配置"
            f"（指纹{'、'.join(missing)}）：请配置这些密钥，否则无法读取这些数据。",
        )
    ]


def restore(path: Path) -> Restored:
    """Replace the database and the uploaded files by the archive's, or change nothing."""
    media_root = Path(settings.MEDIA_ROOT).resolve()
    staging = _staging(media_root)
    try:
        verified = _verified(Path(path), staging)
        warnings = _key_warnings(verified.manifest)
        verified.media.mkdir(exist_ok=True)
        old = staging / "media-before-restore"
        had_media = media_root.exists()
        if had_media:
            media_root.rename(old)
        verified.media.rename(media_root)
        try:
            if verified.engine == "sqlite":
                engines.sqlite_restore(verified.database)
            else:
                engines.postgres_restore(verified.database)
        except BaseException:
            media_root.rename(verified.media)
            if had_media:
                old.rename(media_root)
            raise
        return Restored(verified.manifest, warnings)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
