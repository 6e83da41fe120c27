"""Senders: one small interface per outside channel, a local default for each, a registry.

Settings ONESTOP_EMAIL_SENDER and ONESTOP_SMS_SENDER name another class (a dotted path) to
take over a channel, e.g. an SMS gateway's client; see docs/notifications.md.
"""

import logging
from abc import ABC, abstractmethod
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from .models import Channel, Outbox

logger = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "X-Onestop-Idempotency-Key"


class Sender(ABC):
    """Hands one message to a provider and answers the provider's id for it."""

    # True when the provider drops a second message with a key it has already seen (an SMS
    # gateway's idempotency parameter), so a send whose outcome is unknown may be repeated.
    honours_idempotency_key = False

    @abstractmethod
    def send(self, message: Outbox) -> str:
        """Send `message` under `message.idempotency_key`; raise when the provider refuses."""


class EmailSender(Sender):
    """Through Django's e-mail backend (EMAIL_BACKEND): SMTP in production."""

    def send(self, message: Outbox) -> str:
        message_id = self.message_id(message.idempotency_key)
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={IDEMPOTENCY_HEADER: message.idempotency_key, "Message-ID": message_id},
        )
        email.send(fail_silently=False)
        return message_id

    @staticmethod
    def message_id(key: str) -> str:
        # The same key gives the same Message-ID, so a mail system that drops duplicates by
        # Message-ID drops a repeat.
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
        return f"<{key.replace(':', '.')}.onestop@{domain}>"


class LoggingSmsSender(Sender):
    """No gateway: records that a text message would go out, without the number or the text."""

    honours_idempotency_key = True  # nothing leaves the server; a repeat is one more log line

    def send(self, message: Outbox) -> str:
        logger.info(
            "SMS %s recorded locally (%d characters); no gateway is configured",
            message.idempotency_key,
            len(message.body),
        )
        return f"local-sms:{message.idempotency_key}"


REGISTRY: dict[str, tuple[str, type[Sender]]] = {
    Channel.EMAIL: ("ONESTOP_EMAIL_SENDER", EmailSender),
    Channel.SMS: ("ONESTOP_SMS_SENDER", LoggingSmsSender),
}


def sender_for(channel: str) -> Sender:
    """The sender of `channel`: the class the setting names, else the local default."""
    setting, default = REGISTRY[channel]
    path = getattr(settings, setting, "")
    return (import_string(path) if path else default)()
