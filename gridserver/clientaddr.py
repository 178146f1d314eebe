"""The address a request came from, for login throttling and the log.

``X-Forwarded-For`` is believed only when the peer is one of the reverse proxies IT
listed (``GRIDSERVER_TRUSTED_PROXIES`` or ``gridserver serve --trusted-proxy``), never
because the peer is on loopback: on a server where anything else runs (a web shell, a
co-hosted service) a loopback peer is not a proxy. The header is read from the right:
each trusted hop appended the address it saw, so the first untrusted address from the
right is the client; everything left of it was written by the client and is ignored.
uvicorn's own proxy-header handling is switched off (it trusts 127.0.0.1 by default).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class ProxyConfigError(ValueError):
    """A trusted proxy entry that is not an address or a network; the message is Chinese."""


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ProxyConfigError(
                f"受信任的反向代理地址无效：{text}"
                "（应为 IP 地址或网段，如 10.0.0.5 或 10.0.0.0/24）"
            ) from None
    return tuple(networks)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[Network]
) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(
    peer: str | None, forwarded_for: Sequence[str], networks: Sequence[Network]
) -> str:
    """The client's address: the peer itself unless it is a trusted proxy, then the
    first address from the right of ``X-Forwarded-For`` (all headers, in order) that is
    not a trusted proxy. An unreadable entry stops the walk at the hop before it."""
    if peer is None:
        return "unknown"
    current = _address(peer)
    if current is None or not networks or not _trusted(current, networks):
        return peer if current is None else str(current)
    hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        current = address
        if not _trusted(address, networks):
            break
    return str(current)
