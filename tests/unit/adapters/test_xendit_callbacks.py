"""Xendit's invoice, refund and payout callbacks read into provider reports: every status Xendit sends
mapped to ours, an unknown one kept as None with its words, and a body too broken to report on refused
with the error the HTTP layer answers 422."""

from __future__ import annotations

from typing import Any

import pytest

from marketplace.adapters.xendit.callbacks import invoice_report, payout_report, refund_report
from marketplace.application.ports.payments import InvoiceStatus
from marketplace.application.ports.payouts import PayoutStatus
from marketplace.domain.ordering.checkout import RefundState
from marketplace.domain.shared.errors import InvalidValue

INVOICE = {
    "id": "65a1b2c3d4e5f60718293a4b",
    "external_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "user_id": "5f1e2d3c4b5a697887766554",
    "status": "PAID",
    "merchant_name": "Marketplace",
    "amount": 150_000,
    "paid_amount": 150_000,
    "currency": "IDR",
    "invoice_url": "https://checkout-staging.xendit.co/web/65a1b2c3d4e5f60718293a4b",
    "payment_method": "BANK_TRANSFER",
}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("PAID", InvoiceStatus.PAID),
        ("SETTLED", InvoiceStatus.PAID),
        ("EXPIRED", InvoiceStatus.EXPIRED),
        ("PENDING", InvoiceStatus.PENDING),
        ("paid", InvoiceStatus.PAID),
        ("Settled", InvoiceStatus.PAID),
    ],
)
def test_every_invoice_status_xendit_sends_reads_as_ours(text: str, status: InvoiceStatus) -> None:
    report = invoice_report({**INVOICE, "status": text})
    assert report.status is status and report.status_text == text.upper()


def test_an_invoice_status_xendit_is_not_known_to_send_is_none_and_keeps_its_words() -> None:
    report = invoice_report({**INVOICE, "status": "refunded"})
    assert report.status is None and report.status_text == "REFUNDED"


def test_an_invoice_callback_is_reported_in_our_words_with_its_body_kept_as_sent() -> None:
    report = invoice_report(INVOICE)
    assert (report.provider, report.invoice_id, report.external_id) == ("xendit", INVOICE["id"], INVOICE["external_id"])
    assert (report.amount, report.paid_amount, report.currency) == (150_000, 150_000, "IDR")
    assert report.invoice_url == INVOICE["invoice_url"] and report.payload == INVOICE


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"amount": 150_000.0, "paid_amount": 149_999.9},
            (150_000, 149_999, "IDR", INVOICE["external_id"], INVOICE["invoice_url"]),
        ),
        (
            {"amount": "150000", "paid_amount": True, "currency": None, "external_id": 42, "invoice_url": 7},
            (None, None, "None", "42", ""),
        ),
    ],
)
def test_odd_invoice_fields_read_as_what_the_mismatch_checks_expect(
    changes: dict[str, Any], expected: tuple[Any, ...]
) -> None:
    report = invoice_report({**INVOICE, **changes})
    assert (report.amount, report.paid_amount, report.currency, report.external_id, report.invoice_url) == expected


def test_fields_the_invoice_left_out_are_none() -> None:
    report = invoice_report({"id": INVOICE["id"], "status": "EXPIRED"})
    assert (report.external_id, report.amount, report.paid_amount, report.currency, report.invoice_url) == (
        None,
        None,
        None,
        None,
        "",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({k: v for k, v in INVOICE.items() if k != "id"}, "id"),
        ({**INVOICE, "id": ""}, "id"),
        ({**INVOICE, "id": 12345}, "id"),
        ({**INVOICE, "id": "x" * 201}, "id"),
        ({k: v for k, v in INVOICE.items() if k != "status"}, "status"),
        ({**INVOICE, "status": None}, "status"),
        ({}, "id"),
    ],
)
def test_an_invoice_callback_without_an_id_or_status_is_invalid(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        invoice_report(body)
    assert raised.value.field == field and raised.value.message == "is missing or not a string"


REFUND = {
    "id": "rfd-0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "invoice_id": INVOICE["id"],
    "payment_id": "pay-1",
    "amount": 50_000,
    "currency": "IDR",
    "status": "SUCCEEDED",
    "reason": "CANCELLATION",
    "reference_id": "refund-0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b-1",
}


@pytest.mark.parametrize(
    ("event", "status", "state"),
    [
        ("refund.succeeded", "SUCCEEDED", RefundState.SUCCEEDED),
        ("refund.failed", "FAILED", RefundState.FAILED),
        ("refund.succeeded", "FAILED", RefundState.SUCCEEDED),  # the event's name decides
        ("refund.updated", "SUCCEEDED", RefundState.SUCCEEDED),  # else the refund's own status
        ("refund.updated", "failed", RefundState.FAILED),
        ("refund.updated", "PENDING", RefundState.PENDING),
        (None, "SUCCEEDED", RefundState.SUCCEEDED),
        ("refund.updated", "CANCELLED", None),
        ("refund.updated", None, None),
    ],
)
def test_a_refund_event_reads_as_our_refund_state(
    event: str | None, status: str | None, state: RefundState | None
) -> None:
    report = refund_report({"event": event, "business_id": "b", "data": {**REFUND, "status": status}})
    assert report.state is state and report.status_text == str(event)


def test_a_refund_event_is_reported_in_our_words_with_its_body_kept_as_sent() -> None:
    body = {"event": "refund.succeeded", "business_id": "b", "created": "2026-11-25T09:00:00.000Z", "data": REFUND}
    report = refund_report(body)
    assert (report.provider, report.refund_id, report.invoice_id) == ("xendit", REFUND["id"], INVOICE["id"])
    assert (report.reference, report.amount, report.currency, report.reason) == (
        REFUND["reference_id"],
        50_000,
        "IDR",
        "CANCELLATION",
    )
    assert report.payload == body


def test_fields_a_refund_left_out_or_sent_empty_read_as_none() -> None:
    report = refund_report(
        {"event": "refund.failed", "data": {"id": "rfd-1", "invoice_id": 5, "currency": "", "amount": "9"}}
    )
    assert (report.invoice_id, report.reference, report.amount, report.currency, report.reason) == (
        None,
        "",
        None,
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event": "refund.succeeded"}, "data"),
        ({"event": "refund.succeeded", "data": [REFUND]}, "data"),
        ({"event": "refund.succeeded", "data": {**REFUND, "id": None}}, "id"),
        ({"event": "refund.succeeded", "data": {**REFUND, "id": ""}}, "id"),
    ],
)
def test_a_refund_event_without_its_refund_or_the_refunds_id_is_invalid(body: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        refund_report(body)
    assert raised.value.field == field


PAYOUT = {
    "id": "disb-65a1b2c3d4e5f60718293a4b",
    "reference_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "business_id": "5f1e2d3c4b5a697887766554",
    "channel_code": "ID_BCA",
    "amount": 250_000,
    "currency": "IDR",
    "status": "SUCCEEDED",
}


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("ACCEPTED", PayoutStatus.PENDING),
        ("REQUESTED", PayoutStatus.PENDING),
        ("LOCKED", PayoutStatus.PENDING),
        ("SUCCEEDED", PayoutStatus.SUCCEEDED),
        ("FAILED", PayoutStatus.FAILED),
        ("CANCELLED", PayoutStatus.FAILED),
        ("REVERSED", PayoutStatus.FAILED),
        ("succeeded", PayoutStatus.SUCCEEDED),
        ("EXPIRED", None),
    ],
)
def test_every_payout_status_xendit_sends_reads_as_ours(text: str, status: PayoutStatus | None) -> None:
    report = payout_report({"event": "payout.updated", "data": {**PAYOUT, "status": text}})
    assert report.status is status and report.status_text == text.upper()


def test_a_payout_without_a_status_is_kept_with_none() -> None:
    report = payout_report({k: v for k, v in PAYOUT.items() if k != "status"})
    assert report.status is None and report.status_text == ""


def test_a_payout_is_read_from_the_envelope_or_from_a_bare_body() -> None:
    enveloped: dict[str, Any] = {
        "event": "payout.failed",
        "data": {**PAYOUT, "status": "FAILED", "failure_code": "INVALID_DESTINATION"},
    }
    for body in (enveloped, enveloped["data"]):
        report = payout_report(body)
        assert (report.provider, report.payout_id, report.reference) == ("xendit", PAYOUT["id"], PAYOUT["reference_id"])
        assert (report.status, report.amount, report.failure_code) == (
            PayoutStatus.FAILED,
            250_000,
            "INVALID_DESTINATION",
        )
        assert report.payload == body


def test_fields_a_payout_left_out_read_as_none() -> None:
    report = payout_report({"data": {"id": PAYOUT["id"], "status": "REVERSED", "reference_id": 7, "amount": "1"}})
    assert (report.reference, report.amount, report.failure_code) == (None, None, None)


@pytest.mark.parametrize("payout_id", [None, "", 42, "d" * 101])
def test_a_payout_event_without_the_providers_id_is_invalid(payout_id: Any) -> None:
    for body in ({"event": "payout.succeeded", "data": {**PAYOUT, "id": payout_id}}, {**PAYOUT, "id": payout_id}):
        with pytest.raises(InvalidValue) as raised:
            payout_report(body)
        assert (raised.value.field, raised.value.message) == ("data.id", "is missing")
