"""The Cart aggregate: variant quantities a buyer means to buy, each between 1 and the stock available."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from marketplace.domain.shared.errors import Conflict, InsufficientStock, InvalidValue
from marketplace.domain.shared.events import Aggregate

MAX_LINES = 100
MAX_QUANTITY = 1_000


def _check_quantity(quantity: int) -> int:
    if type(quantity) is not int or not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidValue("quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
    return quantity


@dataclass(frozen=True, slots=True)
class CartLine:
    variant_id: str
    quantity: int
    added_at: datetime


@dataclass(eq=False)
class Cart(Aggregate):
    buyer_id: str
    updated_at: datetime
    lines: dict[str, CartLine] = field(default_factory=dict)
    version: int = 0

    @property
    def id(self) -> str:
        return self.buyer_id

    def quantity_of(self, variant_id: str) -> int:
        line = self.lines.get(variant_id)
        return line.quantity if line else 0

    def add(self, variant_id: str, quantity: int, available: int, now: datetime) -> CartLine:
        """Adds to what the cart already holds of the variant; the sum must be in stock."""
        _check_quantity(quantity)
        return self.set_quantity(variant_id, self.quantity_of(variant_id) + quantity, available, now)

    def set_quantity(self, variant_id: str, quantity: int, available: int, now: datetime) -> CartLine:
        _check_quantity(quantity)
        if variant_id not in self.lines and len(self.lines) >= MAX_LINES:
            raise Conflict(f"a cart holds at most {MAX_LINES} different variants")
        if quantity > available:
            raise InsufficientStock(f"variant {variant_id}: {quantity} wanted, {available} available")
        previous = self.lines.get(variant_id)
        line = CartLine(variant_id, quantity, previous.added_at if previous else now)
        self.lines[variant_id] = line
        self.updated_at = now
        return line

    def remove(self, variant_id: str, now: datetime) -> None:
        if self.lines.pop(variant_id, None) is None:
            raise KeyError(variant_id)
        self.updated_at = now

    def take_out(self, variant_ids: set[str], now: datetime) -> None:
        """After a checkout: the bought lines leave the cart, the others stay."""
        for variant_id in variant_ids:
            self.lines.pop(variant_id, None)
        self.updated_at = now
