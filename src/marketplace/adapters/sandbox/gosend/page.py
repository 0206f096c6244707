"""The live tracking page (`liveTrackingUrl`): self-contained HTML with the booking's status, its driver
and its timeline; it reloads itself every few seconds while the booking is live."""

from __future__ import annotations

from html import escape

from marketplace.adapters.sandbox.gosend.records import BookingRecord
from marketplace.domain.shipping.status import FINAL

STYLE = """
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827}
.banner{background:#00880d;color:#fff;text-align:center;padding:.5rem;font-weight:600}
main{max-width:30rem;margin:2rem auto;background:#fff;border-radius:.75rem;padding:1.5rem;
box-shadow:0 1px 3px rgba(0,0,0,.1)}h1{font-size:1.2rem;margin:0 0 .5rem}
.status{display:inline-block;padding:0 .6rem;border-radius:999px;font-weight:600;background:#e0f2fe;color:#075985}
.status-delivered{background:#d1fae5;color:#065f46}.status-cancelled,.status-rejected,.status-no_driver{
background:#fee2e2;color:#991b1b}.status-on_hold{background:#fef3c7;color:#92400e}
dl{display:grid;grid-template-columns:auto 1fr;gap:.25rem 1rem;margin:1rem 0}dt{color:#6b7280}dd{margin:0}
ol{padding-left:1.25rem;color:#374151}
"""
REFRESH_SECONDS = 5


def tracking_page(booking: BookingRecord) -> str:
    status = booking.status.value
    driver = booking.driver
    origin, destination = booking.fields.origin, booking.fields.destination
    rows = [
        ("Status", f'<span class="status status-{status}">{escape(status.replace("_", " "))}</span>'),
        ("Service", escape(booking.booking_type)),
        ("Driver", escape(f"{driver.name} ({driver.phone})") if driver else "not allocated yet"),
        ("From", escape(origin.text("Address") or origin.text("Name") or origin.lat_long)),
        ("To", escape(destination.text("Address") or destination.text("Name") or destination.lat_long)),
        ("Distance", f"{booking.distance_km:.2f} km"),
        ("Price", "Rp " + f"{booking.price:,}".replace(",", ".")),
    ]
    if booking.cancel_description and status == "cancelled":
        rows.append(("Reason", escape(booking.cancel_description)))
    details = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    timeline = "".join(
        f"<li>{escape(c.status.value.replace('_', ' '))} · {c.at.strftime('%d %b %Y, %H:%M:%S UTC')}</li>"
        for c in booking.history
    )
    refresh = "" if booking.status in FINAL else f'<meta http-equiv="refresh" content="{REFRESH_SECONDS}">'
    return _layout(
        f"Tracking {escape(booking.order_no)}",
        refresh,
        f"<h1>Booking {escape(booking.order_no)}</h1><dl>{details}</dl><ol>{timeline}</ol>",
    )


def missing_page(order_no: str) -> str:
    return _layout(
        "Booking not found", "", f"<h1>Booking not found</h1><p>No booking has the order number {escape(order_no)}.</p>"
    )


def _layout(title: str, head: str, content: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">{head}<title>{title}</title>'
        f"<style>{STYLE}</style></head><body>"
        f'<div class="banner">TEST MODE · GoSend sandbox: no real courier moves</div>'
        f"<main>{content}</main></body></html>"
    )
