"""`marketplace sandbox xendit|gosend`: a provider sandbox served on its own (granian), for integration
tests and for running the marketplace against it by changing only a base URL.

Granian imports the app in its worker, so the command hands its options over in the environment and
`xendit_app_from_env` builds the app there. Also runnable as `python -m marketplace.entrypoints.cli.sandbox`.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from marketplace.adapters.sandbox.xendit import XenditSandbox, XenditSandboxConfig, create_xendit_sandbox

XENDIT_FACTORY = "marketplace.entrypoints.cli.sandbox:xendit_app_from_env"
DEFAULT_PORT = 8010
DEV_SECRET_KEY = "xnd_development_sandbox"  # development values: the real Xendit accepts neither
DEV_CALLBACK_TOKEN = "sandbox-callback-token"
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65_535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox", help="serve a local imitation of Xendit or GoSend",
        description="Serve a provider sandbox at the root of its own server. Xendit reads "
        "MARKETPLACE_XENDIT_SECRET_KEY, MARKETPLACE_XENDIT_CALLBACK_TOKEN, MARKETPLACE_SANDBOX_REFUND_SECONDS, "
        "MARKETPLACE_SANDBOX_RATE_LIMIT and MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS (comma separated).",
    )
    parser.add_argument("provider", choices=("xendit", "gosend"), help="the provider to imitate")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument("--callback-url", help="the marketplace's base URL, where callbacks go "
                        "(default MARKETPLACE_SANDBOX_CALLBACK_URL, else MARKETPLACE_PUBLIC_URL, else none are sent)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from marketplace.entrypoints.cli.runtime import CommandError
    from marketplace.entrypoints.cli.serve import public_url

    if args.provider == "gosend":
        print("marketplace sandbox gosend: not available yet", file=sys.stderr)
        return 2
    os.environ.setdefault("MARKETPLACE_SANDBOX_PUBLIC_URL", public_url(args.host, args.port))
    if args.callback_url is not None:
        os.environ["MARKETPLACE_SANDBOX_CALLBACK_URL"] = args.callback_url
    try:
        config = xendit_config_from_env(os.environ)
    except ValueError as error:
        raise CommandError(str(error)) from None
    key = config.secret_key if config.secret_key == DEV_SECRET_KEY else "from MARKETPLACE_XENDIT_SECRET_KEY"
    print(f"Xendit sandbox at {config.base_url} (secret key {key}); callbacks to "
          f"{config.callback_url or 'nowhere: pass --callback-url'}", file=sys.stderr)
    _serve(args.host, args.port)
    return 0


def xendit_config_from_env(environ: Mapping[str, str]) -> XenditSandboxConfig:
    """The standalone sandbox's settings; a ValueError names the variable that is wrong."""
    callback_url = environ.get("MARKETPLACE_SANDBOX_CALLBACK_URL") or environ.get("MARKETPLACE_PUBLIC_URL") or None
    return XenditSandboxConfig(
        secret_key=environ.get("MARKETPLACE_XENDIT_SECRET_KEY") or DEV_SECRET_KEY,
        callback_token=environ.get("MARKETPLACE_XENDIT_CALLBACK_TOKEN") or DEV_CALLBACK_TOKEN,
        public_url=environ.get("MARKETPLACE_SANDBOX_PUBLIC_URL") or f"http://127.0.0.1:{DEFAULT_PORT}",
        callback_url=callback_url,
        refund_seconds=_seconds(environ, "MARKETPLACE_SANDBOX_REFUND_SECONDS", "1")[0],
        rate_limit=_switch(environ, "MARKETPLACE_SANDBOX_RATE_LIMIT"),
        callback_retry_seconds=_seconds(environ, "MARKETPLACE_SANDBOX_CALLBACK_RETRY_SECONDS", "1,2,4,8,16,32"),
    )


def xendit_app_from_env() -> XenditSandbox:
    """Granian's factory (`XENDIT_FACTORY`)."""
    return create_xendit_sandbox(xendit_config_from_env(os.environ))


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


def _serve(host: str, port: int) -> None:
    from granian import Granian
    from granian.constants import Interfaces, Loops

    loop = Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio
    # One worker: the sandbox keeps its state in memory.
    Granian(XENDIT_FACTORY, address=host, port=port, interface=Interfaces.ASGI, workers=1, factory=True,
            loop=loop, websockets=False, log_access=False).serve()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m marketplace.entrypoints.cli.sandbox xendit ...`, the same command outside `marketplace`."""
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
