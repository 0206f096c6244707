"""A local imitation of GoSend's GoKilat courier API (PROVIDERS.md section 2) as an ASGI app."""

from marketplace.adapters.sandbox.gosend.app import GoSendSandbox, create_gosend_sandbox
from marketplace.adapters.sandbox.gosend.config import GoSendSandboxConfig

__all__ = ["GoSendSandbox", "GoSendSandboxConfig", "create_gosend_sandbox"]
