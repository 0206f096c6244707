"""`marketplace sandbox xendit|gosend`: a provider sandbox served on its own (granian), for integration
tests and for running the marketplace against it by changing only a base URL.

Granian imports the app in its worker, so the command hands its options over in the environment and
`xendit_app_from_env` / `gosend_app_from_env` build the app there. Also runnable as `python -m marketplace.entrypoints.cli.sandbox`.
A sandbox keeps its records under MARKETPLACE_DATA_DIR (default ./var), in sandbox/xendit.json or
sandbox/gosend.json and a .journal beside it, so that started again it answers as before (one sandbox of
each kind per data dir).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from marketplace.adapters.sandbox.gosend import GoSendSandbox, GoSendSandboxConfig, create_gosend_sandbox
from marketplace.adapters.sandbox.xendit import XenditSandbox, XenditSandboxConfig, create_xendit_sandbox

XENDIT_FACTORY = "marketplace.entrypoints.cli.sandbox:xendit_app_from_env"
GOSEND_FACTORY = "marketplace.entrypoints.cli.sandbox:gosend_app_from_env"
FACTORIES = {"xendit": XENDIT_FACTORY, "gosend": GOSEND_FACTORY}
DEFAULT_PORT = 8010  # Xendit's
DEFAULT_PORTS = {"xendit": DEFAULT_PORT, "gosend": 8011}
DEV_SECRET_KEY = "xnd_development_sandbox"  # development values: the real Xendit accepts neither
DEV_CALLBACK_TOKEN = "sandbox-callback-token"
DEV_GOSEND_CLIENT_ID = "marketplace-engine"  # development values: the real GoSend accepts none of them
DEV_GOSEND_PASS_KEY = "sandbox-pass-key"
DEV_GOSEND_TOKEN = "sandbox-gosend-token"
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65_535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox",
        help="serve a local imitation of Xendit or GoSend",
        description="Serve a provider sandbox at the root of its own server. Xendit reads "
        "MARKETPLACE_XENDIT_SECRET_KEY, MARKETPLACE_XENDIT_CALLBACK_TOKEN, MARKETPLACE_SANDBOX_REFUND_SECONDS, MARKETPLACE_SANDBOX_PAYOUT_SECONDS, "
        "MARKETPLACE_SANDBOX_RATE_LIMIT and MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS (comma separated). "
        "GoSend reads MARKETPLACE_GOSEND_CLIENT_ID, MARKETPLACE_GOSEND_PASS_KEY, MARKETPLACE_GOSEND_WEBHOOK_HEADER "
        "(default Authorization), MARKETPLACE_GOSEND_WEBHOOK_TOKEN, MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS "
        "(0: bookings move only through the control endpoint) and MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS. "
        "Both read MARKETPLACE_SANDBOX_PUBLIC_URL (where people reach the sandbox) and keep their records "
        "across restarts under MARKETPLACE_DATA_DIR (default ./var), in sandbox/<provider>.json.",
    )
    parser.add_argument("provider", choices=("xendit", "gosend"), help="the provider to imitate")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port",
        type=_port,
        default=None,
        help=f"port to listen on (default {DEFAULT_PORTS['xendit']} for xendit, {DEFAULT_PORTS['gosend']} for gosend)",
    )
    parser.add_argument(
        "--callback-url",
        help="the marketplace's base URL, where callbacks go "
        "(default MARKETPLACE_SANDBOX_CALLBACK_URL, else MARKETPLACE_PUBLIC_URL, else none are sent)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from marketplace.entrypoints.cli.runtime import CommandError
    from marketplace.entrypoints.cli.serve import public_url

    port = args.port if args.port is not None else DEFAULT_PORTS[args.provider]
    os.environ.setdefault("MARKETPLACE_SANDBOX_PUBLIC_URL", public_url(args.host, port))
    if args.callback_url is not None:
        os.environ["MARKETPLACE_SANDBOX_CALLBACK_URL"] = args.callback_url
    try:
        if args.provider == "gosend":
            _announce_gosend(gosend_config_from_env(os.environ))
        else:
            _announce_xendit(xendit_config_from_env(os.environ))
    except ValueError as error:
        raise CommandError(str(error)) from None
    _serve(args.provider, args.host, port)
    return 0


def _announce_xendit(config: XenditSandboxConfig) -> None:
    key = config.secret_key if config.secret_key == DEV_SECRET_KEY else "from MARKETPLACE_XENDIT_SECRET_KEY"
    print(
        f"Xendit sandbox at {config.base_url} (secret key {key}); callbacks to "
        f"{config.callback_url or 'nowhere: pass --callback-url'}; records kept in {config.state_dir}",
        file=sys.stderr,
    )


def _announce_gosend(config: GoSendSandboxConfig) -> None:
    key = config.pass_key if config.pass_key == DEV_GOSEND_PASS_KEY else "from MARKETPLACE_GOSEND_PASS_KEY"
    token = (
        config.webhook_token if config.webhook_token == DEV_GOSEND_TOKEN else "from MARKETPLACE_GOSEND_WEBHOOK_TOKEN"
    )
    pace = f"every {config.pace_seconds:g} s" if config.pace_seconds > 0 else "only through the control endpoint"
    hooks = (
        f"webhooks to {config.webhook_url} with {config.webhook_header}: {token}"
        if config.webhook_url
        else "no webhooks: pass --callback-url"
    )
    print(
        f"GoSend sandbox at {config.base_url} (Client-ID {config.client_id}, Pass-Key {key}); {hooks}; "
        f"couriers move {pace}; records kept in {config.state_dir}",
        file=sys.stderr,
    )


def xendit_config_from_env(environ: Mapping[str, str]) -> XenditSandboxConfig:
    """The standalone sandbox's settings; a ValueError names the variable that is wrong."""
    callback_url = environ.get("MARKETPLACE_SANDBOX_CALLBACK_URL") or environ.get("MARKETPLACE_PUBLIC_URL") or None
    return XenditSandboxConfig(
        secret_key=environ.get("MARKETPLACE_XENDIT_SECRET_KEY") or DEV_SECRET_KEY,
        callback_token=environ.get("MARKETPLACE_XENDIT_CALLBACK_TOKEN") or DEV_CALLBACK_TOKEN,
        public_url=environ.get("MARKETPLACE_SANDBOX_PUBLIC_URL") or f"http://127.0.0.1:{DEFAULT_PORT}",
        callback_url=callback_url,
        refund_seconds=_seconds(environ, "MARKETPLACE_SANDBOX_REFUND_SECONDS", "1")[0],
        payout_seconds=(_seconds(environ, "MARKETPLACE_SANDBOX_PAYOUT_SECONDS", "0") or (0.0,))[0],
        rate_limit=_switch(environ, "MARKETPLACE_SANDBOX_RATE_LIMIT"),
        callback_retry_seconds=_seconds(environ, "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS", "1,2,4,8,16,32"),
        state_dir=sandbox_state_dir(environ),
    )


def sandbox_state_dir(environ: Mapping[str, str]) -> Path:
    """Where a standalone sandbox keeps its records: `sandbox/` in the data dir."""
    return Path(environ.get("MARKETPLACE_DATA_DIR") or "./var") / "sandbox"


def xendit_app_from_env() -> XenditSandbox:
    """Granian's factory (`XENDIT_FACTORY`)."""
    return create_xendit_sandbox(xendit_config_from_env(os.environ))


def gosend_config_from_env(environ: Mapping[str, str]) -> GoSendSandboxConfig:
    """The standalone GoSend sandbox's settings; a ValueError names the variable that is wrong."""
    callback_url = environ.get("MARKETPLACE_SANDBOX_CALLBACK_URL") or environ.get("MARKETPLACE_PUBLIC_URL") or None
    pace = _seconds(environ, "MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS", "0")
    if len(pace) != 1 or not 0 <= pace[0] <= 86_400:
        raise ValueError("MARKETPLACE_GOSEND_SANDBOX_PACE_SECONDS must be a number of seconds from 0 to 86400")
    header = environ.get("MARKETPLACE_GOSEND_WEBHOOK_HEADER") or "Authorization"
    try:
        return GoSendSandboxConfig(
            client_id=environ.get("MARKETPLACE_GOSEND_CLIENT_ID") or DEV_GOSEND_CLIENT_ID,
            pass_key=environ.get("MARKETPLACE_GOSEND_PASS_KEY") or DEV_GOSEND_PASS_KEY,
            webhook_token=environ.get("MARKETPLACE_GOSEND_WEBHOOK_TOKEN") or DEV_GOSEND_TOKEN,
            webhook_header=header,
            public_url=environ.get("MARKETPLACE_SANDBOX_PUBLIC_URL") or f"http://127.0.0.1:{DEFAULT_PORTS['gosend']}",
            callback_url=callback_url,
            pace_seconds=pace[0],
            callback_retry_seconds=_seconds(environ, "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS", "1,2,4,8,16,32"),
            state_dir=sandbox_state_dir(environ),
        )
    except ValueError as error:
        if str(error).startswith("webhook_header"):
            raise ValueError(f"MARKETPLACE_GOSEND_WEBHOOK_HEADER must be an HTTP header name, not {header!r}") from None
        raise


def gosend_app_from_env() -> GoSendSandbox:
    """Granian's factory (`GOSEND_FACTORY`)."""
    return create_gosend_sandbox(gosend_config_from_env(os.environ))


def _seconds(environ: Mapping[str, str], name: str, default: str) -> tuple[float, ...]:
    text = environ.get(name, default).strip()
    try:
        values = tuple(float(part) for part in text.split(",")) if text else ()
    except ValueError:
        raise ValueError(f"{name} must be seconds (comma separated for a schedule), not {text!r}") from None
    if not values and name.endswith("REFUND_SECONDS"):
        raise ValueError(f"{name} must be a number of seconds")
    return values


def _switch(environ: Mapping[str, str], name: str) -> bool:
    text = environ.get(name, "").strip().lower()
    if text not in TRUE + FALSE:
        raise ValueError(f"{name} must be true or false, not {text!r}")
    return text in TRUE


def _serve(provider: str, host: str, port: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    loop = Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio
    # One worker: the sandbox keeps its state in memory (and its one state file).
    Granian(
        FACTORIES[provider],
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=1,
        factory=True,
        loop=loop,
        websockets=False,
        log_access=False,
    ).serve()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m marketplace.entrypoints.cli.sandbox xendit|gosend ...`, the same command outside `marketplace`."""
    from marketplace.entrypoints.cli.runtime import CommandError

    parser = argparse.ArgumentParser(prog="marketplace")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["sandbox", *(sys.argv[1:] if argv is None else argv)])
    try:
        return int(args.handler(args))
    except (CommandError, ValueError) as error:
        print(f"marketplace: error: {error}", file=sys.stderr)
        return getattr(error, "status", 2)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
