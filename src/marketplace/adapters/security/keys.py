"""One signing key per purpose, derived from one master secret with HKDF-SHA256 (RFC 5869).

A key that leaks through one use (a media URL, the affiliate cookie) tells nothing about the master
or the other keys, so it cannot be used to forge an access token.
"""

from __future__ import annotations

import hashlib
import hmac

SALT = b"marketplace/signing-keys/v1"


def derive_key(master: str, purpose: str) -> str:
    """A 256-bit key for `purpose`, as hex: HKDF-Extract with a fixed salt, then one block of Expand."""
    if not purpose:
        raise ValueError("a derived key needs a purpose label")
    pseudo_random = hmac.new(SALT, master.encode(), hashlib.sha256).digest()
    return hmac.new(pseudo_random, purpose.encode() + b"\x01", hashlib.sha256).hexdigest()
