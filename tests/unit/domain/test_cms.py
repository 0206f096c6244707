"""CMS pages and banners: slugs, text and size limits, links, time windows, publishing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from marketplace.domain.cms.banner import CmsBanner, CmsBannerPublished
from marketplace.domain.cms.content import ContentStatus, check_link
from marketplace.domain.cms.page import MAX_BODY_BYTES, CmsPage, CmsPagePublished
from marketplace.domain.shared.errors import IllegalTransition, InvalidValue

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def a_page(**changes: object) -> CmsPage:
    values: dict[str, object] = {
        "id": "p1",
        "slug": "about-us",
        "title": "About us",
        "body": "# Hi",
        "html": "<h1>Hi</h1>",
        "seo_title": None,
        "seo_description": None,
        "now": NOW,
    }
    values.update(changes)
    return CmsPage.draft(**values)  # type: ignore[arg-type]


def a_banner(**changes: object) -> CmsBanner:
    values: dict[str, object] = {
        "id": "b1",
        "placement": "home-hero",
        "title": "Sale",
        "link_url": "/sale",
        "media_id": None,
        "starts_at": None,
        "ends_at": None,
        "now": NOW,
    }
    values.update(changes)
    return CmsBanner.draft(**values)  # type: ignore[arg-type]


def field_of(error: pytest.ExceptionInfo[InvalidValue]) -> str:
    return error.value.field


@pytest.mark.parametrize("slug", ["About-Us", "about us", "-about", "about--us", "about_us", "", "a" * 81, "über"])
def test_a_page_slug_is_a_lower_case_url_slug(slug: str) -> None:
    with pytest.raises(InvalidValue) as error:
        a_page(slug=slug)
    assert field_of(error) == "slug"


def test_a_new_page_is_a_draft_with_its_content_and_blank_seo_fields_are_absent() -> None:
    page = a_page(seo_title="  ", seo_description=" Who we are ")
    assert page.status is ContentStatus.DRAFT and not page.is_published
    assert (page.slug, page.title, page.body, page.html) == ("about-us", "About us", "# Hi", "<h1>Hi</h1>")
    assert page.seo_title is None and page.seo_description == "Who we are"
    assert page.published_at is None and page.created_at == page.updated_at == NOW


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "x" * 201),
        ("title", "bell\x07"),
        ("seo_title", "x" * 121),
        ("seo_description", "x" * 321),
        ("body", "   \n"),
        ("body", "a\x00b"),
    ],
)
def test_page_text_limits(field: str, value: str) -> None:
    with pytest.raises(InvalidValue) as error:
        a_page(**{field: value})
    assert field_of(error) == field


def test_the_body_is_kept_as_written_up_to_its_size_in_bytes() -> None:
    indented = "    code block\n\ttabbed\r\n"
    assert a_page(body=indented).body == indented
    assert len(a_page(body="a" * MAX_BODY_BYTES).body) == MAX_BODY_BYTES
    with pytest.raises(InvalidValue) as error:
        a_page(body="é" * (MAX_BODY_BYTES // 2 + 1))  # few characters, too many bytes
    assert field_of(error) == "body"


def test_publishing_a_page_records_it_once_and_editing_keeps_it_published() -> None:
    page = a_page()
    page.publish(NOW + HOUR)
    assert page.is_published and page.published_at == NOW + HOUR
    assert page.pull_events() == [CmsPagePublished(page_id="p1", slug="about-us")]
    with pytest.raises(IllegalTransition):
        page.publish(NOW + 2 * HOUR)
    page.edit(
        slug="about",
        title="About",
        body="new",
        html="<p>new</p>",
        seo_title=None,
        seo_description=None,
        now=NOW + 3 * HOUR,
    )
    assert page.is_published and page.html == "<p>new</p>" and page.updated_at == NOW + 3 * HOUR
    page.unpublish(NOW + 4 * HOUR)
    assert page.status is ContentStatus.DRAFT
    with pytest.raises(IllegalTransition):
        page.unpublish(NOW + 5 * HOUR)
    page.publish(NOW + 6 * HOUR)
    assert page.published_at == NOW + HOUR, "the first publication date is kept"


def test_a_failed_edit_changes_nothing() -> None:
    page = a_page()
    with pytest.raises(InvalidValue):
        page.edit(slug="new-slug", title="New", body="", html="", seo_title=None, seo_description=None, now=NOW + HOUR)
    assert (page.slug, page.title, page.body, page.updated_at) == ("about-us", "About us", "# Hi", NOW)


@pytest.mark.parametrize(
    "link",
    [
        "https://example.com/sale?x=1#top",
        "http://example.com",
        "HTTPS://EXAMPLE.COM/",
        "/sale",
        "/",
        "/c/batik?sort=newest",
    ],
)
def test_links_are_http_urls_or_paths_on_this_site(link: str) -> None:
    assert a_banner(link_url=link).link_url == link


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
        "//evil.example/",
        "/\\evil.example",
        "https:\\\\evil.example",
        "ftp://example.com/",
        "mailto:a@b.c",
        "sale",
        "https://",
        "http://exa mple.com",
        "https://example.com/\x00",
        "https://[::1",
        "/sale\u202e",
        "https://example.com/" + "a" * 2000,
        "",
    ],
)
def test_other_links_are_refused(link: str) -> None:
    with pytest.raises(InvalidValue) as error:
        a_banner(link_url=link)
    assert field_of(error) == "link_url"


@given(st.text(max_size=60))
def test_an_accepted_link_is_never_a_script_or_another_host_in_disguise(text: str) -> None:
    try:
        link = check_link("link_url", text)
    except InvalidValue:
        return
    assert "\\" not in link and not any(ch.isspace() for ch in link)
    if link.startswith("/"):
        assert not link.startswith("//")
    else:
        assert urlsplit(link).scheme.lower() in ("http", "https") and urlsplit(link).hostname


@pytest.mark.parametrize("placement", ["Home", "home hero", "-home", "home--hero", "", "h" * 41])
def test_a_placement_is_a_short_key(placement: str) -> None:
    with pytest.raises(InvalidValue) as error:
        a_banner(placement=placement)
    assert field_of(error) == "placement"


def test_a_window_starts_before_it_ends_and_its_times_are_aware_and_sane() -> None:
    with pytest.raises(InvalidValue) as error:
        a_banner(starts_at=NOW, ends_at=NOW)
    assert field_of(error) == "ends_at"
    with pytest.raises(InvalidValue) as error:
        a_banner(starts_at=NOW.replace(tzinfo=None))
    assert field_of(error) == "starts_at"
    with pytest.raises(InvalidValue) as error:
        a_banner(ends_at=datetime(9999, 12, 31, 23, 0, tzinfo=timezone(-timedelta(hours=5))))
    assert field_of(error) == "ends_at"
    jakarta = timezone(timedelta(hours=7))
    banner = a_banner(starts_at=datetime(2025, 6, 1, 19, 0, tzinfo=jakarta))
    assert banner.starts_at == NOW and banner.starts_at.tzinfo is UTC


def test_a_banner_is_live_while_published_and_inside_its_window() -> None:
    banner = a_banner(starts_at=NOW, ends_at=NOW + HOUR)
    assert not banner.is_live(NOW)
    banner.publish(NOW - HOUR)
    assert banner.pull_events() == [CmsBannerPublished(banner_id="b1", placement="home-hero")]
    assert not banner.is_live(NOW - timedelta(microseconds=1))
    assert banner.is_live(NOW) and banner.is_live(NOW + HOUR - timedelta(microseconds=1))
    assert not banner.is_live(NOW + HOUR) and banner.has_ended(NOW + HOUR)
    open_ended = a_banner()
    open_ended.publish(NOW)
    assert open_ended.is_live(datetime(2199, 1, 1, tzinfo=UTC))


def test_a_banner_whose_window_ended_may_be_published_but_is_never_live_and_one_may_be_ended_early() -> None:
    ended = a_banner(starts_at=NOW - 2 * HOUR, ends_at=NOW - HOUR)
    ended.publish(NOW)
    assert ended.is_published and not ended.is_live(NOW)
    live = a_banner(ends_at=NOW + HOUR)
    live.publish(NOW)
    live.edit(
        placement="home-hero",
        title="Sale",
        link_url="/sale",
        media_id=None,
        starts_at=None,
        ends_at=NOW - HOUR,
        now=NOW,
    )
    assert live.is_published and not live.is_live(NOW)
    live.unpublish(NOW)
    with pytest.raises(IllegalTransition):
        live.unpublish(NOW)
