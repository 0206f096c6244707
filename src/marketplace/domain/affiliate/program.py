"""Affiliates, referral links and which order lines a referral covers.

A link points at a product, a store, or the whole marketplace; a purchase is attributed to the
last link clicked within the window, line by line: a product link covers that product's lines, a
store link that store's lines, a marketplace link every line. Nobody earns on their own purchase,
nor on sales of a store they own.
"""

from __future__ import annotations

import enum
import secrets
import string
from dataclasses import dataclass
from datetime import datetime

from marketplace.domain.shared.errors import InvalidValue

CODE_ALPHABET = string.ascii_uppercase + string.digits
CODE_LENGTH = 8


class CommissionStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    PAID = "paid"
    VOID = "void"


class TargetKind(str, enum.Enum):
    PRODUCT = "product"
    STORE = "store"
    MARKETPLACE = "marketplace"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def check_rate(rate_bps: object) -> int:
    if type(rate_bps) is not int or not 0 <= rate_bps <= 10_000:
        raise InvalidValue("rate_bps", "must be a whole number of basis points from 0 to 10000")
    return rate_bps


@dataclass(frozen=True, slots=True)
class Affiliate:
    user_id: str
    joined_at: datetime


@dataclass(frozen=True, slots=True)
class ReferralLink:
    code: str
    affiliate_id: str
    target: TargetKind
    target_id: str | None  # the product or store; None for the marketplace
    created_at: datetime
    clicks: int = 0


@dataclass(frozen=True, slots=True)
class LineInfo:
    id: str
    product_id: str
    store_id: str
    store_owner_id: str


def covered_lines(link: ReferralLink, buyer_id: str, lines: list[LineInfo]) -> tuple[str, ...]:
    """The lines this referral earns on (none for the affiliate's own purchase or own store)."""
    if link.affiliate_id == buyer_id:
        return ()
    covered = []
    for line in lines:
        if line.store_owner_id == link.affiliate_id:
            continue
        if (
            link.target is TargetKind.MARKETPLACE
            or (link.target is TargetKind.STORE and line.store_id == link.target_id)
            or (link.target is TargetKind.PRODUCT and line.product_id == link.target_id)
        ):
            covered.append(line.id)
    return tuple(covered)


@dataclass(eq=False)
class Commission:
    id: str
    affiliate_id: str
    order_id: str
    amount: int
    currency: str
    status: CommissionStatus
    created_at: datetime
    version: int = 0

    def approve(self) -> None:
        if self.status is CommissionStatus.PENDING:
            self.status = CommissionStatus.APPROVED

    def void(self) -> None:
        if self.status is CommissionStatus.PENDING:
            self.status = CommissionStatus.VOID
