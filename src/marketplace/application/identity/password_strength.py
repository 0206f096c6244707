"""A new password must be hard to guess: not common, not a pattern, not made of the user's own details."""

from __future__ import annotations

import re

from marketplace.application.ports.security import PasswordPolicy
from marketplace.domain.shared.errors import InvalidValue


async def require_strong_password(policy: PasswordPolicy, password: str, *, email: str, name: str) -> None:
    """Raises InvalidValue("password", why) for a guessable password."""
    local_part = email.partition("@")[0]
    # Whole, run together and in pieces: "Ayu Lestari" makes neither "ayulestari!" nor "lestari2024" strong.
    pieces = [piece for piece in re.split(r"[\W_]+", f"{local_part} {name}") if len(piece) >= 3]
    user_inputs = [email, local_part, name, "".join(name.split()), *pieces]
    why = await policy.weakness(password, user_inputs)
    if why is not None:
        raise InvalidValue("password", why)
