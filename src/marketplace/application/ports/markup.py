"""Markdown to HTML that is safe to put in a page as it is."""

from __future__ import annotations

from typing import Protocol


class MarkupRenderer(Protocol):
    def render(self, markdown: str) -> str:
        """HTML for `markdown`, sanitised: no scripts, styles, frames, forms or event-handler attributes,
        no raw HTML outside a small allowlist, links only to http(s), mailto or this site (and marked
        rel="nofollow noopener noreferrer"), images only from http(s) or this site."""
        ...
