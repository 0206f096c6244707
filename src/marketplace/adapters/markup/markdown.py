"""CommonMark (plus tables and strikethrough) rendered by markdown-it-py, then sanitised by nh3.

Raw HTML in the Markdown is let through the renderer on purpose, so that the sanitiser, not the
renderer, is the one place deciding what survives: an allowlist of tags and attributes, URL
schemes limited to http, https and mailto (relative URLs stay: links within the site), `<script>`,
`<style>` and the like removed with their content, every other unknown tag removed with its text
kept, comments dropped, and rel="nofollow noopener noreferrer" on every link.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with everything inside them (the rest of the unknown tags lose only the tag).
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "template",
        "textarea",
        "select",
        "svg",
        "math",
        "title",
        "xmp",
        "plaintext",
    }
)
LINK_REL = "nofollow noopener noreferrer"


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it's name
        """Every link and image URL goes to the sanitiser, which drops those it refuses: the link's
        text stays, without a `javascript:` URL written out in it as the renderer would leave it."""
        return True


class MarkdownRenderer:
    """The MarkupRenderer port; safe to share (it keeps no state between calls)."""

    def __init__(self) -> None:
        self._markdown = _Markdown("commonmark", {"html": True}).enable(["table", "strikethrough"])
        self._cleaner = nh3.Cleaner(
            tags=set(TAGS),
            attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
            url_schemes=set(URL_SCHEMES),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            link_rel=LINK_REL,
            strip_comments=True,
        )

    def render(self, markdown: str) -> str:
        return self._cleaner.clean(self._markdown.render(markdown))
