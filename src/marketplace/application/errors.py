"""Application errors: what a use case refuses for reasons outside the aggregates' own rules."""

from __future__ import annotations

from marketplace.domain.shared.errors import DomainError


class NotFound(DomainError):
    """Unknown, or not the caller's to see (never a 403 for another user's private thing)."""

    code = "not-found"

    def __init__(self, what: str, ref: str | None = None) -> None:
        super().__init__(f"{what} {ref!r} was not found" if ref else f"{what} was not found")
        self.what = what


class Forbidden(DomainError):
    """Signed in and allowed to see it, but not to do this."""

    code = "forbidden"


class Unauthenticated(DomainError):
    """Missing, invalid or expired credentials."""

    code = "unauthenticated"


class RateLimited(DomainError):
    code = "rate-limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many requests; retry in {retry_after} s")
        self.retry_after = retry_after


class BackendUnavailable(DomainError):
    """A database, cache or provider could not be reached; the request may be retried."""

    code = "service-unavailable"


class ProviderFailed(DomainError):
    """A provider (payments, courier) refused or failed a request on our behalf; the request may be
    retried later, and nothing of it was kept."""

    code = "provider-error"
