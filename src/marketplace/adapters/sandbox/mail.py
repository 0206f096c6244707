"""`GET /sandbox/mail`: the mail written where the sandboxes serve, newest first, so a person (or a test) can
follow a verification or password-reset link without a mail server (docs/api.md, "Built-in sandboxes").
Optional `?to=` keeps one recipient's messages, `?limit=` (1-500, default 50) how many."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import parse_qs

from marketplace.adapters.mail.mime import SentMail
from marketplace.adapters.sandbox.asgi import Receive, Response, SandboxApp, Scope, json_response, relative_path

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


class SentMailbox(Protocol):
    async def recent(self, limit: int = DEFAULT_LIMIT, to: str | None = None) -> list[SentMail]: ...


def _problem(status: int, detail: str) -> Response:
    return json_response({"status": status, "detail": detail}, status)


class MailSandbox(SandboxApp):
    """Mounted at /sandbox/mail (or served at the root): one read-only listing."""

    def __init__(self, mailbox: SentMailbox) -> None:
        self.mailbox = mailbox

    async def respond(self, scope: Scope, receive: Receive) -> Response:
        if relative_path(scope) != "/":
            return _problem(404, "no such sandbox page")
        if scope["method"] != "GET":
            return _problem(405, "the mail listing is read only").with_headers(("allow", "GET"))
        query = _query(scope)
        limit_text = query.get("limit", str(DEFAULT_LIMIT))
        if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
            return _problem(422, f"limit must be a whole number from 1 to {MAX_LIMIT}")
        listed = await self.mailbox.recent(int(limit_text), query.get("to") or None)
        items = [
            {"id": m.id, "to": m.to, "subject": m.subject, "sent_at": m.sent_at.isoformat(), "text": m.text}
            for m in listed
        ]
        return json_response({"items": items})


def _query(scope: Scope) -> dict[str, str]:
    parsed = parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
    return {name: values[-1] for name, values in parsed.items()}
