"""The hosted invoice page a payer opens from `invoice_url`: self-contained HTML (no external assets)
with a test-mode Pay button, like Xendit's test checkout banner (docs/providers.md, "Xendit test mode")."""

from __future__ import annotations

from datetime import datetime
from html import escape

from marketplace.adapters.sandbox.xendit.records import Amount, InvoiceRecord

STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
.banner{background:#dc2626;color:#fff;text-align:center;padding:.5rem;font-weight:600;letter-spacing:.02em}
main{max-width:28rem;margin:2rem auto;background:#fff;border-radius:.75rem;padding:1.5rem;
box-shadow:0 1px 3px rgba(0,0,0,.1)}
header{display:flex;align-items:center;gap:.75rem}h1{font-size:1.1rem;margin:0}
.amount{font-size:2rem;font-weight:700;margin:1rem 0 .25rem}.muted{color:#6b7280}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:1rem 0}dt{color:#6b7280}dd{margin:0}
.status{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.85rem;font-weight:600}
.status-pending{background:#fef3c7;color:#92400e}.status-paid,.status-settled{background:#d1fae5;color:#065f46}
.status-expired{background:#e5e7eb;color:#374151}
select,button{font:inherit;width:100%;padding:.6rem;border-radius:.5rem;margin-top:.5rem}
button{background:#2563eb;color:#fff;border:0;font-weight:600;cursor:pointer}
.note{padding:.75rem;border-radius:.5rem;background:#f9fafb}
"""
MERCHANT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">'
    '<rect width="40" height="40" rx="8" fill="#2563eb"/><path d="M10 28V12l10 9 10-9v16" fill="none" '
    'stroke="#fff" stroke-width="3" stroke-linejoin="round"/></svg>'
)


def money(amount: Amount, currency: str) -> str:
    """`Rp 150.000` for rupiah (dots group thousands), `USD 10.50` otherwise."""
    if currency == "IDR":
        return "Rp " + f"{int(amount):,}".replace(",", ".")
    return f"{currency} {amount:,.2f}"


def when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y, %H:%M UTC")


def invoice_page(invoice: InvoiceRecord) -> str:
    amount = money(invoice.amount, invoice.currency)
    rows = [
        ("Invoice", escape(invoice.external_id)),
        ("Status", f'<span class="status status-{invoice.status.lower()}">{invoice.status}</span>'),
        ("Expired" if invoice.status == "EXPIRED" else "Expires", when(invoice.expiry_date)),
    ]
    if invoice.payment is not None:
        rows += [
            ("Paid", f"{money(invoice.payment.amount, invoice.currency)} with {escape(invoice.payment.channel)}"),
            ("Paid at", when(invoice.payment.at)),
        ]
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    description = invoice.options.get("description")
    return _layout(
        f"Invoice {escape(invoice.external_id)} · {escape(invoice.merchant_name)}",
        f'<header><img src="assets/merchant.svg" alt="" width="40" height="40">'
        f"<h1>{escape(invoice.merchant_name)}</h1></header>"
        f'<p class="amount">{amount}</p>'
        + (f'<p class="muted">{escape(str(description))}</p>' if description else "")
        + f"<dl>{details}</dl>{_action(invoice, amount)}",
    )


def _action(invoice: InvoiceRecord, amount: str) -> str:
    if invoice.status == "PENDING":
        options = "".join(f'<option value="{c}">{c}</option>' for c in invoice.channels())
        # Relative to /web/{id}, so the form works at the root and under any mount prefix.
        return (
            f'<form method="post" action="../_sandbox/invoices/{invoice.id}/pay">'
            f'<label for="channel">Pay with</label><select id="channel" name="payment_channel">{options}</select>'
            f'<button type="submit">Pay {amount}</button></form>'
        )
    back = invoice.options.get("success_redirect_url" if invoice.status != "EXPIRED" else "failure_redirect_url")
    text = "This invoice has expired." if invoice.status == "EXPIRED" else "Thank you: this invoice is paid."
    link = f' <a href="{escape(str(back))}">Back to the merchant</a>' if back else ""
    return f'<p class="note">{text}{link}</p>'


def missing_page(invoice_id: str) -> str:
    return _layout(
        "Invoice not found",
        f'<h1>Invoice not found</h1><p class="muted">No invoice has the id {escape(invoice_id)}.</p>',
    )


def _layout(title: str, content: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        f"<style>{STYLE}</style></head><body>"
        f'<div class="banner">TEST MODE · Xendit sandbox: no real money moves</div>'
        f"<main>{content}</main></body></html>"
    )
