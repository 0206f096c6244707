"""Which client sent a request: the peer, or behind trusted proxies the client their X-Forwarded-For names."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def real_client(peer: str, forwarded_for: str | None, trusted: Sequence[IPNetwork]) -> str:
    """The peer itself unless it is a trusted proxy that forwarded the request. Then the right-most
    X-Forwarded-For entry that is not itself trusted: each proxy appends the address it was called
    from, so everything left of that entry came from the client and may be made up."""
    if not forwarded_for or not _is_trusted(_address(peer), trusted):
        return peer
    client = peer
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry.strip())
        if address is None:  # not written by a proxy we trust: stop at the last hop we could believe
            break
        client = str(address)
        if not _is_trusted(address, trusted):
            break
    return client


def _is_trusted(address: IPAddress | None, trusted: Sequence[IPNetwork]) -> bool:
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:10.0.0.1 is the IPv4 peer 10.0.0.1
    return any(address.version == network.version and address in network for network in trusted)


def _address(text: str) -> IPAddress | None:
    """An address as proxies write it: bare, `1.2.3.4:port` or `[::1]:port`; None for anything else."""
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
