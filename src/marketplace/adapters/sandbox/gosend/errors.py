"""GoSend's error answer (docs/providers.md, "GoSend errors"): a non-2xx status, `{"errors": ["...", ...]}` and the
first message again in an `Error-Message` header. Official error codes are not known; none are invented."""

from __future__ import annotations

from marketplace.adapters.sandbox.asgi import Response, json_response

HEADER_LIMIT = 300


class GoSendError(Exception):
    def __init__(self, status: int, *messages: str) -> None:
        super().__init__(messages[0] if messages else "error")
        self.status = status
        self.messages = list(messages) or ["error"]

    def response(self) -> Response:
        return json_response({"errors": self.messages}, self.status).with_headers(
            ("Error-Message", header_safe(self.messages[0]))
        )


def header_safe(text: str) -> str:
    """Printable ASCII only: a message may echo what a client sent, which must not break the header."""
    return "".join(c if " " <= c <= "~" else "?" for c in text)[:HEADER_LIMIT]


def bad_request(*messages: str) -> GoSendError:
    return GoSendError(400, *messages)
