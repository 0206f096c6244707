"""TEST ONLY: the app exactly as `marketplace serve` builds it, plus a checkpoint that kills the process
at the step named by CRASH_AT (a step of marketplace.application.ports.checkpoints.STEPS).

This module lives in the tests and is never installed: no deployment can reach the kill switch. Run
it as `python -m tests.integration.crash_app --port P` from the repository's root; granian serves it
in one worker process that is not respawned, so the whole server is gone once the step is reached.
CRASH_ORPHAN_AFTER shortens how long the worker waits before it settles a checkout left without an
invoice (two minutes in a deployment), so a test can watch it happen.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from typing import Any

from dependency_injector import providers

from marketplace.application.ports.checkpoints import STEPS
from marketplace.entrypoints.container import build_container
from marketplace.entrypoints.http.app import create_app as create_marketplace
from marketplace.entrypoints.settings import Settings

KILLED_AT = "crash_app: killed at"  # what the process writes to standard error as it dies


class KillAt:
    def __init__(self, step: str) -> None:
        if step not in STEPS:
            raise ValueError(f"unknown step {step!r}; one of {', '.join(STEPS)}")
        self.step = step

    async def reached(self, step: str) -> None:
        if step == self.step:
            sys.stderr.write(f"{KILLED_AT} {step}\n")
            sys.stderr.flush()
            os._exit(86)  # no finally, no shutdown, no answer: as a power cut


def create_app() -> Any:
    settings = Settings.from_env()
    container = build_container(settings)
    if os.environ.get("CRASH_AT"):
        container.checkpoints.override(providers.Object(KillAt(os.environ["CRASH_AT"])))
    orphan_after = timedelta(seconds=float(os.environ.get("CRASH_ORPHAN_AFTER", "120")))
    container.expire_checkouts.add_kwargs(orphan_after=orphan_after)
    return create_marketplace(settings, container)


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    os.environ.update(
        MARKETPLACE_HOST="127.0.0.1", MARKETPLACE_PORT=str(port), MARKETPLACE_PUBLIC_URL=f"http://127.0.0.1:{port}"
    )
    Granian(
        "tests.integration.crash_app:create_app",
        address="127.0.0.1",
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        websockets=False,
        log_access=False,
        respawn_failed_workers=False,
    ).serve()


if __name__ == "__main__":
    main()
