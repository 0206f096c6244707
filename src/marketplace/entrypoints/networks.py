"""Addresses in the settings: the trusted proxies' networks, and which hosts are loopback."""

from __future__ import annotations

import ipaddress

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """Comma-separated addresses (one-address networks) or networks; a ValueError names a bad entry."""
    networks = []
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or `localhost`; a wildcard (0.0.0.0, ::, empty) reaches the network."""
    host = host.strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
