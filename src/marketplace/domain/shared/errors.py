"""Domain errors: every broken rule raises one of these, never a bare exception."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule was broken. `code` is stable and becomes the problem type."""

    code = "domain-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidValue(DomainError):
    """A value is outside what the domain accepts (bad price, empty name, ...)."""

    code = "validation-error"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class IllegalTransition(DomainError):
    """The aggregate cannot move from its current state by this action."""

    code = "illegal-transition"


class Conflict(DomainError):
    """The change clashes with existing data (a duplicate, a concurrent edit)."""

    code = "conflict"


class DuplicateEmail(Conflict):
    code = "duplicate-email"


class DuplicateSku(Conflict):
    code = "duplicate-sku"

    def __init__(self, sku: str) -> None:
        super().__init__(f"SKU {sku!r} is already used in this store")
        self.sku = sku


class DuplicateSlug(Conflict):
    code = "duplicate-slug"


class ConcurrentUpdate(Conflict):
    """Someone else changed the aggregate between our read and our write."""

    code = "concurrent-update"


class InsufficientStock(Conflict):
    """Short stock; `variants` lists {variant_id, requested, available} when the caller knows them."""

    code = "insufficient-stock"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.variants: list[dict[str, object]] = []
