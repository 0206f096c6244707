"""Chat over Socket.IO on the served embedded default, with python-socketio's own client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import socketio

from marketplace.adapters.security.jwt_tokens import JwtTokenService
from marketplace.entrypoints.secrets import signing_keys
from marketplace.entrypoints.settings import Settings
from tests.integration.realtime.clients import Listener, auth, conversation, user
from tests.integration.serving import served

ENV = {"MARKETPLACE_CHAT_RATE_LIMIT": "20", "MARKETPLACE_CHAT_MAX_BODY": "500"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("chat")


@pytest.fixture(scope="module")
def embedded(data_dir: Path) -> Iterator[str]:
    with served(data_dir, ENV) as base:
        yield base


def _token_key(data_dir: Path) -> str:
    """The key the served embedded default signs access tokens with (made for its data dir)."""
    return signing_keys(Settings.from_env({}, data_dir=str(data_dir))).tokens


async def _connected(base: str, name: str, token: str) -> Listener:
    listener = Listener(name)
    await listener.connect(base, token)
    return listener


async def test_participants_chat_live_and_a_third_user_gets_and_reads_nothing(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
        world = await conversation(http)
    conversation_id = world["conversation_id"]
    buyer = await _connected(embedded, "buyer", world["buyer"]["token"])
    seller = await _connected(embedded, "seller", world["seller"]["token"])
    stranger = await _connected(embedded, "stranger", world["stranger"]["token"])
    try:
        ack = await buyer.call(
            "message:send",
            {
                "conversation_id": conversation_id,
                "client_id": "c-1",
                "body": "Halo, batiknya masih ada?",
                "media_ids": [],
            },
        )
        assert ack["ok"] is True, ack
        message = ack["message"]
        assert message["seq"] == 1 and message["sender_role"] == "buyer" and message["client_id"] == "c-1"
        assert message["sender_id"] == world["buyer"]["id"] and message["conversation_id"] == conversation_id
        [received] = await seller.wait_for("message:new")
        assert received == message
        await buyer.wait_for("message:new")  # the sender's other devices hear it too

        resent = await buyer.call(
            "message:send",
            {
                "conversation_id": conversation_id,
                "client_id": "c-1",
                "body": "Halo, batiknya masih ada?",
                "media_ids": [],
            },
        )
        assert resent["ok"] is True and resent["message"]["id"] == message["id"]

        reply = await seller.call(
            "message:send",
            {"conversation_id": conversation_id, "client_id": "s-1", "body": "Masih kak", "media_ids": []},
        )
        assert reply["ok"] and reply["message"]["seq"] == 2 and reply["message"]["sender_role"] == "seller"
        assert (await seller.call("typing", {"conversation_id": conversation_id, "is_typing": True}))["ok"]
        [typing] = await buyer.wait_for("typing")
        assert typing == {"conversation_id": conversation_id, "is_typing": True, "user_id": world["seller"]["id"]}
        read = await buyer.call(
            "message:read", {"conversation_id": conversation_id, "up_to_message_id": reply["message"]["id"]}
        )
        assert read == {"ok": True}
        [marker] = await seller.wait_for("message:read")
        assert marker["up_to_message_id"] == reply["message"]["id"] and marker["user_id"] == world["buyer"]["id"]

        for event, payload in (
            ("message:send", {"conversation_id": conversation_id, "client_id": "x", "body": "let me in"}),
            ("conversation:sync", {"conversation_id": conversation_id, "after_message_id": None}),
            ("typing", {"conversation_id": conversation_id, "is_typing": True}),
            ("message:read", {"conversation_id": conversation_id, "up_to_message_id": message["id"]}),
        ):
            refused = await stranger.call(event, payload)
            assert refused["ok"] is False and refused["error"]["type"] == "not-found", (event, refused)
        await asyncio.sleep(0.3)
        assert stranger.events == []  # neither the messages, nor typing, nor read markers
        assert len(seller.of("message:new")) == 2 and len(buyer.of("message:new")) == 2
        async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
            hidden = await http.get(
                f"/api/v1/conversations/{conversation_id}/messages", headers=auth(world["stranger"])
            )
            assert hidden.status_code == 404
            listed = (await http.get("/api/v1/conversations", headers=auth(world["seller"]))).json()["items"]
            assert [(c["id"], c["unread_count"]) for c in listed] == [(conversation_id, 0)]
            history = (
                await http.get(f"/api/v1/conversations/{conversation_id}/messages", headers=auth(world["buyer"]))
            ).json()["items"]
            assert [m["seq"] for m in history] == [2, 1]
    finally:
        for listener in (buyer, seller, stranger):
            await listener.close()


async def test_connections_without_a_valid_token_are_refused_and_others_keep_working(
    embedded: str, data_dir: Path
) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
        someone = await user(http, "someone")
    forged = JwtTokenService("another-secret-that-is-32-characters-long", 900).issue_access(someone["id"])
    expired = JwtTokenService(_token_key(data_dir), 900, clock=lambda: time.time() - 3600).issue_access(someone["id"])
    for token in (None, "", "not-a-token", forged, expired):
        refused = Listener("refused")
        with pytest.raises(socketio.exceptions.ConnectionError):
            await refused.connect(embedded, token)
        await refused.close()
    fine = await _connected(embedded, "fine", someone["token"])
    try:
        assert fine.client.connected
    finally:
        await fine.close()


async def test_malformed_payloads_oversized_bodies_and_floods_get_error_acks(embedded: str) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
        world = await conversation(http)
    conversation_id = world["conversation_id"]
    buyer = await _connected(embedded, "buyer", world["buyer"]["token"])
    try:
        payload: object
        for payload in (
            None,
            "text",
            42,
            [],
            {},
            {"conversation_id": conversation_id},
            {"conversation_id": conversation_id, "client_id": "a", "body": 5},
            {"conversation_id": conversation_id, "client_id": "a", "body": "hi", "extra": 1},
            {"conversation_id": conversation_id, "client_id": "a", "body": "", "media_ids": []},
            {"conversation_id": conversation_id, "client_id": "a", "body": "x" * 501},
            {"conversation_id": "nope", "client_id": "a", "body": "hi"},
        ):
            answer = await buyer.call("message:send", payload)
            assert answer["ok"] is False and answer["error"]["type"] in ("validation-error", "not-found"), answer
            assert answer["error"]["detail"]
        bad_sync = await buyer.call("conversation:sync", {"conversation_id": conversation_id, "after_message_id": 7})
        assert bad_sync["ok"] is False
        answers = [
            await buyer.call(
                "message:send", {"conversation_id": conversation_id, "client_id": f"f-{i}", "body": f"flood {i}"}
            )
            for i in range(25)
        ]
        stored = [a for a in answers if a["ok"]]
        limited = [a for a in answers if not a["ok"]]
        assert len(stored) <= 20 and limited and all(a["error"]["type"] == "rate-limited" for a in limited)
        assert limited[0]["error"]["retry_after"] > 0
        synced = await buyer.call("conversation:sync", {"conversation_id": conversation_id, "after_message_id": None})
        assert synced["ok"] and [m["seq"] for m in synced["messages"]] == list(range(1, len(stored) + 1))
        assert buyer.client.connected  # errors never cost the connection
    finally:
        await buyer.close()


async def test_an_expiring_token_gets_auth_expired_and_is_disconnected(embedded: str, data_dir: Path) -> None:
    async with httpx.AsyncClient(base_url=embedded, timeout=30) as http:
        someone = await user(http, "short-lived")
    short = JwtTokenService(_token_key(data_dir), 2).issue_access(someone["id"])
    listener = await _connected(embedded, "short", short)
    disconnected = asyncio.Event()
    listener.client.on("disconnect", lambda *args: disconnected.set())
    try:
        [notice] = await listener.wait_for("auth:expired", seconds=10)
        assert "expired" in notice["detail"]
        await asyncio.wait_for(disconnected.wait(), 10)
        assert not listener.client.connected
    finally:
        await listener.close()


async def test_messages_survive_a_restart_and_an_offline_client_syncs_what_it_missed(tmp_path: Path) -> None:
    with served(tmp_path, ENV) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            world = await conversation(http)
        conversation_id = world["conversation_id"]
        buyer = await _connected(base, "buyer", world["buyer"]["token"])
        try:
            sent = [
                (
                    await buyer.call(
                        "message:send",
                        {"conversation_id": conversation_id, "client_id": f"c-{i}", "body": f"pesan {i}"},
                    )
                )["message"]
                for i in range(3)
            ]
        finally:
            await buyer.close()
    with served(tmp_path, ENV) as base:  # the same data: a restarted server
        seller = await _connected(base, "seller", world["seller"]["token"])
        try:
            missed = await seller.call(
                "conversation:sync", {"conversation_id": conversation_id, "after_message_id": sent[0]["id"]}
            )
            assert missed["ok"] and [m["id"] for m in missed["messages"]] == [sent[1]["id"], sent[2]["id"]]
            everything = await seller.call("conversation:sync", {"conversation_id": conversation_id})
            assert [m["body"] for m in everything["messages"]] == ["pesan 0", "pesan 1", "pesan 2"]
            more = await seller.call(
                "message:send", {"conversation_id": conversation_id, "client_id": "s-1", "body": "Maaf baru balas"}
            )
            assert more["ok"] and more["message"]["seq"] == 4
        finally:
            await seller.close()
