"""Step boundaries of the use cases that move money, named so that a test can stop the process there.

A deployment passes through them doing nothing (`NoCheckpoints`). The crash tests give the app a
`Checkpoints` that kills the process at one named step, then prove that whatever was committed by
then is finished or undone: one outcome per Idempotency-Key, every charge kept or refunded, stock
conserved, the ledger reconciled. The killing implementation lives in the tests only.
"""

from __future__ import annotations

from typing import Protocol


class Checkpoints(Protocol):
    async def reached(self, step: str) -> None:
        """`step` names the boundary, e.g. "checkout.reserved"; see STEPS."""
        ...


class NoCheckpoints:
    async def reached(self, step: str) -> None:
        return None


# Every step a use case announces, in the order it reaches them.
STEPS = (
    "checkout.reserved",  # checkout and orders committed, stock reserved; no invoice asked for yet
    "checkout.invoiced",  # the provider made the invoice; its id is not recorded yet
    "checkout.recorded",  # the invoice is recorded and the cart emptied; the answer is not kept yet
    "callback.applied",  # a payment callback's change is committed; the provider has no answer yet
    "payout.requested",  # the balance moved to in flight and committed; the provider not asked yet
    "payout.sent",  # the provider accepted the payout; its answer is not recorded yet
)
NO_CHECKPOINTS = NoCheckpoints()
