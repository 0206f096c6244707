"""Xendit's error answer: `{"error_code", "message"}`, plus `errors` for validation (docs/providers.md, "Xendit errors")."""

from __future__ import annotations

from typing import Any

from marketplace.adapters.sandbox.asgi import Response, json_response


class XenditError(Exception):
    def __init__(self, status: int, error_code: str, message: str, errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(f"{error_code}: {message}")
        self.status, self.error_code, self.message, self.errors = status, error_code, message, errors

    def response(self) -> Response:
        body: dict[str, Any] = {"error_code": self.error_code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return json_response(body, self.status)


def validation_error(errors: list[dict[str, str]]) -> XenditError:
    first = errors[0]
    return XenditError(400, "API_VALIDATION_ERROR", f'"{first["path"]}" {first["message"]}', errors)
