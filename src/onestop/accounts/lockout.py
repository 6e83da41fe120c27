"""Sign-in lockout after repeated failures, counted by django-axes (settings AXES_*).

Two limits, both counted from axes' own rows (AccessAttempt, one per username, address and
browser), so that every process and node sees the same counts:

- **Per username and address** (AXES_LOCKOUT_PARAMETERS): after ONESTOP_SIGN_IN_FAILURES
  failures the pair waits ONESTOP_SIGN_IN_LOCKOUT_MINUTES. A person who keeps mistyping cannot
  lock out colleagues behind the same office address, and one stranger cannot lock a person out
  from another address.
- **Per username across every address** (SignInHandler below): guessing one account's password
  from many addresses. After ONESTOP_SIGN_IN_USERNAME_FAILURES failures of the username within
  the lockout window, wherever they came from, signing in as that username pauses for
  ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS, doubled for each further failure let through after a
  pause, never longer than the window. Short, so that a stranger who spends addresses to
  cause it costs the person minutes at most; growing, so that a guesser gets a few tries an hour.
  A network the person has signed in from before (axes' AccessLog: a successful sign-in from
  that address) is not paused by it: the rightful person at home or at the office gets in, and
  only the pair's own limit holds there.

A wrong password and a wrong code count alike; attempts while locked are refused without
checking the password and do not prolong the wait, so the time the page names holds; a
successful sign-in clears the pair's count (ASVS 4.0.3 2.2.1; GB/T 22239-2019 8.1.4.1 b).
django-axes applies one failure limit to all its lockout parameters, so the username's own
higher limit and growing wait live in this handler rather than in AXES_LOCKOUT_PARAMETERS.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

from onestop.audit.retention import RetainingAxesHandler


@dataclass(frozen=True)
class Lockout:
    """Signing in with that username is refused until `until`: from that address, or, where
    `everywhere`, from every address but those the person signed in from before."""

    until: datetime
    everywhere: bool = False

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
        if self.everywhere:
            return (
                "Too many unsuccessful attempts to sign in to this account from several "
                "networks. For your security, signing in to it is paused: try again after "
                f"{self.clock} Beijing time (in {self.minutes} {unit}), or sign in from a network "
                "you have signed in from before. If these attempts were not yours, choose a "
                "longer password that you use nowhere else."
            )
        return (
            "Too many unsuccessful attempts to sign in to this account from your network. "
            f"For your security, try again after {self.clock} Beijing time "
            f"(in {self.minutes} {unit})."
        )

    @property
    def message_zh(self) -> str:
        if self.everywhere:
            return (
                "该账号在多个网络中登录失败次数过多。为保护账号安全，该账号的登录已暂停："
                f"请于北京时间{self.clock}之后再试（约{self.minutes}分钟后），"
                "或在您以前登录过的网络中登录。如这些尝试并非您本人所为，"
                "请改用更长且未在其他地方使用过的密码。"
            )
        return (
            "该账号在您的网络中登录失败次数过多。为保护账号安全，"
            f"请于北京时间{self.clock}之后再试（约{self.minutes}分钟后）。"
        )


def _window_start(request) -> datetime:
    return timezone.now() - get_cool_off(request)


def _pair_lockout(request, credentials) -> Lockout | None:
    """The lockout of this username from this address, if its failures reached the limit."""
    found = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=getattr(request, "axes_ip_address", None),
        attempt_time__gte=_window_start(request),
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    if (found["failures"] or 0) < get_failure_limit(request, credentials):
        return None
    return Lockout(found["latest"] + get_cool_off(request))


def username_lockout(request, credentials=None) -> Lockout | None:
    """The pause of this username across every address, or None: fewer failures than
    ONESTOP_SIGN_IN_USERNAME_FAILURES within the window, the pause over, or an address the
    person has signed in from before."""
    username = get_client_username(request, credentials)
    if not username:
        return None
    found = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=_window_start(request)
    ).aggregate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
    beyond = (found["failures"] or 0) - settings.ONESTOP_SIGN_IN_USERNAME_FAILURES
    if beyond < 0:
        return None
    first = settings.ONESTOP_SIGN_IN_USERNAME_WAIT_SECONDS
    # 2 ** beyond grows without bound; past the window the wait is the window anyway.
    seconds = min(first * 2 ** min(beyond, 32), get_cool_off(request).total_seconds())
    until = found["latest"] + timedelta(seconds=seconds)
    if until <= timezone.now():
        return None
    address = getattr(request, "axes_ip_address", None)
    if address and AccessLog.objects.filter(username=username, ip_address=address).exists():
        return None
    return Lockout(until, everywhere=True)


def lockout_of(request, credentials: dict | None = None) -> Lockout:
    """The lockout axes has just applied to this request's username (and address): the one
    that ends last where both hold."""
    found = [
        lockout
        for lockout in (
            _pair_lockout(request, credentials),
            username_lockout(request, credentials),
        )
        if lockout is not None
    ]
    if not found:  # only when the lockout ended between refusing and answering
        return Lockout(timezone.now() + get_cool_off(request))
    return max(found, key=lambda lockout: lockout.until)


class SignInHandler(RetainingAxesHandler):
    """axes' database handler (settings.AXES_HANDLER), which also pauses a username failed too
    often across all addresses (username_lockout), and whose clean-ups keep every sign-in record
    younger than the log retention (audit/retention.py)."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return (
            super().is_locked(request, credentials)
            or username_lockout(request, credentials) is not None
        )

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if username_lockout(request, credentials) is not None:
            # As axes does for the pair: this failure is the one that reached the limit, and
            # its answer is already the page that says so.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
