"""Checking out: one Checkout, one Order per store, stock reserved, one invoice for all of it.

The stock is reserved and the orders written first, in one short transaction (so a hot variant's
row is locked only for that), with the buyer's Idempotency-Key; the invoice is asked for after it,
with the checkout id as its external id and idempotency key. So whatever instant this process dies:
- a retry with the key finds the checkout and finishes it (the provider gives back the same
  invoice), answering as the first request would have;
- without a retry, the worker finds the invoice by the checkout id (or learns there is none) and
  expires or voids the checkout (`expiry.py`).
If the provider fails, the checkout is voided: its stock goes back and nobody is shown it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from marketplace.application.errors import BackendUnavailable, ProviderFailed
from marketplace.application.ordering.basket import Basket, StoreBasket, load_basket, shipping_options
from marketplace.application.ordering.checkouts import void_checkout
from marketplace.application.ordering.views import CheckoutView, checkout_view
from marketplace.application.ports.catalog_queries import CatalogQueries
from marketplace.application.ports.checkpoints import NO_CHECKPOINTS, Checkpoints
from marketplace.application.ports.payments import Invoice, PaymentGateway, PaymentRefused
from marketplace.application.ports.persistence import UnitOfWorkFactory
from marketplace.application.ports.shipping import ShippingGateway, ShippingOption
from marketplace.application.ports.system import Clock, IdGenerator
from marketplace.domain.ordering.checkout import Checkout, check_referral_code
from marketplace.domain.ordering.placement import ChosenLine, StoreChoice, StoreTerms, place
from marketplace.domain.shared.errors import Conflict, InvalidValue
from marketplace.domain.shared.money import Money


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    address_id: str
    shipping: dict[str, str]  # store id -> method
    referral_code: str | None = None  # given in the body: must name a referral link
    clicked_code: str | None = None  # from a verified attribution cookie (the last click): ignored if unknown
    idempotency_key: str | None = None  # the buyer's Idempotency-Key, kept on the checkout


def _choice(
    store: StoreBasket, method: str, options: dict[str, list[ShippingOption]], terms: dict[str, StoreTerms]
) -> StoreChoice:
    """The store's lines at today's prices and the quote for the method the buyer chose."""
    option = next((o for o in options[store.store_id] if o.method.value == method), None)
    if option is None:
        offered = ", ".join(o.method.value for o in options[store.store_id]) or "none for this address"
        raise InvalidValue(
            f"shipping.{store.store_id}", f"the store does not offer {method[:32]!r} here (offered: {offered})"
        )
    lines = tuple(
        ChosenLine(
            variant_id=line.snapshot.variant_id,
            product_id=line.snapshot.product_id,
            title=line.snapshot.title,
            quantity=line.quantity,
            unit_price=Money(line.snapshot.price.amount, line.snapshot.price.currency),
        )
        for line in store.lines
    )
    fee = Money(option.price, option.currency)
    return StoreChoice(store.store_id, store.store_name, lines, method, fee, terms.get(store.store_id))


def _check_choices(basket: Basket, chosen: dict[str, str]) -> None:
    wanted = {store.store_id for store in basket.stores}
    for store_id in chosen:
        if store_id not in wanted:
            raise InvalidValue(f"shipping.{store_id[:64]}", "no line of your cart is from this store")
    for store_id in sorted(wanted - chosen.keys()):
        raise InvalidValue(f"shipping.{store_id}", "choose a shipping method for this store")


@dataclass(frozen=True, slots=True)
class PlaceCheckout:
    uow: UnitOfWorkFactory
    queries: CatalogQueries
    shipping: ShippingGateway
    payments: PaymentGateway
    clock: Clock
    ids: IdGenerator
    invoice_seconds: int
    fee_bps: int = 500  # the marketplace's cut of the line subtotals, frozen on each order
    checkpoints: Checkpoints = NO_CHECKPOINTS

    async def __call__(self, user_id: str, request: CheckoutRequest) -> CheckoutView:
        referral_code = check_referral_code(request.referral_code) or check_referral_code(request.clicked_code)
        async with self.uow() as uow:
            buyer = await uow.users.get(user_id)
            if buyer is None:
                raise InvalidValue("user", "your account no longer exists")
            earlier = (
                await uow.checkouts.get_by_key(user_id, request.idempotency_key) if request.idempotency_key else None
            )
            link = await uow.affiliates.link(referral_code.upper()) if referral_code else None
            if link is None and request.referral_code:
                raise InvalidValue("referral_code", "is not a referral code of this marketplace")
        if earlier is not None:
            return await self._finish(earlier, buyer.email)  # the first attempt died part way
        basket = await load_basket(self.uow, self.queries, user_id, request.address_id)
        _check_choices(basket, request.shipping)
        options = await shipping_options(self.shipping, basket)  # priced again, at this moment
        terms = await self._terms(basket) if link is not None else {}
        now = self.clock.now()
        placement = place(
            new_id=self.ids.new_id,
            buyer_id=user_id,
            address=basket.address.address,
            stores=[_choice(store, request.shipping[store.store_id], options, terms) for store in basket.stores],
            fee_bps=self.fee_bps,
            now=now,
            expires_at=now + timedelta(seconds=self.invoice_seconds),
            link=link,
            idempotency_key=request.idempotency_key,
        )
        checkout = placement.checkout
        async with self.uow() as uow:
            await uow.stock.reserve(placement.quantities)
            for order in placement.orders:
                await uow.orders.add(order)
            await uow.checkouts.add(checkout)
            await uow.commit()
        await self.checkpoints.reached("checkout.reserved")
        return await self._finish(checkout, buyer.email)

    async def _finish(self, checkout: Checkout, payer_email: str) -> CheckoutView:
        """The invoice made (again: the provider answers the same one for the same key) and recorded,
        and the bought lines out of the cart; a checkout already past that is shown as it is."""
        if checkout.is_pending and checkout.invoice_id is None:
            invoice = await self._invoice(checkout, payer_email)
            await self.checkpoints.reached("checkout.invoiced")
            checkout = await self._record(checkout.id, invoice)
            await self.checkpoints.reached("checkout.recorded")
        async with self.uow() as uow:
            return checkout_view(checkout, await uow.orders.of_checkout(checkout.id))

    async def _invoice(self, checkout: Checkout, payer_email: str) -> Invoice:
        try:
            return await self.payments.create_invoice(
                external_id=checkout.id,
                amount=checkout.amount,
                description=f"Marketplace checkout {checkout.id}",
                payer_email=payer_email,
                duration_seconds=self.invoice_seconds,
                idempotency_key=checkout.id,
            )
        except Exception as error:  # whatever went wrong, nothing may stay reserved
            await self._void(checkout.id)
            if isinstance(error, PaymentRefused):
                raise ProviderFailed(
                    f"the payment provider refused the invoice ({error}); nothing was kept, try again later"
                ) from error
            if isinstance(error, BackendUnavailable):
                raise BackendUnavailable(f"{error.detail}; nothing was reserved, try again shortly") from error
            raise BackendUnavailable("the payment provider could not be reached; try again shortly") from error

    async def _record(self, checkout_id: str, invoice: Invoice) -> Checkout:
        async with self.uow() as uow:
            stored = await uow.checkouts.get(checkout_id)
            if stored is None:
                raise Conflict("the checkout vanished while its invoice was made")
            stored.attach_invoice(invoice.id, invoice.invoice_url)
            await uow.checkouts.save(stored)
            cart = await uow.carts.get(stored.buyer_id)
            if cart is not None:
                bought = {line.variant_id for order in await uow.orders.of_checkout(stored.id) for line in order.lines}
                cart.take_out(bought, self.clock.now())
                await uow.carts.save(cart)
            await uow.commit()
        return stored

    async def _terms(self, basket: Basket) -> dict[str, StoreTerms]:
        """Whose each store is and its affiliate rate now, for the referral (an unknown store earns none)."""
        async with self.uow() as uow:
            stores = [await uow.stores.get(store.store_id) for store in basket.stores]
        return {s.id: StoreTerms(s.owner_id, s.affiliate_rate_bps) for s in stores if s is not None}

    async def _void(self, checkout_id: str) -> None:
        """Nothing stays reserved and nobody is shown what was written; the worker still asks the
        provider whether an invoice was made after all (a timeout may hide one) and expires it."""
        async with self.uow() as uow:
            checkout = await uow.checkouts.get(checkout_id)
            if checkout is None or not checkout.is_pending or checkout.invoice_id is not None:
                return
            await void_checkout(uow, checkout, self.clock.now())
            await uow.commit()
