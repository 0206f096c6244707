"""The worker as this deployment runs it: which handlers take which events, which jobs run how often."""

from __future__ import annotations

from datetime import timedelta

from marketplace.application.worker.dispatcher import OutboxDispatcher
from marketplace.application.worker.loop import PeriodicJob, Worker
from marketplace.entrypoints.container import Container, resolve


async def build_worker(container: Container) -> Worker:
    settings = container.settings()
    clock = container.clock()
    dispatcher = OutboxDispatcher(
        store=await resolve(container.outbox), clock=clock, max_attempts=settings.outbox_max_attempts
    )
    dispatcher.register(await resolve(container.refund_order))
    dispatcher.register(await resolve(container.expire_cancelled_invoice))
    dispatcher.register(await resolve(container.push_updates))
    dispatcher.register(await resolve(container.notify_people))
    payouts = await resolve(container.payouts)
    dispatcher.register(payouts)

    expire = await resolve(container.expire_checkouts)
    reconcile = await resolve(container.reconcile_payments)
    idempotency = await resolve(container.idempotency)
    clean_up_media = await resolve(container.clean_up_media)
    reports = await resolve(container.shipment_reports)
    complete_orders = await resolve(container.complete_delivered_orders)
    grace = timedelta(hours=settings.media_cleanup_grace_hours)

    async def purge_idempotency() -> object:
        return await idempotency.purge(clock.now())

    async def clean_media() -> object:
        report = await clean_up_media(grace)
        return len(report.removed)

    # Each job runs on its own and is cancelled past its limit (default 60 s), so one stuck on a hanging
    # provider delays neither the outbox nor the other jobs; it runs again at its next turn.
    return Worker(
        dispatcher=dispatcher,
        idle_seconds=settings.worker_idle_seconds,
        jobs=[
            PeriodicJob("expire-checkouts", 1.0, expire),
            PeriodicJob("look-up-ended-checkouts", 30.0, expire.look_up_ended),
            PeriodicJob("reconcile-payments", 30.0, reconcile),
            PeriodicJob("reconcile-payouts", 30.0, payouts.reconcile),
            # Quiet bookings are asked about a few times per quiet period; delivered orders complete within
            # a tenth of their delay (and at least every minute).
            PeriodicJob("poll-quiet-shipments", min(30.0, settings.shipment_poll_seconds / 3), reports.poll),
            PeriodicJob(
                "complete-delivered-orders",
                max(0.5, min(60.0, settings.order_autocomplete_seconds / 10)),
                complete_orders,
            ),
            PeriodicJob("purge-idempotency-keys", 3600.0, purge_idempotency, limit_seconds=600.0),
            PeriodicJob("media-cleanup", 3600.0, clean_media, limit_seconds=600.0),
        ],
    )
