"""Values at rest encrypted under the platform's data keys: personal data (the form, the
profile and uploaded files, applications/protected.py and protected_files.py) and the secrets
the platform must read back to use them (a subscription's signing secrets, events/models.py).

Keys come from the environment (settings.ONESTOP_DATA_KEYS, newest first): 32 random bytes each,
base64url. New values are written with the newest key and the algorithm of the configured suite
(crypto_suite.py); every stored value names both:

    fernet:<key id>:<Fernet token>               international: AES-128-CBC + HMAC-SHA256
    sm4-gcm:<key id>:<base64url nonce‖ct‖tag>    sm: SM4-GCM, the value's purpose as associated data
    fernet:<Fernet token>                        the first format (no key id): every key is tried

so any value reads while its key is listed, whichever suite wrote it, and
`onestop manage reencrypt_personal_data` moves everything to the newest key and the configured
algorithm. Every value is authenticated: a changed byte, a wrong key, a value moved to another
column (SM4-GCM) or a value that is not a ciphertext at all fails loudly, never silently.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from functools import cache, cached_property

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from onestop import crypto_suite

FERNET, SM4_GCM = "fernet", "sm4-gcm"
ALGORITHMS = (FERNET, SM4_GCM)
ALGORITHM_OF_SUITE = {crypto_suite.INTERNATIONAL: FERNET, crypto_suite.SM: SM4_GCM}


class NotDecryptable(ImproperlyConfigured):
    """A stored value that no listed key opens, or that is not a ciphertext of this platform."""


@dataclass(frozen=True)
class DataKey:
    id: str
    raw: bytes  # 32 bytes

    @cached_property
    def fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(self.raw))

    @cached_property
    def sm4(self) -> bytes:
        # The key itself never meets a second algorithm: SM4 gets a key derived with HMAC-SM3.
        derived = crypto_suite.mac(crypto_suite.SM3, self.raw, b"onestop sm4-gcm data key")
        return derived[: crypto_suite.SM4_KEY_BYTES]


@cache
def _keyring() -> tuple[DataKey, ...]:
    given = [k.strip() for k in settings.ONESTOP_DATA_KEYS if k.strip()]
    if not given:
        raise ImproperlyConfigured("Set ONESTOP_DATA_KEYS (see `onestop manage new_data_key`).")
    keys = []
    for key in given:
        try:
            raw = base64.b64decode(key, altchars=b"-_", validate=True)
        except (ValueError, binascii.Error) as error:
            raise ImproperlyConfigured(f"ONESTOP_DATA_KEYS: not base64url ({error}).") from error
        if len(raw) != 32:
            raise ImproperlyConfigured("ONESTOP_DATA_KEYS: each key must be 32 bytes, base64url.")
        keys.append(DataKey(crypto_suite.key_id(key), raw))
    return tuple(keys)


def reset_keys() -> None:
    """Forget the cached keys (after the setting changes, e.g. in tests)."""
    _keyring.cache_clear()


def newest_key() -> DataKey:
    return _keyring()[0]


def _key(key_id: str, what: str) -> DataKey:
    for key in _keyring():
        if key.id == key_id:
            return key
    raise NotDecryptable(
        f"{what} was encrypted with key {key_id}, which is not in ONESTOP_DATA_KEYS."
    )


def _associated(algorithm: str, key_id: str, purpose: str) -> bytes:
    return f"{algorithm}:{key_id}:{purpose}".encode()


def seal(data: bytes, purpose: str) -> tuple[str, str, bytes]:
    """(algorithm, key id, ciphertext) of `data` under the newest key and the configured suite.
    Under SM4-GCM, `purpose` (the column or kind of file) is authenticated with the data, so a
    value moved elsewhere no longer opens."""
    key, algorithm = newest_key(), ALGORITHM_OF_SUITE[crypto_suite.suite()]
    if algorithm == SM4_GCM:
        associated = _associated(algorithm, key.id, purpose)
        return algorithm, key.id, crypto_suite.sm4_gcm_seal(key.sm4, data, associated)
    return algorithm, key.id, key.fernet.encrypt(data)


def unseal(algorithm: str, key_id: str, ciphertext: bytes, purpose: str, what: str) -> bytes:
    """The plain bytes of seal()'s output; NotDecryptable when they cannot be had."""
    try:
        if algorithm == FERNET and key_id == "":  # the first format: no key named
            return MultiFernet([k.fernet for k in _keyring()]).decrypt(ciphertext)
        key = _key(key_id, what)
        if algorithm == FERNET:
            return key.fernet.decrypt(ciphertext)
        if algorithm == SM4_GCM:
            associated = _associated(algorithm, key.id, purpose)
            return crypto_suite.sm4_gcm_open(key.sm4, ciphertext, associated)
    except (InvalidToken, InvalidTag) as error:
        raise NotDecryptable(
            f"{what} cannot be decrypted with ONESTOP_DATA_KEYS (wrong or missing key, or changed)."
        ) from error
    raise NotDecryptable(f"{what} names an unknown algorithm {algorithm!r}.")


def encrypt(value, purpose: str) -> str:
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    algorithm, key_id, ciphertext = seal(data.encode(), purpose)
    if algorithm == SM4_GCM:
        ciphertext = base64.urlsafe_b64encode(ciphertext)
    return f"{algorithm}:{key_id}:{ciphertext.decode()}"


def is_encrypted(stored: str) -> bool:
    """Whether `stored` has the form of an encrypted value (it may still fail to decrypt)."""
    return stored.split(":", 1)[0] in ALGORITHMS and ":" in stored


def decrypt(stored: str, purpose: str, what: str = "Personal data"):
    """The value of encrypt()'s output. A value without the mark of an encrypted value is
    refused (NotDecryptable), never returned as it is: such values are written encrypted only,
    so a plain value in the column was put there around the platform."""
    if not is_encrypted(stored):
        raise NotDecryptable(
            f"{what} in {purpose} is not encrypted: a stored value must name its algorithm and "
            "key. Refused."
        )
    algorithm, rest = stored.split(":", 1)
    key_id, _, payload = rest.rpartition(":")
    if algorithm == SM4_GCM:
        try:
            ciphertext = base64.urlsafe_b64decode(payload)
        except (ValueError, binascii.Error) as error:
            raise NotDecryptable(f"{what} in {purpose} cannot be decrypted (damaged).") from error
    else:
        ciphertext = payload.encode()
    return json.loads(unseal(algorithm, key_id, ciphertext, purpose, what))


class EncryptedField(models.TextField):
    """A value stored encrypted; Python code sees the plain value. The purpose bound to each
    value is the column: `<app>.<model>.<field>`."""

    purpose = ""
    what = "Personal data"  # what a refusal to decrypt names

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        self.purpose = f"{cls._meta.label_lower}.{name}"

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value, self.purpose, self.what)

    def get_prep_value(self, value):
        return None if value is None else encrypt(value, self.purpose)


class EncryptedSecretField(EncryptedField):
    """A secret the platform must read back to use it (an HMAC key it signs with), stored
    encrypted: a copy of the database or of a backup does not give it away."""

    what = "A secret"

    def to_python(self, value):
        """A value given to the field (a form, `loaddata`): the plain secret, or a ciphertext,
        decrypted as from the column."""
        if isinstance(value, str) and is_encrypted(value):
            return decrypt(value, self.purpose, self.what)
        return value

    def value_to_string(self, obj):
        return self.value_from_object(obj)
