"""The client of a request: X-Forwarded-For is believed only from trusted proxies, and only up to them."""

from __future__ import annotations

import ipaddress

import pytest

from marketplace.entrypoints.http.forwarded import real_client

TRUSTED = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("192.0.2.7/32"), ipaddress.ip_network("fd00::/8"))


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # An untrusted peer is the client, whatever it claims.
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        ("testclient", "198.51.100.1", "testclient"),
        # A trusted proxy without the header is the client.
        ("10.0.0.1", None, "10.0.0.1"),
        ("10.0.0.1", "", "10.0.0.1"),
        # Behind a trusted proxy: the address it appended.
        ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("192.0.2.7", "198.51.100.1", "198.51.100.1"),
        # What the client wrote itself, left of that, is not believed.
        ("10.0.0.1", "1.1.1.1, 8.8.8.8, 198.51.100.1", "198.51.100.1"),
        # Through two trusted proxies: the right-most address that is not a proxy of ours.
        ("10.0.0.1", "1.1.1.1, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        # Only proxies of ours in the chain: the farthest of them.
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),
        # Garbage is never a client: stop at the last hop we could believe.
        ("10.0.0.1", "198.51.100.1, not-an-address", "10.0.0.1"),
        ("10.0.0.1", "198.51.100.1, unknown, 10.0.0.2", "10.0.0.2"),
        # Ports, IPv6 and IPv4-mapped peers, as proxies write them.
        ("10.0.0.1", "198.51.100.1:5123", "198.51.100.1"),
        ("fd00::1", "[2001:db8::5]:443", "2001:db8::5"),
        ("::ffff:10.0.0.1", "2001:db8::5", "2001:db8::5"),
        # A network that is not trusted stays untrusted even if it looks internal.
        ("172.16.0.1", "198.51.100.1", "172.16.0.1"),
    ],
)
def test_the_client_is_the_right_most_address_not_a_trusted_proxy(
    peer: str, forwarded_for: str | None, client: str
) -> None:
    assert real_client(peer, forwarded_for, TRUSTED) == client


def test_with_no_trusted_proxies_the_header_is_ignored() -> None:
    assert real_client("10.0.0.1", "198.51.100.1", ()) == "10.0.0.1"
