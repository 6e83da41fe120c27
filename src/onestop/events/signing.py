"""The signature of a pushed event: HMAC-SHA256 over "{timestamp}.{body}", sent as
`Onestop-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]` with one v1 per valid secret (the
present one first, then the one it replaced while that stays valid). The scheme follows Stripe's
and Démarches Simplifiées' webhooks; docs/events.md has a verifier."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Onestop-Signature"
EVENT_ID_HEADER = "Onestop-Event-Id"


def new_secret() -> str:
    """A fresh key: 32 random bytes, as hex (64 characters)."""
    return secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def header(secrets_valid: list[str], timestamp: int, body: bytes) -> str:
    parts = [f"t={timestamp}"] + [f"v1={signature(s, timestamp, body)}" for s in secrets_valid]
    return ",".join(parts)
