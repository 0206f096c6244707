"""What the sandbox does over time and to the outside: invoices expire by themselves, refunds (and, when
configured, payouts) settle by themselves, and every PAID/EXPIRED invoice, every settled refund and every
succeeded, failed or reversed payout is called back to the marketplace. With a state directory all of it
is kept on disk (StateFile) and `resume` picks it up again after a restart."""

from __future__ import annotations

import logging
from functools import partial

from marketplace.adapters.sandbox.callbacks import CallbackSender
from marketplace.adapters.sandbox.state import StateFile
from marketplace.adapters.sandbox.timers import Timers
from marketplace.adapters.sandbox.xendit.config import (
    INVOICE_CALLBACK_PATH,
    PAYOUT_CALLBACK_PATH,
    REFUND_CALLBACK_PATH,
    XenditSandboxConfig,
)
from marketplace.adapters.sandbox.xendit.errors import XenditError
from marketplace.adapters.sandbox.xendit.ledger import XenditLedger
from marketplace.adapters.sandbox.xendit.payouts import PAYOUT_PENDING, PayoutFields, PayoutRecord
from marketplace.adapters.sandbox.xendit.records import Amount, InvoiceRecord, RefundRecord, stamp, utc_now
from marketplace.adapters.sandbox.xendit.validation import InvoiceFields, RefundFields

log = logging.getLogger("marketplace.sandbox.xendit")
EXPIRY_SLACK = 0.005  # a timer may wake a hair before the wall clock reaches the expiry date


class XenditSandboxService:
    def __init__(self, config: XenditSandboxConfig) -> None:
        self.config = config
        self.state = StateFile(config.state_dir, "xendit")
        self.ledger = XenditLedger(
            business_id=config.business_id,
            merchant_name=config.merchant_name,
            base_url=config.base_url,
            keep=self.state.put,
        )
        self.timers = Timers()
        self.callbacks = CallbackSender(
            timers=self.timers,
            headers={"x-callback-token": config.callback_token},
            retry_seconds=config.callback_retry_seconds,
            http=config.http,
            clock=lambda: stamp(utc_now()),
            keep=self.state.put,
        )
        records = self.state.load()
        self.ledger.restore(records)
        self.callbacks.restore(records.get("callbacks", {}).values())
        self.state.start(lambda: {**self.ledger.everything(), "callbacks": self.callbacks.everything()})

    def resume(self) -> None:
        """After a restart, on the event loop: what was waiting to happen by itself (expiries, settlements)
        is waited for again, and callbacks left pending are sent."""
        now = utc_now()
        for invoice in self.ledger.invoices():
            if invoice.status == "PENDING":
                self._expire_later(invoice)
        for refund in self.ledger.refunds():
            if refund.status == "PENDING" and self.config.refund_seconds > 0:
                due = self.config.refund_seconds - (now - refund.created).total_seconds()
                self.timers.later(due, partial(self._settle_by_itself, refund.id))
        for payout in self.ledger.payouts():
            if payout.pending and self.config.payout_seconds > 0:
                due = self.config.payout_seconds - (now - payout.created).total_seconds()
                self.timers.later(due, partial(self._pay_out_by_itself, payout.id))
        self.callbacks.resume()

    def create_invoice(self, fields: InvoiceFields) -> InvoiceRecord:
        invoice = self.ledger.create_invoice(fields, utc_now())
        self._expire_later(invoice)
        return invoice

    def invoice(self, invoice_id: str) -> InvoiceRecord:
        """The invoice as it is now: one past its expiry date is expired (and called back) on the spot."""
        invoice = self.ledger.invoice(invoice_id)
        due = invoice.status == "PENDING" and invoice.expiry_date <= utc_now()
        if due and self.ledger.expire(invoice, invoice.expiry_date):  # it expired then, whenever we notice
            self._call_back_invoice(invoice)
        return invoice

    def invoices(self) -> list[InvoiceRecord]:
        return [self.invoice(found.id) for found in self.ledger.invoices()]

    def expire(self, invoice_id: str) -> InvoiceRecord:
        """Xendit's `expire!`. The only error documented for it is 404 INVOICE_NOT_FOUND_ERROR, so an invoice
        that is no longer PENDING (paid, or already expired) answers that: there is no pending invoice to expire."""
        invoice = self.invoice(invoice_id)
        if not self.ledger.expire(invoice, utc_now()):
            raise XenditError(
                404,
                "INVOICE_NOT_FOUND_ERROR",
                f"Could not find a pending invoice with id {invoice_id}: it is {invoice.status}",
            )
        self._call_back_invoice(invoice)
        return invoice

    def force_expire(self, invoice_id: str) -> InvoiceRecord:
        """The control endpoint: strict, so a test learns when its invoice was not pending."""
        invoice = self.invoice(invoice_id)
        if not self.ledger.expire(invoice, utc_now()):
            raise XenditError(409, "INVOICE_NOT_PENDING", f"invoice {invoice_id} is {invoice.status}, not PENDING")
        self._call_back_invoice(invoice)
        return invoice

    def pay(self, invoice_id: str, channel: str, paid_amount: Amount | None = None) -> InvoiceRecord:
        invoice = self.invoice(invoice_id)
        if not self.ledger.pay(invoice, channel, paid_amount, utc_now()):
            raise XenditError(409, "INVOICE_NOT_PENDING", f"invoice {invoice_id} is {invoice.status}, not PENDING")
        self._call_back_invoice(invoice)
        return invoice

    def create_refund(self, fields: RefundFields) -> RefundRecord:
        refund = self.ledger.create_refund(fields, utc_now())
        if self.config.refund_seconds > 0:
            self.timers.later(self.config.refund_seconds, partial(self._settle_by_itself, refund.id))
        return refund

    def settle(self, refund_id: str, succeeded: bool) -> RefundRecord:
        refund = self.ledger.refund(refund_id)
        if not self.ledger.settle(refund, succeeded, utc_now()):
            raise XenditError(409, "REFUND_NOT_PENDING", f"refund {refund_id} is {refund.status}, not PENDING")
        self._call_back_refund(refund)
        return refund

    def create_payout(self, fields: PayoutFields) -> PayoutRecord:
        payout = self.ledger.create_payout(fields, utc_now())
        if self.config.payout_seconds > 0:
            self.timers.later(self.config.payout_seconds, partial(self._pay_out_by_itself, payout.id))
        return payout

    def settle_payout(self, payout_id: str, succeeded: bool, failure_code: str | None = None) -> PayoutRecord:
        """The control endpoints: a pending payout (ACCEPTED, REQUESTED, LOCKED) -> SUCCEEDED, or FAILED with
        `failure_code`; its `payout.succeeded` / `payout.failed` event follows."""
        payout = self.ledger.payout_by_id_or_reference(payout_id)
        target, code = ("SUCCEEDED", None) if succeeded else ("FAILED", failure_code or "TRANSFER_ERROR")
        if not self.ledger.move_payout(payout, PAYOUT_PENDING, target, utc_now(), code):
            raise XenditError(
                409, "PAYOUT_NOT_PENDING", f"payout {payout_id} is {payout.status}, not {', '.join(PAYOUT_PENDING)}"
            )
        self._call_back_payout(payout)
        return payout

    def request_payout(self, payout_id: str) -> PayoutRecord:
        """The control endpoint: ACCEPTED -> REQUESTED, sent on to the bank and no longer cancellable. Xendit
        sends no event for it."""
        payout = self.ledger.payout_by_id_or_reference(payout_id)
        if not self.ledger.move_payout(payout, ("ACCEPTED",), "REQUESTED", utc_now()):
            raise XenditError(409, "PAYOUT_NOT_ACCEPTED", f"payout {payout_id} is {payout.status}, not ACCEPTED")
        return payout

    def reverse_payout(self, payout_id: str) -> PayoutRecord:
        """The control endpoint: SUCCEEDED -> REVERSED (the bank sent the money back) and `payout.reversed`."""
        payout = self.ledger.payout_by_id_or_reference(payout_id)
        if not self.ledger.move_payout(payout, ("SUCCEEDED",), "REVERSED", utc_now()):
            raise XenditError(409, "PAYOUT_NOT_SUCCEEDED", f"payout {payout_id} is {payout.status}, not SUCCEEDED")
        self._call_back_payout(payout)
        return payout

    def cancel_payout(self, payout_id: str) -> PayoutRecord:
        """Xendit's cancel: only while ACCEPTED (its SDK documents 400 "Unable to Cancel" otherwise; the code
        is this sandbox's). No event: Xendit's payout webhook reports succeeded, failed and reversed payouts,
        and the caller has the CANCELLED payout in the answer."""
        payout = self.ledger.payout(payout_id)
        if not self.ledger.move_payout(payout, ("ACCEPTED",), "CANCELLED", utc_now()):
            raise XenditError(
                400,
                "PAYOUT_NOT_CANCELLABLE",
                f"payout {payout_id} is {payout.status}: only an ACCEPTED payout can be cancelled",
            )
        return payout

    async def shutdown(self) -> None:
        await self.timers.close()
        await self.callbacks.close()
        self.state.close()

    def _expire_later(self, invoice: InvoiceRecord) -> None:
        seconds = (invoice.expiry_date - utc_now()).total_seconds()
        self.timers.later(seconds + EXPIRY_SLACK, partial(self._expire_when_due, invoice.id))

    async def _expire_when_due(self, invoice_id: str) -> None:
        invoice = self.invoice(invoice_id)
        if invoice.status == "PENDING":
            self._expire_later(invoice)

    async def _settle_by_itself(self, refund_id: str) -> None:
        refund = self.ledger.refund(refund_id)
        if self.ledger.settle(refund, True, utc_now()):
            self._call_back_refund(refund)

    async def _pay_out_by_itself(self, payout_id: str) -> None:
        payout = self.ledger.payout(payout_id)
        if self.ledger.move_payout(payout, PAYOUT_PENDING, "SUCCEEDED", utc_now()):
            self._call_back_payout(payout)

    def _call_back_invoice(self, invoice: InvoiceRecord) -> None:
        url = self.config.callback(INVOICE_CALLBACK_PATH)
        if url is None:
            log.info("invoice %s is %s; no callback URL is configured", invoice.id, invoice.status)
            return
        self.callbacks.send(url, f"invoice.{invoice.status}", invoice.id, invoice.callback_json())

    def _call_back_refund(self, refund: RefundRecord) -> None:
        url = self.config.callback(REFUND_CALLBACK_PATH)
        event = f"refund.{refund.status.lower()}"
        if url is None:
            log.info("%s for %s; no callback URL is configured", event, refund.id)
            return
        envelope = {
            "event": event,
            "business_id": self.ledger.business_id,
            "created": stamp(utc_now()),
            "data": refund.to_json(),
        }
        self.callbacks.send(url, event, refund.id, envelope)

    def _call_back_payout(self, payout: PayoutRecord) -> None:
        """The documented payout webhook: `{event: payout.succeeded|failed|reversed, business_id, created,
        data: <payout object>}` with `x-callback-token`."""
        url = self.config.callback(PAYOUT_CALLBACK_PATH)
        event = f"payout.{payout.status.lower()}"
        if url is None:
            log.info("%s for %s; no callback URL is configured", event, payout.id)
            return
        envelope = {
            "event": event,
            "business_id": self.ledger.business_id,
            "created": stamp(utc_now()),
            "data": payout.to_json(),
        }
        self.callbacks.send(url, event, payout.id, envelope)
