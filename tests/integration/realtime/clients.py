"""Real Socket.IO clients (python-socketio's AsyncClient over a websocket) and HTTP helpers for
tests against a served app."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import socketio

from tests.credentials import PASSWORD
from tests.integration.web.conftest import ADDRESS


class Listener:
    """A connected socket that keeps every event it receives."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.client = socketio.AsyncClient(reconnection=False, request_timeout=10)
        self.events: list[tuple[str, Any]] = []
        self.client.on("*", self._record)

    async def _record(self, event: str, data: Any = None) -> None:
        self.events.append((event, data))

    async def connect(self, base: str, token: str | None) -> None:
        auth = {"token": token} if token is not None else None
        await self.client.connect(base, auth=auth, transports=["websocket"], socketio_path="socket.io", wait_timeout=10)

    async def call(self, event: str, data: Any) -> Any:
        return await self.client.call(event, data, timeout=10)

    def of(self, event: str) -> list[Any]:
        return [data for name, data in self.events if name == event]

    async def wait_for(self, event: str, count: int = 1, seconds: float = 10, where: Any = None) -> list[Any]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [d for d in self.of(event) if where is None or where(d)]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"{self.name} did not get {count} {event!r} events; got {self.events!r}")

    async def close(self) -> None:
        if self.client.connected:
            await self.client.disconnect()


async def user(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    registered = await client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD, "name": name})
    assert registered.status_code == 201, registered.text
    tokens = (await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})).json()
    return {
        "id": registered.json()["id"],
        "token": tokens["access_token"],
        "Authorization": f"Bearer {tokens['access_token']}",
    }


def auth(person: dict[str, str]) -> dict[str, str]:
    return {"Authorization": person["Authorization"]}


async def conversation(client: httpx.AsyncClient) -> dict[str, Any]:
    """A seller with a store, a buyer who opened a conversation with it, and a stranger."""
    seller, buyer, stranger = await user(client, "seller"), await user(client, "buyer"), await user(client, "stranger")
    store = await client.post(
        "/api/v1/stores",
        headers=auth(seller),
        json={"name": f"Toko {uuid.uuid4().hex[:6]}", "description": "Batik", "pickup_address": ADDRESS},
    )
    assert store.status_code == 201, store.text
    opened = await client.post("/api/v1/conversations", headers=auth(buyer), json={"store_id": store.json()["id"]})
    assert opened.status_code == 201, opened.text
    return {
        "seller": seller,
        "buyer": buyer,
        "stranger": stranger,
        "store": store.json(),
        "conversation_id": opened.json()["id"],
    }
