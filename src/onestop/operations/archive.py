"""The backup archive: one gzipped tar holding the database, the uploaded files, a manifest and
its signature.

    database.sqlite3           SQLite: a snapshot made with the online backup API
    database.pgdump            PostgreSQL: pg_dump --format=custom
    media/<path>               every file under MEDIA_ROOT, by its path there
    manifest.json              what the archive holds (below), written after the parts
    manifest.mac               the MAC of manifest.json under a backup key (signing.py), last

The manifest gives the digest (SHA-256, or SM3 under the SM suite) and size of every other member
("parts"), the rows of every table in the snapshot, the applied migrations, the onestop and
Django versions, the database engine and fingerprints of the keys that encrypt personal data
(never the keys). An archive is used only after its signature has matched the manifest under a
backup key of this installation, and every part has been read and matched its digest, with no
part missing or unknown.
"""

import io
import json
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from onestop import crypto_suite

from . import signing
from .refusal import Refused, damaged

__all__ = ["Refused", "damaged", "key_fingerprint", "write", "unpack", "Verified"]

FORMAT = 2  # 2: signed (signing.py); archives of format 1 carry no signature and are refused
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
DIGESTS = (crypto_suite.SHA256, crypto_suite.SM3)
CHUNK = 1024 * 1024


class _Hashing:
    """A stream that hashes and counts what is read through it. Unpacking hashes with both
    digests, since the manifest that says which one was used comes after the parts."""

    def __init__(self, stream, algorithms: tuple[str, ...] = DIGESTS):
        self.stream, self.size = stream, 0
        self.digests = {name: crypto_suite.Digest(name) for name in algorithms}

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        for digest in self.digests.values():
            digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def parts(self) -> dict:
        return {
            **{name: digest.hexdigest() for name, digest in self.digests.items()},
            "bytes": self.size,
        }


def key_fingerprint(key: str | bytes) -> str:
    """A short name of an encryption key that reveals nothing of it (the key id that encrypted
    values name, data_keys.py)."""
    return crypto_suite.key_id(key)


def is_safe_member(name: str) -> bool:
    """A relative path without `..`: nothing extracted lands outside the staging folder."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (
            name in (MANIFEST, signing.SIGNATURE, *DATABASE_PARTS.values())
            or path.parts[0] == MEDIA
        )
    )


def write(path: Path, manifest: dict, parts: dict[str, Path]) -> dict:
    """The archive at `path`: every part (member name -> file), hashed as it is written with the
    suite's digest, then the manifest with those digests, then its signature. Answers the
    manifest."""
    algorithm = crypto_suite.digest_algorithm()
    manifest = {**manifest, "parts": {}}
    with tarfile.open(path, "w:gz") as archive:
        for name, source in parts.items():
            info = tarfile.TarInfo(name)
            info.size = source.stat().st_size
            info.mode, info.mtime = 0o600, int(source.stat().st_mtime)
            with source.open("rb") as stream:
                hashing = _Hashing(stream, (algorithm,))
                archive.addfile(info, hashing)
            manifest["parts"][name] = hashing.parts()
        raw = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        for name, content in ((MANIFEST, raw), (signing.SIGNATURE, signing.sign(raw))):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(content), 0o600, int(manifest["created_unix"])
            archive.addfile(info, io.BytesIO(content))
    return manifest


@dataclass
class Verified:
    """An archive unpacked in `folder`, every part of it matching the manifest."""

    folder: Path
    manifest: dict

    @property
    def engine(self) -> str:
        return self.manifest["database"]["engine"]

    @property
    def database(self) -> Path:
        return self.folder / self.manifest["database"]["part"]

    @property
    def media(self) -> Path:
        return self.folder / MEDIA


def unpack(path: Path, folder: Path) -> Verified:
    """Unpack the archive at `path` into the empty `folder`, check the manifest's signature and
    then every part against the manifest; Refused when anything differs (the caller removes
    `folder`). Nothing of the manifest is read before its signature matched."""
    if not path.is_file():
        raise Refused(
            "backup.archive_missing", f"No archive at {path}.", f"找不到备份文件：{path}。"
        )
    raw_manifest, signed, found, seen = None, None, {}, set()
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.isdir():
                    continue
                if not member.isfile() or not is_safe_member(member.name):
                    raise damaged(f"unexpected member {member.name!r}")
                if member.name in seen:
                    raise damaged(f"{member.name} appears twice")
                seen.add(member.name)
                with archive.extractfile(member) as stream:
                    if member.name == MANIFEST:
                        raw_manifest = stream.read()
                        continue
                    if member.name == signing.SIGNATURE:
                        signed = stream.read()
                        continue
                    target = folder / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    hashing = _Hashing(stream)
                    with target.open("wb") as out:
                        while chunk := hashing.read(CHUNK):
                            out.write(chunk)
                    found[member.name] = hashing.parts()
    # A flipped byte in the compressed stream fails in zlib itself, not in tarfile.
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise damaged(type(exc).__name__) from exc
    if raw_manifest is None:
        raise damaged("no manifest")
    signing.check(raw_manifest, signed)
    manifest = _read_manifest(raw_manifest)
    parts = manifest["parts"]
    for name, part in found.items():
        if name not in parts:
            raise damaged(f"{name} is not in the manifest")
        algorithm = next(iter(set(parts[name]) & set(DIGESTS)), "digest")
        if parts[name] != {algorithm: part.get(algorithm), "bytes": part["bytes"]}:
            raise damaged(f"{name} does not match its {algorithm}")
    missing = sorted(set(parts) - set(found))
    if missing:
        raise damaged(f"{len(missing)} parts missing, e.g. {missing[0]}")
    if manifest["database"]["part"] not in parts:
        raise damaged("no database")
    return Verified(folder, manifest)


def _read_manifest(raw: bytes) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
        parts, database = manifest["parts"], manifest["database"]
        shapes = (
            isinstance(parts, dict)
            and all(isinstance(p, dict) for p in parts.values())
            and database["part"] == DATABASE_PARTS.get(database["engine"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise damaged("unreadable manifest") from exc
    if not shapes:
        raise damaged("unreadable manifest")
    if manifest.get("format") != FORMAT:
        raise Refused(
            "backup.format_unknown",
            f"This archive has format {manifest.get('format')!r}; this onestop reads {FORMAT}.",
            f"该备份文件的格式为{manifest.get('format')!r}，本系统只能读取格式{FORMAT}。",
        )
    return manifest
