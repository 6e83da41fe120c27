"""Where a subscription may send: never into the service's own networks (SSRF, OWASP ASVS
4.0.3 V12.6.1), unless a system administrator allowed that subscription's private address or
the networks are listed in ONESTOP_EVENTS_ALLOWED_NETWORKS.

Checked when a subscription is made and again at each delivery, on the addresses the name
resolves to then; delivery connects to the very address checked (delivery.py), so a name that
resolves elsewhere a second time (DNS rebinding) gains nothing.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from onestop.refusals import Refused


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query
    address: str  # the checked IP address to connect to


def _invalid() -> Refused:
    return Refused(
        "subscription.url_invalid",
        "Give an http or https address with a host name and no user name or password.",
        "请填写含主机名、不含用户名和密码的http或https地址。",
        field="url",
    )


def allowed_networks() -> list:
    return [
        ipaddress.ip_network(n.strip(), strict=False)
        for n in getattr(settings, "ONESTOP_EVENTS_ALLOWED_NETWORKS", ())
        if n.strip()
    ]


def is_public(address) -> bool:
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def target(url: str, *, allows_private: bool = False) -> Target:
    """The address to connect to for `url`, or Refused: not a usable URL, not resolved, or
    resolving to a private, loopback, link-local, multicast or reserved address."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _invalid() from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username:
        raise _invalid()
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(
            "subscription.address_unresolved",
            "The address's host name does not resolve.",
            "该地址的主机名无法解析。",
            field="url",
        ) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in found]
    networks = allowed_networks()
    for address in addresses:
        if not (allows_private or is_public(address) or any(address in n for n in networks)):
            raise Refused(
                "subscription.address_private",
                "The address resolves to a private, loopback, link-local, multicast or "
                "reserved network; a system administrator must allow it.",
                "该地址解析到内网、回环、链路本地、组播或保留地址，须经系统管理员允许。",
                field="url",
            )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def target_host(url: str) -> str:
    """The host of `url`, for the audit log and the staff page (the path may carry a
    receiver's token); cut to the audit detail's length."""
    return (urlsplit(url).hostname or "")[:80]
