"""Who may call what: every operation of the OpenAPI document, with the ids it is called with and the
outcome each role must get. The authorization matrix test walks this table in order (the order
matters where a call changes state, e.g. joining the affiliate program comes after the affiliate-only
operations) and fails when the document has an operation the table does not name.

Ids are party A's: buyer A's address and orders, seller A's store and products. Everyone else asks
for them: buyer B and seller B (the other party), staff, an admin, anonymous. "staff" is a plain
signed-in user who owns nothing here: store staff are a later feature (docs/api.md "Operating the
marketplace"), so until then they must fare exactly as a stranger does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.integration.world import ADDRESS, BANK, PASSWORD, PRICE, ROLES, World

Body = Callable[[World, str], Any]
OK = "ok"


@dataclass(frozen=True)
class Rule:
    """The roles that may succeed (2xx/3xx); everyone else's exact refusal status."""

    outcomes: dict[str, Any]
    params: dict[str, str] = field(default_factory=dict)  # path placeholder -> name of a world id
    body: Body | None = None
    # Statuses that still mean "let through" for an allowed role: e.g. 409 for a payout with no balance.
    passes: frozenset[int] = frozenset()


def _rule(
    allowed: tuple[str, ...],
    others: int,
    anonymous: int = 401,
    passes: tuple[int, ...] = (),
    params: dict[str, str] | None = None,
    body: Body | None = None,
    **exceptions: Any,
) -> Rule:
    outcomes: dict[str, Any] = {role: OK if role in allowed else others for role in ROLES}
    if "anonymous" not in allowed:
        outcomes["anonymous"] = anonymous
    outcomes.update(exceptions)
    return Rule(outcomes=outcomes, params=params or {}, body=body, passes=frozenset(passes))


def public(**kwargs: Any) -> Rule:
    return _rule(ROLES, others=0, **kwargs)


def signed_in(**kwargs: Any) -> Rule:
    return _rule(ROLES[1:], others=0, **kwargs)


def owners(*roles: str, others: int = 404, **kwargs: Any) -> Rule:
    """Only `roles` may; a signed-in stranger gets `others`: 404 for a private resource (never 403, so as
    not to say it exists), 403 for one they may see (a store, a published product)."""
    return _rule(roles, others=others, **kwargs)


def admins(**kwargs: Any) -> Rule:
    return _rule(("admin",), others=403, **kwargs)


def webhook() -> Rule:
    """Provider callbacks carry the provider's token, never a user's: 401 without it, for everyone."""
    return _rule((), others=401, body=lambda w, r: {"id": "unknown", "status": "PAID"})


def _unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


AFFILIATES = ("buyer_a", "buyer_b")  # both joined and made a link while the world was built
STORE = {"store_id": "store_a"}


def _variant(w: World, r: str) -> dict[str, Any]:
    return {"sku": _unique("SKU"), "name": "Size XL", "price": PRICE, "stock": 5, "weight_grams": 300}


def _product(w: World, r: str) -> dict[str, Any]:
    return {"title": "Batik cap", "variants": [_variant(w, r)]}


TABLE: dict[str, Rule] = {
    # Operations: anyone.
    "liveness": public(),
    "readiness": public(),
    "metrics": public(),
    "listProblemTypes": public(),
    "getProblemType": public(params={"code": "problem_code"}),
    # Identity: each role with its own credentials; logging out with buyer A's refresh token changes
    # nothing for anyone else (checked by the matrix's probe), so it answers 204 alike.
    "register": public(body=lambda w, r: {"email": f"{_unique(r)}@example.com", "password": PASSWORD, "name": "N"}),
    "logIn": public(
        body=lambda w, r: {"email": w.users[r if r != "anonymous" else "staff"].email, "password": PASSWORD}
    ),
    "refreshSession": public(body=lambda w, r: {"refresh_token": w.ids[f"refresh_{r}"]}),
    "logOut": signed_in(body=lambda w, r: {"refresh_token": w.ids["logout_token_a"]}),
    "getProfile": signed_in(),
    "updateProfile": signed_in(body=lambda w, r: {"name": "Renamed"}),
    "listAddresses": signed_in(),
    "addAddress": signed_in(body=lambda w, r: ADDRESS),
    "changeAddress": owners("buyer_a", params={"address_id": "address_a"}, body=lambda w, r: {"label": "Home"}),
    "removeAddress": owners("buyer_a", params={"address_id": "spare_address_a"}),
    # Notifications: everyone reads and marks only their own (no id in the path to be refused for).
    "listNotifications": signed_in(),
    "countUnreadNotifications": signed_in(),
    "markNotificationsRead": signed_in(body=lambda w, r: {}),
    "getNotificationPreferences": signed_in(),
    "setNotificationPreferences": signed_in(body=lambda w, r: {"marketing": {"email": False}}),
    # Stores and the catalog: seller A's store and products are public, so others are refused with 403;
    # a draft is private (404), except to admins, who may see it but not change it (403).
    "browseStores": public(),
    "getStore": public(params=STORE),
    "openStore": signed_in(body=lambda w, r: {"name": _unique("Toko"), "pickup_address": ADDRESS}),
    "updateStore": owners("seller_a", others=403, params=STORE, body=lambda w, r: {"description": "Changed"}),
    "listCategories": public(),
    "createCategory": admins(body=lambda w, r: {"name": _unique("Kain")}),
    "listStoreProducts": public(params=STORE),
    "browseProducts": public(),
    "createProduct": owners("seller_a", others=403, params=STORE, body=_product),
    "getProduct": owners("seller_a", "admin", anonymous=404, params={"product_id": "draft_a"}),
    "updateProduct": owners(
        "seller_a", others=403, params={"product_id": "product_a"}, body=lambda w, r: {"description": "Changed"}
    ),
    "addVariant": owners("seller_a", others=403, params={"product_id": "product_a"}, body=_variant),
    "changeVariant": owners(
        "seller_a",
        others=403,
        params={"product_id": "product_a", "variant_id": "variant_a2"},
        body=lambda w, r: {"name": "Size M"},
    ),
    "removeVariant": owners("seller_a", others=403, params={"product_id": "product_a", "variant_id": "variant_a4"}),
    "publishProduct": owners("seller_a", admin=403, params={"product_id": "draft_a"}),
    "archiveProduct": owners("seller_a", others=403, params={"product_id": "archivable_a"}),
    "listProductReviews": public(params={"product_id": "product_a"}),
    # Media: seller A's completed upload is attached to nothing yet, so only its uploader sees it, and
    # admins, who see every media (DownloadMedia says so: they moderate what is shown).
    "requestUpload": signed_in(
        body=lambda w, r: {"filename": "a.png", "content_type": "image/png", "size": 100, "purpose": "product_image"}
    ),
    "completeUpload": owners("seller_a", params={"media_id": "media_uploaded"}),
    "downloadMedia": owners("seller_a", "admin", anonymous=404, params={"media_id": "media_private"}),
    "downloadThumbnail": owners("seller_a", "admin", anonymous=404, params={"media_id": "media_private"}),
    # Cart and checkout: a cart is its owner's; a line another cart does not hold is 404 there. Buyer A's
    # address named in someone else's body is invalid input there (422, as an unknown id would be).
    "getCart": signed_in(),
    "changeCartItem": owners("buyer_a", params={"variant_id": "variant_a0"}, body=lambda w, r: {"quantity": 2}),
    "removeCartItem": owners("buyer_a", params={"variant_id": "variant_a1"}),
    "addToCart": signed_in(body=lambda w, r: {"variant_id": w.ids["variant_a2"], "quantity": 1}),
    "quoteCheckout": owners("buyer_a", others=422, body=lambda w, r: {"address_id": w.ids["address_a"]}),
    "createCheckout": owners(
        "buyer_a",
        others=422,
        body=lambda w, r: {"address_id": w.ids["address_a"], "shipping": {w.ids["store_a"]: "instant"}},
    ),
    "getCheckout": owners("buyer_a", params={"checkout_id": "checkout_a_paid"}),
    "cancelCheckout": owners("buyer_a", params={"checkout_id": "checkout_a_pending"}),
    # Buyer A's orders: the buyer's own; the store's owner reads the shipment too.
    "listMyOrders": signed_in(),
    "getMyOrder": owners("buyer_a", params={"order_id": "order_a_completed"}),
    "getOrderShipment": owners("buyer_a", "seller_a", params={"order_id": "order_a_completed"}),
    "cancelMyOrder": owners("buyer_a", params={"order_id": "order_a_paid_cancel"}),
    "confirmOrderReceived": owners("buyer_a", params={"order_id": "order_a_delivered"}),
    # Seller A's store's orders: the store is public, its orders are not anyone else's business (403).
    "listStoreOrders": owners("seller_a", others=403, params=STORE),
    "getStoreOrder": owners("seller_a", others=403, params={**STORE, "order_id": "order_a_completed"}),
    "acceptStoreOrder": owners("seller_a", others=403, params={**STORE, "order_id": "order_a_paid"}),
    "rejectStoreOrder": owners("seller_a", others=403, params={**STORE, "order_id": "order_a_paid_reject"}),
    "shipStoreOrder": owners("seller_a", others=403, params={**STORE, "order_id": "order_a_accepted"}),
    "cancelStoreOrderShipment": owners("seller_a", others=403, params={**STORE, "order_id": "order_a_shipping"}),
    # Provider callbacks.
    "xenditInvoiceCallback": webhook(),
    "xenditRefundCallback": webhook(),
    "xenditPayoutCallback": webhook(),
    "gosendBookingEvent": webhook(),
    # Chat: buyer A's conversation with store A has two participants. Opening one about buyer A's order is
    # refused to anyone else as invalid input (422, the same answer as for an unknown order), and to
    # seller A because it is their own store.
    "listConversations": signed_in(),
    "openConversation": owners(
        "buyer_a", others=422, body=lambda w, r: {"store_id": w.ids["store_a"], "order_id": w.ids["order_a_completed"]}
    ),
    "getConversation": owners("buyer_a", "seller_a", params={"conversation_id": "conversation_a"}),
    "listMessages": owners("buyer_a", "seller_a", params={"conversation_id": "conversation_a"}),
    "sendMessage": owners(
        "buyer_a",
        "seller_a",
        params={"conversation_id": "conversation_a"},
        body=lambda w, r: {"client_id": _unique(r), "body": "Halo"},
    ),
    "markConversationRead": owners(
        "buyer_a",
        "seller_a",
        params={"conversation_id": "conversation_a"},
        body=lambda w, r: {"up_to_message_id": w.ids["message_a"]},
    ),
    # Reviews: buyer A's review of store A's product.
    "reviewOrderLine": owners(
        "buyer_a",
        params={"order_id": "order_a_completed", "line_id": "unreviewed_line"},
        body=lambda w, r: {"rating": 4},
    ),
    "editReview": owners("buyer_a", params={"review_id": "review"}, body=lambda w, r: {"body": "Edited"}),
    "replyToReview": owners(
        "seller_a", others=403, params={"review_id": "review"}, body=lambda w, r: {"body": "Terima kasih"}
    ),
    "hideReview": admins(params={"review_id": "hideable_review"}),
    # Affiliates: both buyers joined; buyer B earned a commission on buyer A's completed order and is paid,
    # buyer A has nothing approved to be paid (409). Joining comes last: it makes the others affiliates.
    "affiliateSummary": owners(*AFFILIATES, others=403),
    "listCommissions": owners(*AFFILIATES, others=403),
    "createReferralLink": owners(*AFFILIATES, others=403, body=lambda w, r: {"product_id": w.ids["product_a"]}),
    "requestAffiliatePayout": owners(
        *AFFILIATES, others=403, passes=(409,), body=lambda w, r: {"amount": 10_000, "bank": BANK}
    ),
    "joinAffiliateProgram": signed_in(),
    "followReferralLink": public(params={"code": "link_a"}),
    # Store money: seller A's.
    "setAffiliateRate": owners("seller_a", others=403, params=STORE, body=lambda w, r: {"rate_bps": 1000}),
    "storeBalance": owners("seller_a", others=403, params=STORE),
    "storeLedger": owners("seller_a", others=403, params=STORE),
    "requestWithdrawal": owners(
        "seller_a", others=403, params=STORE, body=lambda w, r: {"amount": 10_000, "bank": BANK}
    ),
    # CMS: anyone reads what is published; admins write.
    "getCmsPage": public(params={"slug": "cms_page_slug"}),
    "listCmsBanners": public(),
    "listCmsPages": admins(),
    "listCmsBannersAdmin": admins(),
    "createCmsPage": admins(body=lambda w, r: {"slug": _unique("page"), "title": "T", "body": "Body"}),
    "getCmsPageById": admins(params={"page_id": "cms_page"}),
    "updateCmsPage": admins(params={"page_id": "cms_draft_page"}, body=lambda w, r: {"title": "Changed"}),
    "publishCmsPage": admins(params={"page_id": "cms_draft_page"}),
    "unpublishCmsPage": admins(params={"page_id": "cms_published_page"}),
    "createCmsBanner": admins(body=lambda w, r: {"placement": "home-hero", "title": "T", "link_url": "/sale"}),
    "getCmsBanner": admins(params={"banner_id": "cms_banner"}),
    "updateCmsBanner": admins(params={"banner_id": "cms_draft_banner"}, body=lambda w, r: {"title": "Changed"}),
    "publishCmsBanner": admins(params={"banner_id": "cms_draft_banner"}),
    "unpublishCmsBanner": admins(params={"banner_id": "cms_published_banner"}),
    # Admin on stores: seller A's spare stores, so the rest of the table keeps an active store A.
    "suspendStore": admins(params={"store_id": "store_suspendable"}),
    "unsuspendStore": admins(params={"store_id": "store_suspended"}),
}
