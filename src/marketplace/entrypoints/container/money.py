"""The settlement and affiliate contexts' use cases: the ledger, payouts, affiliates and commissions."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.application.affiliate.attribution import AttributionSigner
from marketplace.application.affiliate.program import AffiliateProgram
from marketplace.application.settlement.payouts import PayoutCallbacks, Payouts
from marketplace.application.settlement.reconcile import ReconcileLedger
from marketplace.application.settlement.store_money import StoreMoney
from marketplace.entrypoints.container.core import Core, days

uow, clock, ids, settings = Core.uow, Core.clock, Core.ids, Core.settings


class MoneyServices(Core):
    attribution = providers.Singleton(
        AttributionSigner,
        key=Core.secrets.provided.attribution,
        window=providers.Callable(days, settings.provided.affiliate_window_days),
    )
    payouts = providers.Singleton(
        Payouts,
        uow=uow,
        gateway=Core.payout_gateway,
        clock=clock,
        ids=ids,
        minimum=settings.provided.payout_minimum,
        checkpoints=Core.checkpoints,
    )
    payout_callbacks = providers.Singleton(PayoutCallbacks, uow=uow, payouts=payouts, clock=clock, ids=ids)
    store_money = providers.Singleton(StoreMoney, uow=uow, payouts=payouts)
    affiliate_program = providers.Singleton(
        AffiliateProgram,
        uow=uow,
        queries=Core.catalog_queries,
        clock=clock,
        signer=attribution,
        payouts=payouts,
        base_url=settings.provided.base_url,
    )
    reconcile_ledger = providers.Singleton(ReconcileLedger, uow=uow, totals=Core.money_totals)
