"""MarkupRenderer contract: Markdown kept, everything that could run or frame something stripped."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.adapters.markup.markdown import MarkdownRenderer
from marketplace.application.ports.markup import MarkupRenderer

SAFE_TAGS = {
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
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class Elements(HTMLParser):
    """Every element of a fragment with its attributes, and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.comments: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def of(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


def assert_safe(html: str) -> Elements:
    """No tag outside the allowlist, no event handler or style, URLs only with safe schemes."""
    parsed = Elements(html)
    for tag, attrs in parsed.elements:
        assert tag in SAFE_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on") and name not in ("style", "srcdoc", "formaction"), (tag, name)
            if name in ("href", "src"):
                assert value is not None and urlsplit(value.strip()).scheme.lower() in SAFE_SCHEMES, (tag, value)
    assert parsed.comments == []
    return parsed


@pytest.fixture(params=["markdown-it-py+nh3"])
def renderer(request: pytest.FixtureRequest) -> MarkupRenderer:
    return MarkdownRenderer()


def test_markdown_is_rendered(renderer: MarkupRenderer) -> None:
    html = renderer.render(
        "# Title\n\nSome *em* and **strong** and `code`.\n\n- one\n- two\n\n1. first\n\n> quoted\n\n"
        '```\nfenced\n```\n\n[a link](https://example.com/x "hint") and [a page](/about) and '
        "[mail](mailto:cs@example.com)\n\n![alt text](https://cdn.example.com/a.png)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "~~old~~\n\n---\n"
    )
    parsed = assert_safe(html)
    for tag in (
        "h1",
        "em",
        "strong",
        "code",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "a",
        "img",
        "table",
        "td",
        "s",
        "hr",
    ):
        assert parsed.of(tag), f"<{tag}> missing from {html!r}"
    links = {a["href"]: a for a in parsed.of("a")}
    assert set(links) == {"https://example.com/x", "/about", "mailto:cs@example.com"}
    assert links["https://example.com/x"]["title"] == "hint"
    assert all(set((a["rel"] or "").split()) >= {"nofollow", "noopener"} for a in parsed.of("a"))
    assert parsed.of("img") == [{"src": "https://cdn.example.com/a.png", "alt": "alt text"}]
    assert "Title" in parsed.text and "fenced\n" in parsed.text


def test_script_tags_go_with_their_content(renderer: MarkupRenderer) -> None:
    for markdown in (
        "<script>alert(1)</script>",
        "Hello <script>alert(1)</script> world",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<script>\nalert(1)\n\n</script>",
        "<svg><script>alert(1)</script></svg>",
        "<style>body{display:none}</style>",
    ):
        html = renderer.render(markdown)
        assert_safe(html)
        assert "alert" not in html and "script" not in html.lower() and "display" not in html, html


@pytest.mark.parametrize(
    "markdown",
    [
        "<img src=x onerror=alert(1)>",
        '<img src="x" onerror="alert(1)">',
        "Text <b onmouseover=alert(1)>bold</b>",
        "<p ONCLICK='alert(1)'>p</p>",
        "<a href=/x onfocus=alert(1) autofocus>x</a>",
        '<div style="background:url(javascript:alert(1))">d</div>',
        "<body onload=alert(1)>",
    ],
)
def test_event_handlers_and_styles_are_stripped(renderer: MarkupRenderer, markdown: str) -> None:
    html = renderer.render(markdown)
    assert_safe(html)
    assert "alert" not in html, html


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,hi)",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        '<img src="data:image/png;base64,AAAA">',
        "[x][r]\n\n[r]: javascript:alert(1)",
    ],
)
def test_dangerous_urls_are_removed_and_the_link_text_kept(renderer: MarkupRenderer, markdown: str) -> None:
    html = renderer.render(markdown)
    parsed = assert_safe(html)
    assert all("href" not in a or urlsplit(a["href"] or "").scheme in SAFE_SCHEMES for a in parsed.of("a"))
    assert "javascript:alert" not in html.lower().replace("&#x09;", ""), html


def test_an_autolink_to_a_script_is_left_as_inert_text(renderer: MarkupRenderer) -> None:
    parsed = assert_safe(renderer.render("<javascript:alert(1)>"))
    assert all("href" not in a for a in parsed.of("a")) and "javascript:alert(1)" in "".join(parsed.text)


@pytest.mark.parametrize(
    "markdown",
    [
        '<iframe src="https://evil.example"></iframe>',
        "<object data=x></object><embed src=x>",
        "<form action=/x><input name=a><button>go</button></form>",
        '<meta http-equiv=refresh content="0;url=x">',
        "<link rel=stylesheet href=x>",
        '<base href="https://evil.example/">',
        "<!-- secret --> visible",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    ],
)
def test_raw_html_outside_the_allowlist_is_removed(renderer: MarkupRenderer, markdown: str) -> None:
    html = renderer.render(markdown)
    parsed = assert_safe(html)
    assert not any(
        tag in ("iframe", "object", "embed", "form", "input", "button", "meta", "link", "base")
        for tag, _ in parsed.elements
    )
    assert "secret" not in html and "alert" not in html, html


def test_harmless_raw_html_in_the_allowlist_survives(renderer: MarkupRenderer) -> None:
    parsed = assert_safe(renderer.render('Water is H<sub>2</sub>O, <abbr title="Jakarta">JKT</abbr>.'))
    assert parsed.of("sub") and parsed.of("abbr") == [{"title": "Jakarta"}]


PIECES = st.sampled_from(
    list("<>/=\"' abcxyz:()[]!#*`&;\n")
    + [
        "<script>",
        "</script>",
        "<img",
        "onerror=",
        "javascript:",
        "<iframe",
        "<a href=",
        "<svg",
        "<style>",
        "-->",
        "<!--",
        "src=",
        "&#x6a;",
        "<p",
        "style=",
    ]
)


@given(st.lists(PIECES, max_size=40).map("".join))
def test_whatever_is_written_the_output_is_safe(text: str) -> None:
    assert_safe(MarkdownRenderer().render(text))
