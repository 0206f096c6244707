"""The words of each notification, in Indonesian (the default) and English. `{order}` is the order's short
reference, `{store}` the store's name, `{amount}` an amount in rupiah."""

from __future__ import annotations

from typing import Any

Text = tuple[str, str]  # (title, body)

TEXTS: dict[str, dict[str, Text]] = {
    "store_order.paid": {
        "id": ("Pesanan baru untuk diterima", "Pesanan {order} sudah dibayar. Terima sebelum batas waktunya."),
        "en": ("New order to accept", "Order {order} is paid. Accept it before its deadline."),
    },
    "order.paid": {
        "id": ("Pembayaran diterima", "Pesanan {order} di {store} sudah dibayar."),
        "en": ("Payment received", "Your order {order} at {store} is paid."),
    },
    "order.accepted": {
        "id": ("Pesanan diterima penjual", "{store} menerima pesanan {order} dan sedang menyiapkannya."),
        "en": ("Order accepted", "{store} accepted your order {order} and is preparing it."),
    },
    "order.rejected": {
        "id": ("Pesanan ditolak", "{store} menolak pesanan {order}. Dananya akan dikembalikan."),
        "en": ("Order rejected", "{store} rejected your order {order}. Your money will be refunded."),
    },
    "order.cancelled": {
        "id": ("Pesanan dibatalkan", "Pesanan {order} di {store} dibatalkan."),
        "en": ("Order cancelled", "Your order {order} at {store} was cancelled."),
    },
    "order.refunded": {
        "id": ("Dana dikembalikan", "Rp{amount} untuk pesanan {order} sudah dikembalikan."),
        "en": ("Refund sent", "Rp{amount} for your order {order} has been refunded."),
    },
    "shipment.shipping": {
        "id": ("Pesanan dikirim", "Pesanan {order} dari {store} sedang dalam perjalanan."),
        "en": ("Order shipped", "Your order {order} from {store} is on its way."),
    },
    "shipment.delivered": {
        "id": ("Pesanan sampai", "Pesanan {order} dari {store} sudah diterima."),
        "en": ("Order delivered", "Your order {order} from {store} was delivered."),
    },
    "shipment.returned": {
        "id": ("Pesanan dikembalikan", "Kurir mengembalikan pesanan {order} ke {store}. Dananya akan dikembalikan."),
        "en": ("Order returned", "The courier brought your order {order} back to {store}. It will be refunded."),
    },
    "payout.succeeded": {
        "id": ("Penarikan dana berhasil", "Rp{amount} sudah dikirim ke rekeningmu."),
        "en": ("Payout sent", "Rp{amount} has been sent to your bank account."),
    },
    "payout.failed": {
        "id": ("Penarikan dana gagal", "Rp{amount} tidak dapat dikirim dan kembali ke saldomu."),
        "en": ("Payout failed", "Rp{amount} could not be sent and is back in your balance."),
    },
}
LOCALES = ("id", "en")


def words(key: str, locale: str, **facts: Any) -> Text:
    """The title and body of `key` in `locale` (Indonesian for a locale we do not write in)."""
    texts = TEXTS[key]
    title, body = texts.get(locale) or texts["id"]
    return title.format(**facts), body.format(**facts)


def rupiah(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def short_ref(order_id: str) -> str:
    """The order as people read it: the end of its id, which is its random part."""
    return "#" + order_id[-8:].upper()
