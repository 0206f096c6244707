"""SQL repository of checkouts: one row each, the address and refunds as JSON snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, literal_column, select

from marketplace.adapters.sql.base import SqlRepository
from marketplace.adapters.sql.mappers import Row, postal_from_json, postal_to_json, time_from_json, time_to_json
from marketplace.adapters.sql.tables import checkouts, provider_callbacks
from marketplace.application.ports.persistence import ProviderCallback
from marketplace.domain.ordering.checkout import Checkout, CheckoutStatus, PaymentStatus, RefundRecord, RefundState
from marketplace.domain.shared.money import Money

# A literal, not a bound parameter: PostgreSQL uses a partial index only when it can prove the
# query's condition implies the index's, which a generic plan with a parameter does not let it do.
_PENDING = checkouts.c.status == literal_column(f"'{CheckoutStatus.PENDING_PAYMENT.value}'")


def refund_to_json(refund: RefundRecord) -> dict[str, Any]:
    return {
        "id": refund.id,
        "order_id": refund.order_id,
        "amount": refund.amount.amount,
        "currency": refund.amount.currency,
        "status": refund.status.value,
        "reason": refund.reason,
        "created_at": time_to_json(refund.created_at),
    }


def refund_from_json(data: dict[str, Any]) -> RefundRecord:
    return RefundRecord(
        id=data["id"],
        order_id=data["order_id"],
        amount=Money(data["amount"], data["currency"]),
        status=RefundState(data["status"]),
        reason=data["reason"],
        created_at=time_from_json(data["created_at"]),
    )


def checkout_to_row(checkout: Checkout) -> dict[str, Any]:
    return {
        "id": checkout.id,
        "buyer_id": checkout.buyer_id,
        "status": checkout.status.value,
        "amount": checkout.amount.amount,
        "currency": checkout.amount.currency,
        "address": postal_to_json(checkout.address),
        "referral_code": checkout.referral_code,
        "invoice_id": checkout.invoice_id,
        "invoice_url": checkout.invoice_url,
        "payment_status": checkout.payment_status.value,
        "settled_at": checkout.settled_at,
        "refunds": [refund_to_json(r) for r in checkout.refunds],
        "order_ids": list(checkout.order_ids),
        "created_at": checkout.created_at,
        "expires_at": checkout.expires_at,
        "version": checkout.version,
        "flag": checkout.flag,
        "checked_at": checkout.checked_at,
        "refunds_pending": any(r.status is RefundState.PENDING for r in checkout.refunds),
        "idempotency_key": checkout.idempotency_key,
        "voided": checkout.voided,
    }


def checkout_to_domain(row: Row) -> Checkout:
    # Built directly, not through place(): a stored checkout records no new event.
    return Checkout(
        id=row["id"],
        buyer_id=row["buyer_id"],
        order_ids=list(row["order_ids"]),
        address=postal_from_json(row["address"]),
        amount=Money(row["amount"], row["currency"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        referral_code=row["referral_code"],
        status=CheckoutStatus(row["status"]),
        invoice_id=row["invoice_id"],
        invoice_url=row["invoice_url"],
        payment_status=PaymentStatus(row["payment_status"]),
        settled_at=row["settled_at"],
        refunds=[refund_from_json(r) for r in row["refunds"]],
        version=row["version"],
        flag=row["flag"],
        checked_at=row["checked_at"],
        idempotency_key=row["idempotency_key"],
        voided=row["voided"],
    )


class SqlCheckoutRepository(SqlRepository):
    async def add(self, checkout: Checkout) -> None:
        await self._write(insert(checkouts), checkout_to_row(checkout))
        self._session.touch(checkout)

    async def get(self, checkout_id: str) -> Checkout | None:
        row = await self._one(select(checkouts).where(checkouts.c.id == checkout_id))
        return checkout_to_domain(row) if row else None

    async def get_by_invoice(self, invoice_id: str) -> Checkout | None:
        row = await self._one(select(checkouts).where(checkouts.c.invoice_id == invoice_id))
        return checkout_to_domain(row) if row else None

    async def get_by_key(self, buyer_id: str, key: str) -> Checkout | None:
        row = await self._one(
            select(checkouts).where(checkouts.c.buyer_id == buyer_id, checkouts.c.idempotency_key == key)
        )
        return checkout_to_domain(row) if row else None

    async def save(self, checkout: Checkout) -> None:
        await self._update_versioned(checkouts, checkout, checkout_to_row(checkout))

    async def ended_unchecked(self, limit: int) -> list[str]:
        statement = (
            select(checkouts.c.id)
            .where(
                checkouts.c.status != literal_column(f"'{CheckoutStatus.PENDING_PAYMENT.value}'"),
                checkouts.c.invoice_id.is_(None),
                checkouts.c.checked_at.is_(None),
            )
            .order_by(checkouts.c.created_at, checkouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in await self._all(statement)]

    async def due(self, now: datetime, limit: int) -> list[str]:
        statement = (
            select(checkouts.c.id)
            .where(_PENDING, checkouts.c.expires_at <= now)
            .order_by(checkouts.c.expires_at, checkouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in await self._all(statement)]

    async def unsettled(self, created_before: datetime, limit: int) -> list[str]:
        statement = (
            select(checkouts.c.id)
            .where(_PENDING, checkouts.c.invoice_id.is_not(None), checkouts.c.created_at < created_before)
            .order_by(checkouts.c.checked_at.asc().nulls_first(), checkouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in await self._all(statement)]

    async def with_pending_refunds(self, limit: int) -> list[str]:
        statement = (
            select(checkouts.c.id)
            .where(checkouts.c.refunds_pending.is_(True))
            .order_by(checkouts.c.checked_at.asc().nulls_first(), checkouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in await self._all(statement)]

    async def without_invoice(self, created_before: datetime, limit: int) -> list[str]:
        statement = (
            select(checkouts.c.id)
            .where(_PENDING, checkouts.c.invoice_id.is_(None), checkouts.c.created_at < created_before)
            .order_by(checkouts.c.created_at, checkouts.c.id)
            .limit(limit)
        )
        return [row["id"] for row in await self._all(statement)]


class SqlProviderCallbackRepository(SqlRepository):
    async def add(self, callback: ProviderCallback) -> None:
        await self._write(
            insert(provider_callbacks),
            {
                "id": callback.id,
                "provider": callback.provider,
                "kind": callback.kind,
                "reference": callback.reference[:100],
                "status": callback.status[:40],
                "matched": callback.matched,
                "note": callback.note,
                "payload": callback.payload,
                "received_at": callback.received_at,
            },
        )

    async def recent(self, provider: str, reference: str, limit: int) -> list[ProviderCallback]:
        rows = await self._all(
            select(provider_callbacks)
            .where(provider_callbacks.c.provider == provider, provider_callbacks.c.reference == reference)
            .order_by(provider_callbacks.c.received_at.desc(), provider_callbacks.c.id.desc())
            .limit(limit)
        )
        return [
            ProviderCallback(
                id=r["id"],
                provider=r["provider"],
                kind=r["kind"],
                reference=r["reference"],
                status=r["status"],
                matched=r["matched"],
                note=r["note"],
                payload=r["payload"],
                received_at=r["received_at"],
            )
            for r in rows
        ]
