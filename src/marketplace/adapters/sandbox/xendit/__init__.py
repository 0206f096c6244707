"""A local imitation of Xendit's Invoices v2, Refunds and Payouts v2 APIs (docs/providers.md, "Xendit") as an ASGI app."""

from marketplace.adapters.sandbox.xendit.app import XenditSandbox, create_xendit_sandbox
from marketplace.adapters.sandbox.xendit.config import XenditSandboxConfig

__all__ = ["XenditSandbox", "XenditSandboxConfig", "create_xendit_sandbox"]
