"""Two API processes sharing PostgreSQL and Redis: a message sent through one reaches a client
connected to the other (Socket.IO's AsyncRedisManager), and so do the worker's pushes."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from tests.integration.realtime.clients import Listener, auth, conversation
from tests.integration.serving import served


async def test_a_message_sent_through_one_process_reaches_a_client_on_the_other(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    env = {
        "MARKETPLACE_DATABASE_URL": postgres_url,
        "MARKETPLACE_REDIS_URL": redis_url,
        "MARKETPLACE_REDIS_PREFIX": f"scale:{uuid.uuid4().hex}:",
        "MARKETPLACE_JWT_SECRET": "scale-out-test-signing-key-with-32-characters",
        "MARKETPLACE_SANDBOX": "on",
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with served(tmp_path / "a", env) as first, served(tmp_path / "b", env) as second:
        assert first != second
        async with (
            httpx.AsyncClient(base_url=first, timeout=30) as on_first,
            httpx.AsyncClient(base_url=second, timeout=30) as on_second,
        ):
            world = await conversation(on_first)
            seller = Listener("seller on the first process")
            stranger = Listener("stranger on the first process")
            await seller.connect(first, world["seller"]["token"])
            await stranger.connect(first, world["stranger"]["token"])
            buyer = Listener("buyer on the second process")
            await buyer.connect(second, world["buyer"]["token"])
            try:
                sent = await on_second.post(
                    f"/api/v1/conversations/{world['conversation_id']}/messages",
                    headers=auth(world["buyer"]),
                    json={"client_id": "http-1", "body": "Dikirim lewat proses kedua"},
                )
                assert sent.status_code == 201, sent.text
                [received] = await seller.wait_for("message:new")
                assert received["id"] == sent.json()["id"] and received["body"] == "Dikirim lewat proses kedua"
                ack = await seller.call(
                    "message:send",
                    {
                        "conversation_id": world["conversation_id"],
                        "client_id": "socket-1",
                        "body": "Diterima di proses kedua?",
                    },
                )
                assert ack["ok"] is True
                await buyer.wait_for("message:new", where=lambda m: m["id"] == ack["message"]["id"])
                assert stranger.events == []
            finally:
                for listener in (seller, stranger, buyer):
                    await listener.close()
