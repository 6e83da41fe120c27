"""The algorithms that protect stored data, chosen for the whole installation by
ONESTOP_CRYPTO_SUITE.

    suite           data at rest                       digests   keyed digests (MAC)
    international   Fernet (AES-128-CBC + HMAC-SHA256)  SHA-256   HMAC-SHA256
    sm              SM4-GCM                             SM3       HMAC-SM3

SM3 is GB/T 32905-2016, SM4 GB/T 32907-2016, GCM over SM4 as RFC 8998 uses it, HMAC as
GB/T 15852.2-2012 (the RFC 2104 construction) over SM3. GB/T 39786-2021 8.4 (application and
data security at level 3) asks that important data be kept confidential and whole in storage
with cryptography, the commercial (SM) algorithms being the approved ones; GB/T 22239-2019
8.1.4.7 and 8.1.4.8 ask the same of integrity and confidentiality. All come from the
`cryptography` package (OpenSSL).

Every stored value, file, audit entry and backup names the algorithm that made it, so changing
the suite changes only what is written next: what was written before still reads and verifies.
"""

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as keyed
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

INTERNATIONAL, SM = "international", "sm"
SUITES = (INTERNATIONAL, SM)
SHA256, SM3 = "sha256", "sm3"
_HASHES = {SHA256: hashes.SHA256, SM3: hashes.SM3}
# GCM as RFC 8998 specifies it for SM4: a 96-bit nonce, a 128-bit tag.
NONCE_BYTES, TAG_BYTES, SM4_KEY_BYTES = 12, 16, 16


def suite() -> str:
    """The configured suite, "international" or "sm" (settings.ONESTOP_CRYPTO_SUITE)."""
    return settings.ONESTOP_CRYPTO_SUITE


def digest_algorithm() -> str:
    """The digest of the configured suite: "sha256" or "sm3"."""
    return SM3 if suite() == SM else SHA256


class Digest:
    """An incremental digest of either algorithm, hashlib-like."""

    def __init__(self, algorithm: str):
        self.algorithm = algorithm
        self._hash = hashes.Hash(_HASHES[algorithm]())

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.finalize().hex()


def hexdigest(algorithm: str, data: bytes) -> str:
    digest = Digest(algorithm)
    digest.update(data)
    return digest.hexdigest()


def mac(algorithm: str, key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256 or HMAC-SM3 of `data` under `key` (RFC 2104; GB/T 15852.2-2012)."""
    keyed_digest = keyed.HMAC(key, _HASHES[algorithm]())
    keyed_digest.update(data)
    return keyed_digest.finalize()


def mac_matches(algorithm: str, key: bytes, data: bytes, expected: bytes) -> bool:
    """Whether `expected` is the MAC of `data`, compared in constant time."""
    return hmac.compare_digest(mac(algorithm, key, data), expected)


def key_id(key: str | bytes) -> str:
    """A short name of a key that reveals nothing of it.

    Always SHA-256, whatever the suite: a key keeps its name when the suite changes, so a value
    written under one suite finds its key under the other."""
    raw = key.encode() if isinstance(key, str) else key
    return hashlib.sha256(b"onestop key fingerprint:" + raw.strip()).hexdigest()[:16]


def sm4_gcm_seal(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag: SM4 in GCM mode with a random 96-bit nonce (RFC 8998), the
    associated data authenticated but not stored."""
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + ciphertext + encryptor.tag


def sm4_gcm_open(key: bytes, sealed: bytes, associated: bytes) -> bytes:
    """The plaintext of sm4_gcm_seal's output, or InvalidTag when anything differs (a changed
    byte, another key, other associated data)."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise InvalidTag
    nonce, tag = sealed[:NONCE_BYTES], sealed[-TAG_BYTES:]
    ciphertext = sealed[NONCE_BYTES:-TAG_BYTES]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated)
    return decryptor.update(ciphertext) + decryptor.finalize()
