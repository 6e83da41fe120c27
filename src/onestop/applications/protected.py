"""Personal data at rest: the form and the profile encrypted, passport numbers found by a keyed
blind index (PIPL Art. 51: encryption of personal information; GB/T 22239-2019 8.1.4.7 and
8.1.4.8; GB/T 39786-2021 with the SM suite).

The values are encrypted under the platform's data keys, in the formats data_keys.py describes;
`onestop manage reencrypt_personal_data` moves everything to the newest key and the configured
algorithm. Plain values written before encryption existed are read only by the migration that
encrypted them (applications 0004).
"""

import json
from functools import lru_cache

from django.core.serializers.json import DjangoJSONEncoder

from onestop import crypto_suite
from onestop.data_keys import EncryptedField, decrypt, is_encrypted, newest_key

from .identifiers import normalised


def blind_index(value: str | None) -> str:
    """A keyed digest of a normalised identifier (HMAC-SHA256 or HMAC-SM3 by the suite, under
    a key derived from the newest data key): equal identifiers give equal digests, and the digest
    tells nothing without the key (unlike a plain hash of a passport number)."""
    normal = normalised(value)
    if not normal:
        return ""
    algorithm = crypto_suite.digest_algorithm()
    index_key = _index_key(algorithm, newest_key().raw)
    return crypto_suite.mac(algorithm, index_key, normal.encode()).hex()


@lru_cache(maxsize=4)
def _index_key(algorithm: str, raw: bytes) -> bytes:
    """The blind indexes' key under a data key: derived once per key and suite, as every
    progress lookup makes an index (a new key or suite derives its own)."""
    return crypto_suite.mac(algorithm, raw, b"blind-index")


class EncryptedJSONField(EncryptedField):
    """A JSON value stored encrypted; Python code sees the plain dict."""

    def to_python(self, value):
        """A value given to the field (a form, `loaddata`), never one read from the column
        (from_db_value): value_to_string() serialises the plain JSON, so plain JSON comes back
        here; a ciphertext is decrypted as from the column."""
        if value is None or isinstance(value, dict | list):
            return value
        if is_encrypted(value):
            return decrypt(value, self.purpose)
        return json.loads(value)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)
