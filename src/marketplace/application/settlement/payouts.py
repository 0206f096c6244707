"""Payouts of an available balance (a store's withdrawal, an affiliate's payout).

Requesting moves the amount from `available` to `in_flight` in the transaction that records the
payout: the balance check is the conditional update of that balance, so two requests racing for one
balance cannot both pass. The provider is asked by the worker (the `PayoutRequested` event), with
the payout's id as idempotency key; its answer (webhook, or the worker's poll) settles the payout:
`in_flight` -> `paid_out` when it succeeded, back to `available` when it failed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from marketplace.application.errors import BackendUnavailable
from marketplace.application.ports.checkpoints import NO_CHECKPOINTS, Checkpoints
from marketplace.application.ports.payouts import (
    BankAccount,
    PayoutGateway,
    PayoutRefused,
    PayoutStatus,
    ProviderPayout,
)
from marketplace.application.ports.persistence import ProviderCallback, UnitOfWork, UnitOfWorkFactory
from marketplace.application.ports.provider_reports import PayoutReport
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.application.settlement.views import PayoutView
from marketplace.application.worker.subscriptions import Received, Subscriptions
from marketplace.domain.settlement.ledger import Bucket, EntryKind, LedgerTransaction, Posting, account
from marketplace.domain.settlement.payout import Destination, Payout, PayoutRequested
from marketplace.domain.shared.errors import ConcurrentUpdate, Conflict
from marketplace.domain.shared.ids import is_id, new_id
from marketplace.domain.shared.money import Money

log = logging.getLogger("marketplace.payouts")
OVERDUE = timedelta(minutes=2)
ATTEMPTS = 5
BATCH = 50


def _moved(payout: Payout, reason: str, source: Bucket, target: Bucket, created_at: datetime) -> LedgerTransaction:
    amount = payout.amount.amount
    return LedgerTransaction(
        id=new_id(),
        reason=reason,
        currency=payout.amount.currency,
        created_at=created_at,
        payout_id=payout.id,
        postings=(
            Posting(account(payout.owner_kind, payout.owner_id, source), -amount, EntryKind.PAYOUT),
            Posting(account(payout.owner_kind, payout.owner_id, target), amount, EntryKind.PAYOUT),
        ),
    )


@dataclass(frozen=True, slots=True)
class Payouts:
    uow: UnitOfWorkFactory
    gateway: PayoutGateway
    clock: Clock
    ids: IdGenerator
    minimum: int = 10_000
    name: str = "send-payout"
    checkpoints: Checkpoints = NO_CHECKPOINTS

    async def request_for(
        self,
        owner: Callable[[UnitOfWork], Awaitable[tuple[str, str]]],
        amount: int,
        destination: Destination,
        idempotency_key: str | None = None,
    ) -> PayoutView:
        """Requests a payout for whoever `owner` names (checked inside the unit of work) and commits. A
        request that lost a race for the balance on an optimistic store is read again, and then finds
        what the winner left: InsufficientBalance. A payout already requested with `idempotency_key`
        (the first attempt died before answering) is sent and shown instead of a second one."""
        for attempt in range(ATTEMPTS):
            try:
                async with self.uow() as uow:
                    owner_kind, owner_id = await owner(uow)
                    earlier = (
                        await uow.payouts.get_by_key(owner_kind, owner_id, idempotency_key) if idempotency_key else None
                    )
                    if earlier is not None:
                        view = PayoutView.of(earlier)
                        break
                    view = await self.request(uow, owner_kind, owner_id, amount, destination, idempotency_key)
                    await uow.commit()
                await self.checkpoints.reached("payout.requested")
                break
            except ConcurrentUpdate:
                if attempt == ATTEMPTS - 1:
                    raise
        # Sent at once when the provider answers; otherwise the worker sends it (the event is committed).
        try:
            await self.send(view.id)
        except BackendUnavailable as error:
            log.warning("payout %s not sent yet (the worker will): %s", view.id, error)
        async with self.uow() as uow:
            payout = await uow.payouts.get(view.id)
        return PayoutView.of(payout) if payout is not None else view

    async def request(
        self,
        uow: UnitOfWork,
        owner_kind: str,
        owner_id: str,
        amount: int,
        destination: Destination,
        idempotency_key: str | None = None,
    ) -> PayoutView:
        """Inside the caller's unit of work (which commits): InsufficientBalance beyond `available`."""
        now = self.clock.now()
        payout = Payout.request(
            id=self.ids.new_id(),
            owner_kind=owner_kind,
            owner_id=owner_id,
            amount=Money(amount),
            destination=destination,
            minimum=self.minimum,
            now=now,
            idempotency_key=idempotency_key,
        )
        await uow.ledger.post(_moved(payout, "payout-requested", Bucket.AVAILABLE, Bucket.IN_FLIGHT, now))
        await uow.payouts.add(payout)
        return PayoutView.of(payout)

    def subscribe(self, bus: Subscriptions) -> None:
        bus.subscribe(PayoutRequested, self.name, self)

    async def __call__(self, received: Received[PayoutRequested]) -> None:
        """The worker sends a requested payout to the provider (safe to repeat: same idempotency key)."""
        await self.send(received.event.payout_id)

    async def send(self, payout_id: str) -> None:
        async with self.uow() as uow:
            payout = await uow.payouts.get(payout_id)
        if payout is None or not payout.is_open:
            return
        destination = payout.destination
        try:
            sent = await self.gateway.create_payout(
                reference_id=payout.id,
                amount=payout.amount,
                idempotency_key=payout.id,
                description=f"Marketplace {payout.owner_kind} payout {payout.id}",
                bank=BankAccount(
                    channel_code=destination.channel_code,
                    account_number=destination.account_number,
                    account_holder_name=destination.account_holder_name,
                ),
            )
        except PayoutRefused as refused:
            log.warning("payout %s refused by the provider: %s", payout.id, refused)
            await self.settle(payout.id, PayoutStatus.FAILED, "REFUSED", None)
            return
        await self.checkpoints.reached("payout.sent")
        await self.settle(payout.id, sent.status, sent.failure_code, sent.id)

    async def settle(
        self, payout_id: str, status: PayoutStatus, failure_code: str | None, provider_id: str | None
    ) -> str:
        """The provider's word on a payout, applied once: what became of it."""
        for _ in range(3):
            try:
                return await self._settle_once(payout_id, status, failure_code, provider_id)
            except Conflict as conflict:
                if "changed by someone else" not in conflict.detail:
                    raise
        return "conflict"

    async def _settle_once(
        self, payout_id: str, status: PayoutStatus, failure_code: str | None, provider_id: str | None
    ) -> str:
        now = self.clock.now()
        async with self.uow() as uow:
            payout = await uow.payouts.get(payout_id)
            if payout is None:
                return "unknown payout"
            if provider_id and payout.provider_id is None:
                payout.sent(provider_id)
            moved = status is not PayoutStatus.PENDING and payout.settle(
                status is PayoutStatus.SUCCEEDED, failure_code, now
            )
            if moved:
                target = Bucket.PAID_OUT if status is PayoutStatus.SUCCEEDED else Bucket.AVAILABLE
                await uow.ledger.post(_moved(payout, f"payout-{payout.status.value}", Bucket.IN_FLIGHT, target, now))
            await uow.payouts.save(payout)
            await uow.commit()
            return payout.status.value if moved else f"unchanged: {payout.status.value}"

    async def reconcile(self) -> int:
        """Asks the provider about payouts still open after a while (a lost webhook, a crash before
        sending): sends what was never sent, applies what was settled."""
        async with self.uow() as uow:
            open_ids = await uow.payouts.open_before(self.clock.now() - OVERDUE, BATCH)
        changed = 0
        for payout_id in open_ids:
            try:
                found: ProviderPayout | None = await self.gateway.find_payout(payout_id)
                if found is None:
                    await self.send(payout_id)
                elif found.status is not PayoutStatus.PENDING:
                    changed += (await self.settle(payout_id, found.status, found.failure_code, found.id)) in (
                        "succeeded",
                        "failed",
                    )
            except (BackendUnavailable, PayoutRefused) as error:
                log.warning("payout %s not reconciled: %s", payout_id, error)
        return changed


@dataclass(frozen=True, slots=True)
class PayoutCallbacks:
    """A payout's outcome as its provider's adapter reported it. Applied once (a settled payout stays
    settled, so replays change nothing); an unknown payout is acknowledged and kept for a person to
    look at, like every provider callback."""

    uow: UnitOfWorkFactory
    payouts: Payouts
    clock: Clock
    ids: IdGenerator

    async def receive(self, report: PayoutReport) -> str:
        status, reference = report.status, report.reference
        async with self.uow() as uow:
            payout = await uow.payouts.get(reference) if reference is not None and is_id(reference) else None
            if payout is None:
                payout = await uow.payouts.get_by_provider(report.payout_id)
        if payout is None or status is None:
            note = "no payout has this id" if payout is None else f"unknown status {report.status_text[:40]}"
            return await self._keep(report, False, note)
        if report.amount is not None and report.amount != payout.amount.amount:
            note = f"mismatch: amount {report.amount} is not {payout.amount.amount}; ignored"
            return await self._keep(report, True, note)
        failure = report.failure_code or report.status_text
        outcome = await self.payouts.settle(payout.id, status, failure, report.payout_id)
        return await self._keep(report, True, outcome)

    async def _keep(self, report: PayoutReport, matched: bool, note: str) -> str:
        async with self.uow() as uow:
            await uow.callbacks.add(
                ProviderCallback(
                    id=self.ids.new_id(),
                    provider=report.provider,
                    kind="payout",
                    reference=report.payout_id[:100],
                    status=report.status_text[:40] or "?",
                    matched=matched,
                    note=note[:500],
                    payload=dict(report.payload),
                    received_at=self.clock.now(),
                )
            )
            await uow.commit()
        return note
