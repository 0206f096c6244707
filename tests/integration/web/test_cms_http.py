"""The CMS over HTTP on every backend (memory, SQLite, PostgreSQL + Redis): pages and banners written by
admins, served to anyone with scripts gone, banners only inside their window, caches emptied by writes.

The PostgreSQL database is shared by the session's tests: each test uses slugs and placements of its own.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from PIL import Image

from tests.integration.web.conftest import Api

EVIL = (
    "# Welcome\n\nWe sell **batik**. <script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
    "[Click me](javascript:alert(1)) or see [the sale](/sale) and [our blog](https://blog.example.com/).\n\n"
    '<iframe src="https://evil.example/"></iframe>\n'
)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


async def _admin(api: Api) -> dict[str, str]:
    admin = await api.register("admin")
    await api.make_admin(admin["email"])
    return {"Authorization": admin["auth"]}


def _problem(response: Any, status: int, kind: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"].endswith(f"/{kind}") and body["status"] == status
    return body


async def _page(api: Api, auth: dict[str, str], slug: str, body: str = "Hello", **extra: Any) -> dict[str, Any]:
    created = await api.client.post(
        "/api/v1/admin/cms/pages", headers=auth, json={"slug": slug, "title": slug.title(), "body": body, **extra}
    )
    assert created.status_code == 201, created.text
    return created.json()


async def _banner(api: Api, auth: dict[str, str], title: str, *, publish: bool = True, **fields: Any) -> dict[str, Any]:
    body = {"placement": "home-hero", "title": title, "link_url": "https://example.com/sale", **fields}
    created = await api.client.post("/api/v1/admin/cms/banners", headers=auth, json=body)
    assert created.status_code == 201, created.text
    banner: dict[str, Any] = created.json()
    if publish:
        published = await api.client.post(f"/api/v1/admin/cms/banners/{banner['id']}/publish", headers=auth)
        assert published.status_code == 200, published.text
        banner = published.json()
    return banner


async def _live(api: Api, placement: str | None = None) -> list[str]:
    listed = await api.client.get(
        "/api/v1/cms/banners", params={"placement": placement, "limit": 100} if placement else {"limit": 100}
    )
    assert listed.status_code == 200, listed.text
    assert listed.json()["next_cursor"] is None or placement is None
    return [b["title"] for b in listed.json()["items"]]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class _Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


async def test_an_admin_publishes_a_page_and_banners_and_the_public_sees_them_safely(api: Api) -> None:
    auth, tag = await _admin(api), _tag()
    slug, hero, footer = f"about-{tag}", f"hero-{tag}", f"footer-{tag}"
    page = await _page(api, auth, slug, EVIL, seo_title="About the shop", seo_description="Batik since 1990")
    assert page["status"] == "draft" and page["body"] == EVIL
    published = await api.client.post(f"/api/v1/admin/cms/pages/{page['id']}/publish", headers=auth)
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published" and published.json()["published_at"]

    shown = await api.client.get(f"/api/v1/cms/pages/{slug}")
    assert shown.status_code == 200, shown.text
    public = shown.json()
    assert "body" not in public and "<script" not in shown.text.lower(), "the public page is its sanitised HTML only"
    assert {k: public[k] for k in ("id", "slug", "title", "status", "seo_title", "seo_description")} == {
        "id": page["id"],
        "slug": slug,
        "title": page["title"],
        "status": "published",
        "seo_title": "About the shop",
        "seo_description": "Batik since 1990",
    }
    html = public["html"]
    assert "<h1>Welcome</h1>" in html and "<strong>batik</strong>" in html
    for gone in ("<script", "alert(", "onerror", "javascript:", "<iframe"):
        assert gone not in html.lower(), f"{gone} in {html}"
    tags = _Tags(html).found
    links = [attrs for tag, attrs in tags if tag == "a"]
    assert [a.get("href") for a in links] == [None, "/sale", "https://blog.example.com/"]
    assert all("nofollow" in (a.get("rel") or "") for a in links)
    assert {tag for tag, _ in tags} <= {"h1", "p", "strong", "img", "a"}

    now = datetime.now(UTC)
    await _banner(api, auth, "Ramadan sale", placement=hero, starts_at=_iso(now - timedelta(hours=1)))
    await _banner(api, auth, "Footer promo", placement=footer)
    await _banner(
        api,
        auth,
        "Not yet",
        placement=hero,
        starts_at=_iso(now + timedelta(hours=1)),
        ends_at=_iso(now + timedelta(hours=2)),
    )
    await _banner(api, auth, "A draft", placement=hero, publish=False)
    flash_ends = datetime.now(UTC) + timedelta(seconds=3)  # listed now, gone in a moment
    ending = await _banner(api, auth, "Flash sale", placement=hero, ends_at=_iso(flash_ends))
    assert ending["status"] == "published" and ending["image_url"] is None
    assert await _live(api, hero) == ["Flash sale", "Ramadan sale"]
    everywhere = await _live(api)
    assert [t for t in everywhere if t in ("Flash sale", "Footer promo", "Ramadan sale", "Not yet", "A draft")] == [
        "Flash sale",
        "Footer promo",
        "Ramadan sale",
    ]
    assert await _live(api, footer) == ["Footer promo"]
    assert await _live(api, f"sidebar-{tag}") == []

    await asyncio.sleep(max(0.0, (flash_ends - datetime.now(UTC)).total_seconds() + 0.1))
    assert await _live(api, hero) == ["Ramadan sale"], "a banner whose window has ended is not listed"
    ended = await _banner(
        api, auth, "Too late", placement=hero, publish=False, ends_at=_iso(now - timedelta(minutes=1))
    )
    published = await api.client.post(f"/api/v1/admin/cms/banners/{ended['id']}/publish", headers=auth)
    assert published.status_code == 200 and published.json()["status"] == "published", published.text
    assert await _live(api, hero) == ["Ramadan sale"], "published, but its window has ended: not listed"


async def test_drafts_are_404_to_the_public_and_writes_are_for_admins(api: Api) -> None:
    auth, tag = await _admin(api), _tag()
    user = await api.register("someone")
    someone = {"Authorization": user["auth"]}
    page = await _page(api, auth, f"draft-{tag}")
    banner = await _banner(api, auth, "Draft banner", placement=f"hero-{tag}", publish=False)
    _problem(await api.client.get(f"/api/v1/cms/pages/draft-{tag}"), 404, "not-found")
    _problem(await api.client.get(f"/api/v1/cms/pages/draft-{tag}", headers=auth), 404, "not-found")
    _problem(await api.client.get(f"/api/v1/cms/pages/missing-{tag}"), 404, "not-found")
    _problem(await api.client.get("/api/v1/cms/pages/Not%20A%20Slug"), 404, "not-found")
    assert await _live(api, f"hero-{tag}") == []

    writes = [
        ("post", "/api/v1/admin/cms/pages", {"slug": f"mine-{tag}", "title": "Mine", "body": "x"}),
        ("patch", f"/api/v1/admin/cms/pages/{page['id']}", {"title": "Mine"}),
        ("post", f"/api/v1/admin/cms/pages/{page['id']}/publish", None),
        ("post", f"/api/v1/admin/cms/pages/{page['id']}/unpublish", None),
        ("post", "/api/v1/admin/cms/banners", {"placement": "home", "title": "Mine", "link_url": "/"}),
        ("patch", f"/api/v1/admin/cms/banners/{banner['id']}", {"title": "Mine"}),
        ("post", f"/api/v1/admin/cms/banners/{banner['id']}/publish", None),
        ("post", f"/api/v1/admin/cms/banners/{banner['id']}/unpublish", None),
        ("get", "/api/v1/admin/cms/pages", None),
        ("get", f"/api/v1/admin/cms/pages/{page['id']}", None),
        ("get", "/api/v1/admin/cms/banners", None),
        ("get", f"/api/v1/admin/cms/banners/{banner['id']}", None),
    ]
    for method, url, body in writes:
        kwargs: dict[str, Any] = {"json": body} if body is not None else {}
        _problem(await api.client.request(method, url, headers=someone, **kwargs), 403, "forbidden")
        _problem(await api.client.request(method, url, **kwargs), 401, "unauthenticated")
    unchanged = await api.client.get(f"/api/v1/admin/cms/pages/{page['id']}", headers=auth)
    assert unchanged.status_code == 200, unchanged.text
    assert (unchanged.json()["title"], unchanged.json()["status"]) == (page["title"], "draft")
    assert await _live(api, f"hero-{tag}") == []

    drafts = await api.client.get("/api/v1/admin/cms/pages", headers=auth, params={"status": "draft", "limit": 100})
    assert page["id"] in [p["id"] for p in drafts.json()["items"]]
    published = await api.client.get("/api/v1/admin/cms/pages", headers=auth, params={"status": "published"})
    assert page["id"] not in [p["id"] for p in published.json()["items"]]
    banners = await api.client.get("/api/v1/admin/cms/banners", headers=auth, params={"placement": f"hero-{tag}"})
    assert [b["id"] for b in banners.json()["items"]] == [banner["id"]]
    _problem(
        await api.client.get("/api/v1/admin/cms/pages/00000000-0000-7000-8000-000000000000", headers=auth),
        404,
        "not-found",
    )
    _problem(await api.client.post("/api/v1/admin/cms/banners/nope/publish", headers=auth), 404, "not-found")


async def test_bad_cms_input_is_refused(api: Api) -> None:
    auth, tag = await _admin(api), _tag()
    await _page(api, auth, f"terms-{tag}")
    other = await _page(api, auth, f"privacy-{tag}")
    _problem(
        await api.client.post(
            "/api/v1/admin/cms/pages", headers=auth, json={"slug": f"terms-{tag}", "title": "Again", "body": "x"}
        ),
        409,
        "duplicate-slug",
    )
    _problem(
        await api.client.patch(f"/api/v1/admin/cms/pages/{other['id']}", headers=auth, json={"slug": f"terms-{tag}"}),
        409,
        "duplicate-slug",
    )

    def page(**changes: Any) -> dict[str, Any]:
        return {"slug": f"help-{tag}", "title": "Help", "body": "Ask us", **changes}

    for body, field in [
        (page(slug="Help Me"), "slug"),
        (page(slug="help--me"), "slug"),
        (page(title=""), "title"),
        (page(body="x" * 100_001), "body"),
        (page(body="é" * 50_001), "body"),
        (page(body="   "), "body"),
        (page(seo_title="x" * 121), "seo_title"),
        (page(seo_description="x" * 321), "seo_description"),
        (page(extra=1), "body"),  # an unknown field: the request body as a whole
    ]:
        refused = _problem(
            await api.client.post("/api/v1/admin/cms/pages", headers=auth, json=body), 422, "validation-error"
        )
        assert field in {e["field"] for e in refused["errors"]}, (field, refused)
    _problem(await api.client.get(f"/api/v1/cms/pages/help-{tag}"), 404, "not-found")

    def banner(**changes: Any) -> dict[str, Any]:
        return {"placement": f"hero-{tag}", "title": "Sale", "link_url": "/sale", **changes}

    unfinished = await api.client.post(
        "/api/v1/media/uploads",
        headers=auth,
        json={"filename": "hero.png", "content_type": "image/png", "size": 1000, "purpose": "cms_image"},
    )
    assert unfinished.status_code == 201, unfinished.text
    for body, field in [
        (banner(link_url="javascript:alert(1)"), "link_url"),
        (banner(link_url="//evil.example"), "link_url"),
        (banner(link_url="data:text/html,hi"), "link_url"),
        (banner(link_url="sale"), "link_url"),
        (banner(starts_at="2030-01-02T00:00:00Z", ends_at="2030-01-01T00:00:00Z"), "ends_at"),
        (banner(starts_at="2030-01-01T00:00:00"), "starts_at"),
        (banner(ends_at="yesterday"), "ends_at"),
        (banner(placement="Home Hero"), "placement"),
        (banner(title=""), "title"),
        (banner(media_id="00000000-0000-7000-8000-000000000000"), "media_id"),
        (banner(media_id="nope"), "media_id"),
        (banner(media_id=unfinished.json()["media_id"]), "media_id"),
    ]:
        refused = _problem(
            await api.client.post("/api/v1/admin/cms/banners", headers=auth, json=body), 422, "validation-error"
        )
        assert field in {e["field"] for e in refused["errors"]}, (field, refused)
    created = await _banner(
        api, auth, "Fine", placement=f"hero-{tag}", publish=False, starts_at="2030-01-01T07:00:00+07:00"
    )
    assert created["starts_at"] == "2030-01-01T00:00:00Z"
    _problem(
        await api.client.patch(
            f"/api/v1/admin/cms/banners/{created['id']}", headers=auth, json={"ends_at": "2029-12-31T00:00:00Z"}
        ),
        422,
        "validation-error",
    )
    _problem(await api.client.get("/api/v1/cms/banners", params={"cursor": "bogus"}), 422, "validation-error")
    listed = await api.client.get("/api/v1/admin/cms/banners", headers=auth, params={"placement": f"hero-{tag}"})
    assert [b["title"] for b in listed.json()["items"]] == ["Fine"]


async def test_edits_show_at_once_through_the_cache(api: Api) -> None:
    auth, tag = await _admin(api), _tag()
    page = await _page(api, auth, f"shipping-{tag}", "Old **rates**")
    assert (await api.client.post(f"/api/v1/admin/cms/pages/{page['id']}/publish", headers=auth)).status_code == 200
    for _ in range(2):  # the second read is answered from the cache
        assert "<strong>rates</strong>" in (await api.client.get(f"/api/v1/cms/pages/shipping-{tag}")).json()["html"]
    edited = await api.client.patch(
        f"/api/v1/admin/cms/pages/{page['id']}",
        headers=auth,
        json={"body": "New <script>x()</script>*rates*", "title": "Shipping fees", "seo_title": None},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "published", "an edited published page stays published"
    shown = (await api.client.get(f"/api/v1/cms/pages/shipping-{tag}")).json()
    assert shown["title"] == "Shipping fees" and "<em>rates</em>" in shown["html"] and "script" not in shown["html"]
    assert "body" not in shown and "<script" not in str(shown), "the public page never carries the raw Markdown"

    moved = await api.client.patch(
        f"/api/v1/admin/cms/pages/{page['id']}", headers=auth, json={"slug": f"delivery-{tag}"}
    )
    assert moved.status_code == 200, moved.text
    _problem(await api.client.get(f"/api/v1/cms/pages/shipping-{tag}"), 404, "not-found")
    assert (await api.client.get(f"/api/v1/cms/pages/delivery-{tag}")).json()["title"] == "Shipping fees"
    assert (await api.client.post(f"/api/v1/admin/cms/pages/{page['id']}/unpublish", headers=auth)).status_code == 200
    _problem(await api.client.get(f"/api/v1/cms/pages/delivery-{tag}"), 404, "not-found")

    hero, sidebar = f"hero-{tag}", f"sidebar-{tag}"
    banner = await _banner(api, auth, "Old title", placement=hero)
    assert await _live(api, hero) == ["Old title"]
    renamed = await api.client.patch(
        f"/api/v1/admin/cms/banners/{banner['id']}", headers=auth, json={"title": "New title", "placement": sidebar}
    )
    assert renamed.status_code == 200 and renamed.json()["status"] == "published"
    assert await _live(api, hero) == [] and await _live(api, sidebar) == ["New title"]
    past = _iso(datetime.now(UTC) - timedelta(seconds=1))
    ended = await api.client.patch(f"/api/v1/admin/cms/banners/{banner['id']}", headers=auth, json={"ends_at": past})
    assert ended.status_code == 200, ended.text
    assert await _live(api, sidebar) == [], "ended early by moving its end"


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 60), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


async def test_a_banner_shows_the_admins_uploaded_image_to_anyone_once_published(api: Api) -> None:
    auth = await _admin(api)
    data = _png()
    ticket = await api.client.post(
        "/api/v1/media/uploads",
        headers=auth,
        json={"filename": "hero.png", "content_type": "image/png", "size": len(data), "purpose": "cms_image"},
    )
    assert ticket.status_code == 201, ticket.text
    media_id = ticket.json()["media_id"]
    assert await api.send_upload(ticket.json(), data) == 200
    assert (await api.client.post(f"/api/v1/media/{media_id}/complete", headers=auth)).status_code == 200

    placement = f"hero-{_tag()}"
    banner = await _banner(api, auth, "With a picture", placement=placement, publish=False, media_id=media_id)
    assert banner["image_url"].endswith(f"/api/v1/media/{media_id}")
    image_path = f"/api/v1/media/{media_id}"
    _problem(await api.client.get(image_path, follow_redirects=False), 404, "not-found")
    assert (await api.client.post(f"/api/v1/admin/cms/banners/{banner['id']}/publish", headers=auth)).status_code == 200
    assert (await api.client.get(image_path, follow_redirects=False)).status_code == 302
    listed = (await api.client.get("/api/v1/cms/banners", params={"placement": placement})).json()["items"]
    assert [(b["title"], b["image_url"], b["link_url"]) for b in listed] == [
        ("With a picture", banner["image_url"], "https://example.com/sale")
    ]
