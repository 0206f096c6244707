"""Password guessing backs off: strictly per account and client address, more loosely per account alone."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from marketplace.application.errors import BackendUnavailable, RateLimited
from marketplace.application.ports.rate_limit import BackOff, BackOffPolicy

log = logging.getLogger("marketplace.identity")

# From one address: five free tries, then 5 s doubling up to 15 minutes. From anywhere: twenty, then
# at most two minutes, so that guesses spread over many addresses stay slow, yet nobody can keep an
# owner out of their account for long.
BY_CLIENT = BackOffPolicy(free=5, base_seconds=5, cap_seconds=900, forget_seconds=86_400)
BY_ACCOUNT = BackOffPolicy(free=20, base_seconds=5, cap_seconds=120, forget_seconds=3_600)


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    back_off: BackOff
    by_client: BackOffPolicy = BY_CLIENT
    by_account: BackOffPolicy = BY_ACCOUNT

    async def admit(self, account: str, client: str) -> None:
        """Raises RateLimited while the account backs off (for this client or for all); otherwise the try
        counts as a failure until `succeeded`. `account` is the email as given: unknown ones back off alike."""
        try:
            wait = await self.back_off.attempt(self._rules(account, client))
        except BackendUnavailable:
            # Failing open, as the per-address limit does: an outage must not keep everyone out.
            log.warning("login back-off unavailable; the try is allowed")
            return
        if wait:
            raise RateLimited(wait)

    async def succeeded(self, account: str, client: str) -> None:
        try:
            await self.back_off.forgive(list(self._rules(account, client)))
        except BackendUnavailable:
            log.warning("login back-off unavailable; the failures stay counted")

    def _rules(self, account: str, client: str) -> dict[str, BackOffPolicy]:
        # Hashed: the shared store holds no email addresses.
        def digest(text: str) -> str:
            return hashlib.sha256(text.encode()).hexdigest()[:32]

        return {
            f"login:account:{digest(account)}": self.by_account,
            f"login:client:{digest(account + chr(0) + client)}": self.by_client,
        }
