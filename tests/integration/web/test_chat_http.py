"""Chat over HTTP on every backend (memory, SQLite, PostgreSQL), and chat attachments on the
embedded default: only the participants see a conversation, its messages and its photos."""

from __future__ import annotations

import uuid
from typing import Any

from tests.integration.web.conftest import Api
from tests.integration.web.test_media_flow import _local, _png, local_api  # noqa: F401 - a fixture


def _auth(user: dict[str, str]) -> dict[str, str]:
    return {"Authorization": user["auth"]}


async def _world(api: Api) -> dict[str, Any]:
    seller, buyer, stranger = await api.register("seller"), await api.register("buyer"), await api.register("eve")
    store = await api.open_store(seller)
    opened = await api.client.post("/api/v1/conversations", headers=_auth(buyer), json={"store_id": store["id"]})
    assert opened.status_code == 201, opened.text
    return {"seller": seller, "buyer": buyer, "stranger": stranger, "store": store, "conversation": opened.json()}


async def test_a_buyer_and_a_store_talk_over_http_and_nobody_else_can(api: Api) -> None:
    world = await _world(api)
    conversation = world["conversation"]
    assert conversation["store"] == {"id": world["store"]["id"], "name": world["store"]["name"]}
    assert conversation["buyer"]["id"] == world["buyer"]["id"] and conversation["unread_count"] == 0
    again = await api.client.post(
        "/api/v1/conversations", headers=_auth(world["buyer"]), json={"store_id": world["store"]["id"]}
    )
    assert again.status_code == 200 and again.json()["id"] == conversation["id"]
    path = f"/api/v1/conversations/{conversation['id']}/messages"
    first = await api.client.post(path, headers=_auth(world["buyer"]), json={"client_id": "c1", "body": "Halo"})
    assert first.status_code == 201, first.text
    assert first.json()["seq"] == 1 and first.json()["sender_role"] == "buyer" and first.json()["media_ids"] == []
    resend = await api.client.post(path, headers=_auth(world["buyer"]), json={"client_id": "c1", "body": "Halo"})
    assert resend.status_code == 200 and resend.json()["id"] == first.json()["id"]
    for i in range(3):
        reply = await api.client.post(
            path, headers=_auth(world["seller"]), json={"client_id": f"s{i}", "body": f"r{i}"}
        )
        assert reply.status_code == 201 and reply.json()["seq"] == i + 2
    inbox = (await api.client.get("/api/v1/conversations", headers=_auth(world["buyer"]))).json()
    assert [(c["id"], c["unread_count"], c["last_message"]["body"]) for c in inbox["items"]] == [
        (conversation["id"], 3, "r2")
    ]
    page = (await api.client.get(f"{path}?limit=2", headers=_auth(world["buyer"]))).json()
    assert [m["seq"] for m in page["items"]] == [4, 3] and page["next_cursor"]
    rest = (await api.client.get(f"{path}?limit=2&cursor={page['next_cursor']}", headers=_auth(world["buyer"]))).json()
    assert [m["seq"] for m in rest["items"]] == [2, 1] and rest["next_cursor"] is None
    read = await api.client.post(
        f"/api/v1/conversations/{conversation['id']}/read",
        headers=_auth(world["buyer"]),
        json={"up_to_message_id": page["items"][0]["id"]},
    )
    assert read.status_code == 204, read.text
    shown = (await api.client.get(f"/api/v1/conversations/{conversation['id']}", headers=_auth(world["buyer"]))).json()
    assert shown["unread_count"] == 0
    seller_inbox = (await api.client.get("/api/v1/conversations", headers=_auth(world["seller"]))).json()["items"]
    assert seller_inbox[0]["my_role"] == "seller" and seller_inbox[0]["unread_count"] == 0

    stranger = _auth(world["stranger"])
    assert (await api.client.get(path, headers=stranger)).status_code == 404
    assert (await api.client.post(path, headers=stranger, json={"client_id": "x", "body": "hi"})).status_code == 404
    assert (await api.client.get(f"/api/v1/conversations/{conversation['id']}", headers=stranger)).status_code == 404
    assert (await api.client.get("/api/v1/conversations", headers=stranger)).json()["items"] == []
    assert (await api.client.get(path)).status_code == 401


async def test_bad_chat_requests_are_refused_with_nothing_stored(api: Api) -> None:
    world = await _world(api)
    buyer = _auth(world["buyer"])
    path = f"/api/v1/conversations/{world['conversation']['id']}/messages"
    for body in (
        {"client_id": "a", "body": ""},
        {"client_id": "a", "body": "  "},
        {"client_id": "", "body": "x"},
        {"client_id": "a", "body": "x" * 4001},
        {"client_id": "a"},
        {"body": "x"},
        {"client_id": "a", "body": "x", "media_ids": ["nope"]},
        {"client_id": "a", "body": 3},
    ):
        refused = await api.client.post(path, headers=buyer, json=body)
        assert refused.status_code in (400, 422), (body, refused.text)
    assert (await api.client.get(path, headers=buyer)).json()["items"] == []
    own = await api.client.post(
        "/api/v1/conversations", headers=_auth(world["seller"]), json={"store_id": world["store"]["id"]}
    )
    assert own.status_code == 422
    unknown = await api.client.post("/api/v1/conversations", headers=buyer, json={"store_id": str(uuid.uuid4())})
    assert unknown.status_code == 404
    bad_cursor = await api.client.get(f"{path}?cursor=garbage", headers=buyer)
    assert bad_cursor.status_code == 422


async def test_a_chat_photo_is_seen_by_both_participants_only(local_api: Api) -> None:  # noqa: F811
    api = local_api
    world = await _world(api)
    buyer = _auth(world["buyer"])
    data = _png()
    ticket = (
        await api.client.post(
            "/api/v1/media/uploads",
            headers=buyer,
            json={
                "filename": "defect.png",
                "content_type": "image/png",
                "size": len(data),
                "purpose": "chat_attachment",
            },
        )
    ).json()
    assert (
        await api.client.put(_local(ticket["upload_url"]), content=data, headers=ticket["headers"])
    ).status_code == 200
    assert (await api.client.post(f"/api/v1/media/{ticket['media_id']}/complete", headers=buyer)).status_code == 200
    path = f"/api/v1/conversations/{world['conversation']['id']}/messages"
    sent = await api.client.post(path, headers=buyer, json={"client_id": "p1", "media_ids": [ticket["media_id"]]})
    assert sent.status_code == 201, sent.text
    assert sent.json()["media_ids"] == [ticket["media_id"]] and sent.json()["body"] == ""
    for who, expected in ((world["buyer"], 200), (world["seller"], 200), (world["stranger"], 404)):
        found = await api.client.get(f"/api/v1/media/{ticket['media_id']}", headers=_auth(who), follow_redirects=False)
        assert found.status_code in (302, 303, 307) if expected == 200 else found.status_code == 404, (who, found)
    theirs = await api.client.post(
        path, headers=_auth(world["seller"]), json={"client_id": "p2", "media_ids": [ticket["media_id"]]}
    )
    assert theirs.status_code == 422  # not the seller's upload
