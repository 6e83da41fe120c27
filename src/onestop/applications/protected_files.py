"""Uploaded files encrypted at rest with the keys of the form and profile (protected.py).

Passport scans, photos, diplomas and tax records are personal data as much as the form is
(PIPL Art. 51; MLPS 2.0 confidentiality of stored data): a copy of the media folder or of a
backup shows nothing without ONESTOP_DATA_KEYS. Each file is one Fernet token behind a marker
line, so Python code reading through the storage sees the plain bytes, and a file written before
encryption was turned on (no marker) is still read, then re-encrypted by
`onestop manage reencrypt_personal_data`. Uploads are at most 10 MB (documents/uploads.py):
encrypting a whole file in memory is fine at that size.
"""

import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from .protected import decrypt_bytes, encrypt_bytes

MARKER = b"onestop-fernet-v1\n"


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

    def reencrypt(self, name) -> bool:
        """Write the file again with the newest key (in place, atomically); False if missing."""
        path = Path(self.path(name))
        if not path.exists():
            return False
        sealed = seal(unseal(path.read_bytes()))
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


def seal(data: bytes) -> bytes:
    return MARKER + encrypt_bytes(data)


def unseal(stored: bytes) -> bytes:
    if not stored.startswith(MARKER):
        return stored  # written before encryption was turned on
    return decrypt_bytes(stored[len(MARKER) :])
