"""Money as integer minor units plus an ISO 4217 currency; never a float."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketplace.domain.shared.errors import InvalidValue

SUPPORTED_CURRENCIES = frozenset({"IDR"})
DEFAULT_CURRENCY = "IDR"


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if type(self.amount) is not int:  # bool and float are not money
            raise InvalidValue("amount", "must be an integer number of minor units")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise InvalidValue("currency", "must be an ISO 4217 code")

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise InvalidValue("currency", f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is not int:
            raise InvalidValue("factor", "money is multiplied by whole numbers only")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by integer ratios with the largest-remainder method; parts sum to the whole."""
        if not ratios or any(r < 0 for r in ratios) or sum(ratios) == 0:
            raise InvalidValue("ratios", "need at least one non-negative ratio and a positive sum")
        total = sum(ratios)
        sign = -1 if self.amount < 0 else 1
        whole = abs(self.amount)
        shares = [whole * r // total for r in ratios]
        remainders = [whole * r % total for r in ratios]
        left = whole - sum(shares)
        # Hand the leftover units to the largest remainders, earliest first on ties.
        for index in sorted(range(len(ratios)), key=lambda i: (-remainders[i], i))[:left]:
            shares[index] += 1
        return [Money(sign * share, self.currency) for share in shares]

    def percent_bps(self, rate_bps: int) -> Money:
        """The share at `rate_bps` basis points, rounded down; the rest stays with the whole."""
        if not 0 <= rate_bps <= 10_000:
            raise InvalidValue("rate_bps", "must be between 0 and 10000")
        # Not allocate(): its largest remainder would round the share up half of the time.
        share = abs(self.amount) * rate_bps // 10_000
        return Money(-share if self.amount < 0 else share, self.currency)


def price(amount: int, currency: str = DEFAULT_CURRENCY) -> Money:
    """A price: a positive amount in a currency we sell in."""
    if currency not in SUPPORTED_CURRENCIES:
        raise InvalidValue("currency", f"{currency} is not sold here (use {DEFAULT_CURRENCY})")
    money = Money(amount, currency)
    if not money.is_positive:
        raise InvalidValue("price", "must be greater than zero")
    return money
