"""The PasswordPolicy port's contract, run over every adapter (zxcvbn)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from marketplace.adapters.security.zxcvbn_policy import ZxcvbnPasswordPolicy
from marketplace.application.ports.security import PasswordPolicy

POLICIES: dict[str, Callable[[], PasswordPolicy]] = {"zxcvbn": ZxcvbnPasswordPolicy}
AYU = ["ayu.lestari@example.com", "ayu.lestari", "Ayu Lestari", "ayu", "lestari"]


@pytest.fixture(params=sorted(POLICIES))
def policy(request: pytest.FixtureRequest) -> PasswordPolicy:
    return POLICIES[request.param]()


@pytest.mark.parametrize(
    "password", ["password", "12345678", "        ", "password123", "qwertyuiop", "abcdefgh1", "iloveyou", "01011990"]
)
async def test_common_and_patterned_passwords_are_weak_and_the_answer_says_why(
    policy: PasswordPolicy, password: str
) -> None:
    why = await policy.weakness(password, [])
    assert why is not None and why.startswith("is too easy to guess. ") and len(why) > len("is too easy to guess. ")


@pytest.mark.parametrize("password", ["ayu.lestari@example.com", "lestariayu", "Ayu Lestari", "ayu.lestari2024"])
async def test_a_password_strong_for_anyone_else_is_weak_when_made_of_the_users_own_details(
    policy: PasswordPolicy, password: str
) -> None:
    assert await policy.weakness(password, []) is None
    why = await policy.weakness(password, AYU)
    assert why is not None and "your own name or email" in why


@pytest.mark.parametrize(
    "password", ["correct horse battery", "Kopi-Tubruk-di-Bandung", "pässwörd-密码-🔑-sandi", "gT7#qLm2$vWx"]
)
async def test_long_or_uncommon_passwords_are_strong(policy: PasswordPolicy, password: str) -> None:
    assert await policy.weakness(password, AYU) is None


async def test_the_longest_password_allowed_is_judged_without_error(policy: PasswordPolicy) -> None:
    assert await policy.weakness("Kopi-Tubruk-di-Bandung " * 5 + "x" * 13, AYU) is None
    assert await policy.weakness("a" * 128, AYU) is not None
