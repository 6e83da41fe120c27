"""Backups signed with a key kept outside them (GB/T 22239-2019 8.1.4.7 integrity of important
data in storage and 8.1.4.9 backup; GB/T 39786-2021 with HMAC-SM3; ASVS 4.0.3 V6.2.1).

The manifest names every part of the archive with its digest; a MAC of the manifest (HMAC-SHA256,
or HMAC-SM3 under ONESTOP_CRYPTO_SUITE=sm) under a backup key makes the whole archive authentic:
a part changed and its digest recomputed in the manifest breaks the MAC, and nobody without the
key can compute a new one. A checksum alone, as the manifest was before, is recomputed by anyone.

The key is never in the archive. It comes from ONESTOP_BACKUP_KEYS, or a file named by
ONESTOP_BACKUP_KEYS_FILE (one key a line, outside MEDIA_ROOT), or else ONESTOP_VAR_DIR/backup_key,
made on the first backup. Keys rotate: the first signs, every listed key verifies, and a
signature names its key by fingerprint.
"""

import json
import os
import secrets
from pathlib import Path

from django.conf import settings

from onestop import crypto_suite

from .refusal import Refused

SIGNATURE = "manifest.mac"  # the archive member holding the MAC of manifest.json
MAC_ALGORITHMS = {"hmac-sha256": crypto_suite.SHA256, "hmac-sm3": crypto_suite.SM3}
MIN_KEY_CHARACTERS = 32
CONTEXT = b"onestop backup manifest\n"  # a MAC of a manifest is of nothing else
NOTHING_CHANGED_EN, NOTHING_CHANGED_ZH = "nothing was changed.", "未做任何更改。"


def mac_algorithm() -> str:
    """The MAC of the configured suite: "hmac-sha256" or "hmac-sm3"."""
    return "hmac-sm3" if crypto_suite.digest_algorithm() == crypto_suite.SM3 else "hmac-sha256"


def key_file() -> Path:
    given = settings.ONESTOP_BACKUP_KEYS_FILE
    return Path(given) if given else Path(settings.VAR_DIR) / "backup_key"


def keys(*, create: bool = False) -> list[str]:
    """The backup keys, newest first: ONESTOP_BACKUP_KEYS, else the key file. With `create`, a
    key is made in ONESTOP_VAR_DIR/backup_key when none is configured."""
    given = list(settings.ONESTOP_BACKUP_KEYS)
    path = key_file()
    if not given and path.is_file():
        lines = path.read_text(encoding="utf-8").splitlines()
        given = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    elif not given and settings.ONESTOP_BACKUP_KEYS_FILE:
        raise Refused(
            "backup.keys_file_unreadable",
            f"ONESTOP_BACKUP_KEYS_FILE names {path}, which is not a readable file.",
            f"ONESTOP_BACKUP_KEYS_FILE指向的{path}不是可读取的文件。",
        )
    elif not given and create:
        given = [_made(path)]
    short = [k for k in given if len(k) < MIN_KEY_CHARACTERS]
    if short:
        raise Refused(
            "backup.key_too_short",
            f"A backup key must have at least {MIN_KEY_CHARACTERS} characters "
            "(`onestop manage new_backup_key` makes one).",
            f"备份密钥至少应有{MIN_KEY_CHARACTERS}个字符"
            "（可用`onestop manage new_backup_key`生成）。",
        )
    return given


def _made(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # two backups starting at once: the first one's key wins
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(32)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key


def signature(manifest: bytes, key: str, algorithm: str) -> bytes:
    """The signature member for `manifest` under `key`: the algorithm, the key's fingerprint and
    the MAC, as JSON."""
    mac = crypto_suite.mac(MAC_ALGORITHMS[algorithm], key.encode(), CONTEXT + manifest)
    fields = {"algorithm": algorithm, "key": crypto_suite.key_id(key), "mac": mac.hex()}
    return json.dumps(fields, sort_keys=True).encode()


def signing_key() -> str:
    """The newest backup key (made when none is configured); Refused when the key file lies
    where the backup would copy it."""
    path = key_file().resolve()
    if path.is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise Refused(
            "backup.key_inside_media_root",
            f"The backup key file {path} lies under MEDIA_ROOT, so the backup would carry it: "
            "keep it elsewhere.",
            f"备份密钥文件{path}位于MEDIA_ROOT之下，会被一同备份：请将其放在别处。",
        )
    return keys(create=True)[0]


def sign(manifest: bytes) -> bytes:
    """The signature of `manifest` under the newest backup key and the suite's MAC."""
    return signature(manifest, signing_key(), mac_algorithm())


def check(manifest: bytes, signed: bytes | None) -> None:
    """Nothing when `signed` is a signature of `manifest` under one of the backup keys here;
    otherwise Refused, before anything in the archive is trusted."""
    if signed is None:
        raise Refused(
            "backup.unsigned",
            "The archive carries no signature, so nothing shows that it is a backup of this "
            f"service as it was made; {NOTHING_CHANGED_EN}",
            f"备份文件没有签名，无法证明其是本系统生成且未被改动的备份；{NOTHING_CHANGED_ZH}",
        )
    try:
        fields = json.loads(signed.decode("utf-8"))
        algorithm, key_name = fields["algorithm"], str(fields["key"])
        mac = bytes.fromhex(fields["mac"])
        digest = MAC_ALGORITHMS[algorithm]
    except (ValueError, KeyError, TypeError) as error:
        raise Refused(
            "backup.signature_unreadable",
            f"The archive's signature cannot be read; {NOTHING_CHANGED_EN}",
            f"无法读取备份文件的签名；{NOTHING_CHANGED_ZH}",
        ) from error
    matching = [k for k in keys() if crypto_suite.key_id(k) == key_name]
    if not matching:
        raise Refused(
            "backup.key_unknown",
            f"The archive was signed with backup key {key_name[:16]}, which is not among the "
            f"backup keys here (ONESTOP_BACKUP_KEYS); {NOTHING_CHANGED_EN}",
            f"该备份文件由备份密钥{key_name[:16]}签名，本机的备份密钥（ONESTOP_BACKUP_KEYS）中没有"
            f"该密钥；{NOTHING_CHANGED_ZH}",
        )
    if not crypto_suite.mac_matches(digest, matching[0].encode(), CONTEXT + manifest, mac):
        raise Refused(
            "backup.signature_mismatch",
            "The archive's signature does not match its contents, so it was changed after the "
            f"backup was made; {NOTHING_CHANGED_EN}",
            f"备份文件的签名与内容不符，说明备份生成后已被改动；{NOTHING_CHANGED_ZH}",
        )
