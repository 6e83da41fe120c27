"""Limits on failed progress lookups, so that passport numbers cannot be guessed.

A failed lookup (an unknown application number or a wrong passport number, which look the same)
counts against the client's address and against the application number asked for. Over either
limit every lookup by passport number is refused until the window ends, whether or not it would
have matched; a successful lookup counts nothing. Counting per number stops a guesser who spreads
the attempts over many addresses. The numbers and addresses are keyed by an HMAC, so the cache
holds neither.

Counters live in Django's cache (settings.CACHES): Redis where ONESTOP_CACHE_URL names one, the
process's memory otherwise. Limits and windows are settings (ONESTOP_PROGRESS_*).
"""

import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from .progress import normalised

KEY_PREFIX = "onestop:progress-failures"


@dataclass(frozen=True)
class Refusal:
    """Too many failed lookups: try again after `retry_after_seconds`."""

    retry_after_seconds: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after_seconds / 60))

    @property
    def message_en(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        return (
            "Too many unsuccessful attempts. "
            f"For your security, try again in {self.minutes} {unit}."
        )

    @property
    def message_zh(self) -> str:
        return f"查询失败次数过多。为保护您的信息，请{self.minutes}分钟后再试。"


def client_ip(request) -> str:
    """The address the request came from.

    REMOTE_ADDR, unless settings.ONESTOP_TRUSTED_PROXY is on: then the hop our proxy added to
    X-Forwarded-For, which is the last one. Earlier hops are written by the client and could be
    anything, so they are never trusted."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.ONESTOP_TRUSTED_PROXY:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    try:
        return str(ipaddress.ip_address(hops[-1]))
    except ValueError:
        return remote


def refusal(ip: str, number: str) -> Refusal | None:
    """A refusal when the address or the number has used up its failed lookups, else None."""
    now = time.time()
    waits = []
    counters = _counters(ip, number)
    found = cache.get_many([k for key, *_ in counters for k in (key, f"{key}:until")])
    for key, limit, window_seconds in counters:
        if found.get(key, 0) >= limit:
            until = found.get(f"{key}:until")
            waits.append(math.ceil(until - now) if until else window_seconds)
    return Refusal(max(1, *waits)) if waits else None


def record_failure(ip: str, number: str) -> None:
    """Count one failed lookup against the address and against the number."""
    now = time.time()
    for key, _limit, window_seconds in _counters(ip, number):
        # The window starts with the first failure; add() never moves it.
        cache.add(f"{key}:until", now + window_seconds, window_seconds)
        cache.add(key, 0, window_seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, window_seconds)


def _counters(ip: str, number: str) -> list[tuple[str, int, int]]:
    return [
        (
            _key("ip", _address_block(ip)),
            settings.ONESTOP_PROGRESS_FAILURES_PER_IP,
            settings.ONESTOP_PROGRESS_IP_WINDOW_SECONDS,
        ),
        (
            _key("number", normalised(number)),
            settings.ONESTOP_PROGRESS_FAILURES_PER_NUMBER,
            settings.ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS,
        ),
    ]


def _address_block(ip: str) -> str:
    """The address, or for IPv6 its /64: one subscriber usually holds a whole /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _key(scope: str, value: str) -> str:
    digest = salted_hmac(KEY_PREFIX, f"{scope}:{value}", algorithm="sha256").hexdigest()
    return f"{KEY_PREFIX}:{scope}:{digest}"
