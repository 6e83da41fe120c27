"""Uploaded files encrypted at rest with the keys and the suite of the form and profile
(onestop/data_keys.py).

Passport scans, photos, diplomas and tax records are personal data as much as the form is
(PIPL Art. 51; GB/T 22239-2019 8.1.4.8; GB/T 39786-2021 with the SM suite): a copy of the media
folder or of a backup shows nothing without ONESTOP_DATA_KEYS. Each file is a marker line naming
the algorithm and the key, then the ciphertext:

    onestop-sealed:<algorithm>:<key id>\n<ciphertext>     (Fernet token, or SM4-GCM nonce‖ct‖tag)
    onestop-fernet-v1\n<Fernet token>                       the first format: every key is tried

Python code reading through the storage sees the plain bytes. A file without a marker is refused:
the only reader of files written before encryption existed is the named step of
`onestop manage reencrypt_personal_data --encrypt-plain-files`. Uploads are at most 10 MB
(documents/uploads.py): encrypting a whole file in memory is fine at that size.
"""

import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from onestop.data_keys import FERNET, NotDecryptable
from onestop.data_keys import seal as seal_bytes
from onestop.data_keys import unseal as unseal_bytes

MARKER = b"onestop-sealed:"
FIRST_MARKER = b"onestop-fernet-v1\n"  # the first format, still read
PURPOSE = "applications.upload.file"
WHAT = "An uploaded file"


class EncryptedFileStorage(FileSystemStorage):
    """Django's file system storage, with every file's bytes encrypted."""

    def _save(self, name, content):
        content.seek(0)
        return super()._save(name, ContentFile(seal(content.read())))

    def _open(self, name, mode="rb"):
        if "b" not in mode or any(c in mode for c in "wa+"):
            raise ValueError("Encrypted files are read whole, in binary.")
        with super()._open(name, "rb") as stored:
            return ContentFile(unseal(stored.read()), name=name)

    def size(self, name):
        with self._open(name) as opened:
            return opened.size

    def reencrypt(self, name, *, plain_from_before_encryption: bool = False) -> bool:
        """Write the file again with the newest key and the configured suite (in place,
        atomically); False if missing. A file without a marker is refused unless
        `plain_from_before_encryption`: the named step for files written before uploads were
        encrypted."""
        path = Path(self.path(name))
        if not path.exists():
            return False
        stored = path.read_bytes()
        from_before = plain_from_before_encryption and not is_sealed(stored)
        sealed = seal(stored if from_before else unseal(stored))
        descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=".reencrypt-")
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(sealed)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(partial, path.stat().st_mode & 0o777)
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        return True


def is_sealed(stored: bytes) -> bool:
    return stored.startswith((MARKER, FIRST_MARKER))


def seal(data: bytes) -> bytes:
    algorithm, key_id, ciphertext = seal_bytes(data, PURPOSE)
    return MARKER + f"{algorithm}:{key_id}\n".encode() + ciphertext


def unseal(stored: bytes) -> bytes:
    """The plain bytes of a sealed file; NotDecryptable for a file without a marker."""
    if stored.startswith(FIRST_MARKER):
        return unseal_bytes(FERNET, "", stored[len(FIRST_MARKER) :], PURPOSE, WHAT)
    if not stored.startswith(MARKER):
        raise NotDecryptable(f"{WHAT} is not encrypted (no marker line). Refused.")
    header, newline, ciphertext = stored[len(MARKER) :].partition(b"\n")
    algorithm, colon, key_id = header.decode("ascii", "replace").partition(":")
    if not newline or not colon:
        raise NotDecryptable(f"{WHAT} has a damaged marker line. Refused.")
    return unseal_bytes(algorithm, key_id, ciphertext, PURPOSE, WHAT)
