"""Personal data at rest: the form and the profile encrypted, passport numbers found by a keyed
blind index (PIPL Art. 51: encryption of personal information; MLPS 2.0 confidentiality).

Keys come from the environment (settings.ONESTOP_DATA_KEYS, newest first, so an old key can still
decrypt while rows are re-encrypted with the new one). Fernet (AES-128-CBC + HMAC-SHA256 from the
`cryptography` package) authenticates every value: a changed byte fails loudly, never silently.
"""

import base64
import hashlib
import hmac
import json
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .identifiers import normalised

PREFIX = "fernet:"


@cache
def _keys() -> tuple[MultiFernet, bytes]:
    raw = [k.strip() for k in settings.ONESTOP_DATA_KEYS if k.strip()]
    if not raw:
        raise ImproperlyConfigured("Set ONESTOP_DATA_KEYS (see `onestop manage new_data_key`).")
    try:
        fernets = [Fernet(k) for k in raw]
    except ValueError as error:
        raise ImproperlyConfigured(f"ONESTOP_DATA_KEYS: not a Fernet key ({error}).") from error
    # The blind-index key is derived from the newest key but is not the key itself.
    index_key = hmac.new(base64.urlsafe_b64decode(raw[0]), b"blind-index", hashlib.sha256).digest()
    return MultiFernet(fernets), index_key


def reset_keys() -> None:
    """Forget the cached keys (after the setting changes, e.g. in tests)."""
    _keys.cache_clear()


def encrypt(value) -> str:
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return PREFIX + _keys()[0].encrypt(data.encode()).decode()


def decrypt(stored: str):
    if not stored.startswith(PREFIX):
        # Written before encryption was turned on: plain JSON, re-encrypted on the next save.
        return json.loads(stored)
    try:
        return json.loads(_keys()[0].decrypt(stored[len(PREFIX) :].encode()))
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "Personal data cannot be decrypted with ONESTOP_DATA_KEYS (wrong or missing key)."
        ) from error


def encrypt_bytes(data: bytes) -> bytes:
    return _keys()[0].encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _keys()[0].decrypt(token)
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "An uploaded file cannot be decrypted with ONESTOP_DATA_KEYS (wrong or missing key)."
        ) from error


def blind_index(value: str | None) -> str:
    """A keyed digest of a normalised identifier: equal identifiers give equal digests, and the
    digest tells nothing without the key (unlike a plain hash of a passport number)."""
    normal = normalised(value)
    if not normal:
        return ""
    return hmac.new(_keys()[1], normal.encode(), hashlib.sha256).hexdigest()


class EncryptedJSONField(models.TextField):
    """A JSON value stored encrypted; Python code sees the plain dict."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, dict | list):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        return None if value is None else encrypt(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
