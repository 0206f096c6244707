"""A local imitation of GoSend's GoKilat courier API (docs/providers.md, "GoSend") as an ASGI app."""

from marketplace.adapters.sandbox.gosend.app import GoSendSandbox, create_gosend_sandbox
from marketplace.adapters.sandbox.gosend.config import GoSendSandboxConfig

__all__ = ["GoSendSandbox", "GoSendSandboxConfig", "create_gosend_sandbox"]
