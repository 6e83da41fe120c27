"""Sign-in lockout after repeated failures, counted by django-axes (settings AXES_*).

Failures count per username and client address together (AXES_LOCKOUT_PARAMETERS): a person who
keeps mistyping cannot lock out colleagues behind the same office address, and nobody can lock a
person out from another address. A wrong password and a wrong code count alike. After
ONESTOP_SIGN_IN_FAILURES failures the pair waits ONESTOP_SIGN_IN_LOCKOUT_MINUTES; attempts while
locked do not prolong the wait, so the time the page names holds; a successful sign-in clears the
count (ASVS 4.0.3 2.2.1; GB/T 22239-2019 8.1.4.1 b).
"""

import math
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.utils import timezone


@dataclass(frozen=True)
class Lockout:
    """Signing in with that username from that address is refused until `until`."""

    until: datetime

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))

    @property
    def clock(self) -> str:
        """The time of day in Beijing time (settings.TIME_ZONE), as 14:05."""
        return timezone.localtime(self.until).strftime("%H:%M")

    @property
    def message_en(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return (
            "Too many unsuccessful attempts to sign in to this account from your network. "
            f"For your security, try again after {self.clock} Beijing time "
            f"(in {self.minutes} {unit})."
        )

    @property
    def message_zh(self) -> str:
        return (
            "该账号在您的网络中登录失败次数过多。为保护账号安全，"
            f"请于北京时间{self.clock}之后再试（约{self.minutes}分钟后）。"
        )


def lockout_of(request, credentials: dict | None = None) -> Lockout:
    """The lockout axes has just applied to this request's username and address."""
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    latest = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(
        latest=Max("attempt_time")
    )["latest"]
    return Lockout((latest or timezone.now()) + get_cool_off(request))
