"""The backup archive: one gzipped tar holding the database, the uploaded files and a manifest.

    database.sqlite3           SQLite: a snapshot made with the online backup API
    database.pgdump            PostgreSQL: pg_dump --format=custom
    media/<path>               every file under MEDIA_ROOT, by its path there
    manifest.json              what the archive holds (below), written last

The manifest gives the sha256 and size of every other member ("parts"), the rows of every table
in the snapshot, the applied migrations, the onestop and Django versions, the database engine and
fingerprints of the keys that encrypt personal data (never the keys). An archive is used only
after every part has been read and matched its hash, and no part is missing or unknown.
"""

import hashlib
import io
import json
import tarfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_PARTS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class Refused(Exception):
    """The archive or the request cannot be used; nothing was changed."""

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en, self.message_zh = message_en, message_zh

    def __str__(self):
        return f"{self.message_en} / {self.message_zh}"


def damaged(detail: str) -> Refused:
    return Refused(
        f"The archive is damaged or incomplete ({detail}); nothing was changed.",
        f"备份文件已损坏或不完整（{detail}）；未做任何更改。",
    )


class _Hashing:
    """A stream that hashes and counts what is read through it."""

    def __init__(self, stream):
        self.stream, self.digest, self.size = stream, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk

    def part(self) -> dict:
        return {"sha256": self.digest.hexdigest(), "bytes": self.size}


def key_fingerprint(key: str | bytes) -> str:
    """A short name of an encryption key that reveals nothing of it."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"onestop key fingerprint:" + raw.strip()).hexdigest()[:16]


def is_safe_member(name: str) -> bool:
    """A relative path without `..`: nothing extracted lands outside the staging folder."""
    path = PurePosixPath(name)
    return (
        bool(name)
        and not path.is_absolute()
        and ".." not in path.parts
        and "\\" not in name
        and (name in (MANIFEST, *DATABASE_PARTS.values()) or path.parts[0] == MEDIA)
    )


def write(path: Path, manifest: dict, parts: dict[str, Path]) -> dict:
    """The archive at `path`: every part (member name -> file), hashed as it is written, then
    the manifest with those hashes. Answers the manifest."""
    manifest = {**manifest, "parts": {}}
    with tarfile.open(path, "w:gz") as archive:
        for name, source in parts.items():
            info = tarfile.TarInfo(name)
            info.size = source.stat().st_size
            info.mode, info.mtime = 0o600, int(source.stat().st_mtime)
            with source.open("rb") as stream:
                hashing = _Hashing(stream)
                archive.addfile(info, hashing)
            manifest["parts"][name] = hashing.part()
        raw = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode, info.mtime = len(raw), 0o600, int(manifest["created_unix"])
        archive.addfile(info, io.BytesIO(raw))
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
    """Unpack the archive at `path` into the empty `folder` and check every part against the
    manifest; Refused when anything differs (the caller removes `folder`)."""
    if not path.is_file():
        raise Refused(f"No archive at {path}.", f"找不到备份文件：{path}。")
    manifest, found = None, {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.isdir():
                    continue
                if not member.isfile() or not is_safe_member(member.name):
                    raise damaged(f"unexpected member {member.name!r}")
                if member.name in found or (member.name == MANIFEST and manifest is not None):
                    raise damaged(f"{member.name} appears twice")
                with archive.extractfile(member) as stream:
                    if member.name == MANIFEST:
                        manifest = _read_manifest(stream.read())
                        continue
                    target = folder / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    hashing = _Hashing(stream)
                    with target.open("wb") as out:
                        while chunk := hashing.read(CHUNK):
                            out.write(chunk)
                    found[member.name] = hashing.part()
    # A flipped byte in the compressed stream fails in zlib itself, not in tarfile.
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise damaged(type(exc).__name__) from exc
    if manifest is None:
        raise damaged("no manifest")
    parts = manifest["parts"]
    for name, part in found.items():
        if name not in parts:
            raise damaged(f"{name} is not in the manifest")
        if parts[name] != part:
            raise damaged(f"{name} does not match its sha256")
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
            f"This archive has format {manifest.get('format')!r}; this onestop reads {FORMAT}.",
            f"该备份文件的格式为{manifest.get('format')!r}，本系统只能读取格式{FORMAT}。",
        )
    return manifest
