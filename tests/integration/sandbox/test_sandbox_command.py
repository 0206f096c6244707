"""`marketplace sandbox` refuses what it cannot do with one line and exit status 2."""

from __future__ import annotations

import os
import subprocess
import sys

COMMAND = [sys.executable, "-m", "marketplace.entrypoints.cli.sandbox"]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MARKETPLACE_")}
    return subprocess.run([*COMMAND, *args], env={**environment, **env}, capture_output=True, text=True, timeout=60)


def test_a_bad_setting_is_refused_naming_the_variable() -> None:
    done = _run("xendit", "--port", "9", MARKETPLACE_SANDBOX_REFUND_SECONDS="soon")
    assert done.returncode == 2 and "MARKETPLACE_SANDBOX_REFUND_SECONDS" in done.stderr
    done = _run("xendit", "--port", "9", "--callback-url", "ftp://nowhere")
    assert done.returncode == 2 and "callback_url" in done.stderr


def test_an_unknown_provider_is_a_usage_error() -> None:
    done = _run("stripe")
    assert done.returncode == 2 and "invalid choice" in done.stderr
