"""Limits on failed progress lookups: passport numbers cannot be guessed, and nobody can lock an
applicant out of their own application's progress (docs/adr/0004).

A failed lookup (an unknown application number or a wrong passport number, which look the same)
counts against the client's address, against the application number asked for, and against the
two together. Refused, whether or not the lookup would have matched, so that a refusal tells
nothing:
- an address that has failed ONESTOP_PROGRESS_FAILURES_PER_IP times in its window (15 minutes),
  on any numbers: one address cannot guess much;
- an address that has failed ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP times on a number that is
  guarded: a number is guarded once it has failed ONESTOP_PROGRESS_FAILURES_PER_NUMBER times in
  its window (an hour) from anywhere. Guessing one number from many addresses then gets only a
  few tries per address, while an address that has not failed on it (the applicant's) is never
  refused because of it.
A successful lookup counts nothing. Numbers and addresses are keyed by an HMAC, so the counters
hold neither. The counts are kept in the database (onestop/counters), which every worker process
and every node shares, with or without Redis.
"""

import functools
import hashlib
import hmac
import ipaddress
import logging
import math
from dataclasses import dataclass

from django.conf import settings

from onestop.applications.identifiers import normalised
from onestop.counters import windows

logger = logging.getLogger(__name__)

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


def refusal_by_counts(keys: tuple[str, str, str], found: dict, now: int) -> Refusal | None:
    """A refusal when the address has used up its failed lookups, or has failed on a guarded
    number often enough; else None. Given the running counts of `keys` (counters_of) as
    windows.counts reads them: the lookup reads them with its own rows (answer.lookup)."""
    address, number_count, both = (found.get(key, (0, now)) for key in keys)
    ends = []
    if address[0] >= settings.ONESTOP_PROGRESS_FAILURES_PER_IP:
        ends.append(address[1])
    guarded = number_count[0] >= settings.ONESTOP_PROGRESS_FAILURES_PER_NUMBER
    if guarded and both[0] >= settings.ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP:
        # Lifted when the number is no longer guarded or this address's tries on it lapse.
        ends.append(min(number_count[1], both[1]))
    return Refusal(max(1, max(ends) - now)) if ends else None


def record_failure(ip: str, number: str) -> None:
    """Count one failed lookup against the address, the number, and the two together."""
    address, number_key, both = counters_of(ip, number)
    number_window = settings.ONESTOP_PROGRESS_NUMBER_WINDOW_SECONDS
    counted = windows.add(
        {
            address: settings.ONESTOP_PROGRESS_IP_WINDOW_SECONDS,
            number_key: number_window,
            both: number_window,
        }
    )
    if counted[number_key] == settings.ONESTOP_PROGRESS_FAILURES_PER_NUMBER:
        # Someone may be guessing one passport number from many addresses: worth an operator's
        # look. Neither the number nor any address is logged.
        logger.warning(
            "progress lookups: an application number failed %s times within %s minutes; for the "
            "rest of that time each address gets at most %s failed lookups on it",
            counted[number_key],
            number_window // 60,
            settings.ONESTOP_PROGRESS_GUARDED_FAILURES_PER_IP,
        )


def counters_of(ip: str, number: str) -> tuple[str, str, str]:
    """The counters' names of the address, the number, and the two together."""
    block, number = _address_block(ip), normalised(number)
    return _key("ip", block), _key("number", number), _key("ip-number", f"{block} {number}")


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
    # Django's salted_hmac, its key derived once per secret: three names a lookup.
    key = _counters_key(settings.SECRET_KEY)
    digest = hmac.new(key, f"{scope}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{scope}:{digest}"


@functools.lru_cache(maxsize=2)
def _counters_key(secret: str) -> bytes:
    """salted_hmac(KEY_PREFIX, ..., algorithm="sha256")'s key under `secret`."""
    return hashlib.sha256(f"{KEY_PREFIX}{secret}".encode()).digest()
