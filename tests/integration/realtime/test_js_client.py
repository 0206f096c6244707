"""Chat over Socket.IO on the served embedded default, with the official JavaScript client.

tests/js/chat_client.mjs drives three `socket.io-client` clients (pinned in tests/js/package.json and
package-lock.json) under Node; this test installs them with `npm ci` when needed, builds the world over
HTTP, runs the script and checks the JSON it prints. Without `node` and `npm` on PATH it is skipped,
except under CI=true, where it fails instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from tests.integration.realtime.clients import auth, conversation
from tests.integration.serving import served

IN_CI = bool(os.environ.get("CI"))
JS_DIR = Path(__file__).resolve().parents[2] / "js"
SCRIPT = JS_DIR / "chat_client.mjs"
NPM_CI_SECONDS = 300
NODE_SECONDS = 120


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason}; under CI=true this test must run, not skip")
    pytest.skip(reason)


def _installed_is_current() -> bool:
    """npm writes node_modules/.package-lock.json last: it marks a finished install of the lock."""
    marker = JS_DIR / "node_modules" / ".package-lock.json"
    if not marker.is_file():
        return False
    installed = marker.stat().st_mtime
    return all(installed >= (JS_DIR / name).stat().st_mtime for name in ("package-lock.json", "package.json"))


@pytest.fixture(scope="module")
def node() -> str:
    """The path of `node`, with tests/js's locked npm packages installed."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        _unavailable("`node` and `npm` (Node.js 18+) must be on PATH to run the socket.io-client integration test")
    if not _installed_is_current():
        try:
            installed = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS_DIR,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=NPM_CI_SECONDS,
                env={**os.environ, "npm_config_update_notifier": "false"},
            )
        except subprocess.TimeoutExpired:
            _unavailable(f"`npm ci` in {JS_DIR} took over {NPM_CI_SECONDS} s")
        if installed.returncode != 0:
            _unavailable(
                f"`npm ci` in {JS_DIR} failed ({installed.returncode}): "
                + (installed.stdout + installed.stderr)[-3000:]
            )
    return node


async def _run_node(node: str, base: str, world: dict[str, Any]) -> dict[str, Any]:
    environment = {
        **os.environ,
        "CHAT_BASE_URL": base,
        "CHAT_CONVERSATION_ID": world["conversation_id"],
        "CHAT_BUYER_TOKEN": world["buyer"]["token"],
        "CHAT_SELLER_TOKEN": world["seller"]["token"],
        "CHAT_STRANGER_TOKEN": world["stranger"]["token"],
        "CHAT_TIMEOUT_MS": "10000",
    }
    environment.pop("NODE_OPTIONS", None)
    try:
        ran = await asyncio.to_thread(
            subprocess.run,
            [node, str(SCRIPT)],
            cwd=JS_DIR,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NODE_SECONDS,
        )
    except subprocess.TimeoutExpired as timeout:
        pytest.fail(f"node {SCRIPT.name} ran over {NODE_SECONDS} s: {timeout.stdout!r} {timeout.stderr!r}")
    lines = ran.stdout.strip().splitlines()
    assert ran.returncode == 0 and lines, f"node exited {ran.returncode}\nstdout: {ran.stdout}\nstderr: {ran.stderr}"
    observed: dict[str, Any] = json.loads(lines[-1])
    return observed


async def test_the_official_javascript_client_chats_and_a_third_user_gets_and_reads_nothing(
    node: str, tmp_path: Path
) -> None:
    with served(tmp_path, {}) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            world = await conversation(http)
        conversation_id = world["conversation_id"]
        buyer_id, seller_id = world["buyer"]["id"], world["seller"]["id"]

        observed = await _run_node(node, base, world)

        locked = json.loads((JS_DIR / "package-lock.json").read_text())["packages"]["node_modules/socket.io-client"]
        assert observed["ok"] is True
        assert observed["client"]["name"] == "socket.io-client"
        assert observed["client"]["version"] == locked["version"]
        assert observed["client"]["protocol"] == 5

        client_ids = observed["client_ids"]
        sent = observed["sent"]
        assert sent["ok"] is True
        message = sent["message"]
        assert message["seq"] == 1 and message["sender_role"] == "buyer" and message["client_id"] == client_ids["buyer"]
        assert message["sender_id"] == buyer_id and message["conversation_id"] == conversation_id
        assert message["body"] == "Halo dari Node, batiknya masih ada?" and message["media_ids"] == []
        assert observed["seller_received"] == message and observed["buyer_echo"] == message

        reply = observed["reply"]["message"]
        assert observed["reply"]["ok"] is True
        assert reply["seq"] == 2 and reply["sender_role"] == "seller" and reply["sender_id"] == seller_id
        assert reply["client_id"] == client_ids["seller"] and reply["id"] != message["id"]
        assert observed["buyer_received"] == reply

        assert observed["typing_ack"] == {"ok": True}
        assert observed["typing"] == {"conversation_id": conversation_id, "is_typing": True, "user_id": seller_id}
        assert observed["read_ack"] == {"ok": True}
        marker = observed["read_marker"]
        assert marker["conversation_id"] == conversation_id and marker["user_id"] == buyer_id
        assert marker["up_to_message_id"] == reply["id"]

        refusals = observed["stranger_refusals"]
        assert set(refusals) == {"message:send", "conversation:sync", "typing", "message:read"}
        for event, refusal in refusals.items():
            assert refusal["ok"] is False and refusal["error"]["type"] == "not-found", (event, refusal)
            assert refusal["error"]["detail"], (event, refusal)
            assert "message" not in refusal and "messages" not in refusal, (event, refusal)
        assert observed["stranger_events"] == []

        for refused in (observed["bad_token"], observed["no_token"]):
            # A connect_error from the server saying why, not the script's own timeout: the reason as the
            # error's message, and its type and detail as its data.
            assert refused["connected"] is False, refused
            assert refused["data"]["type"] == "unauthenticated" and refused["data"]["detail"] == refused["error"], (
                refused
            )

        assert observed["sync"]["ok"] is True
        assert [(m["id"], m["seq"]) for m in observed["sync"]["messages"]] == [(message["id"], 1), (reply["id"], 2)]
        assert observed["sync"]["messages"] == [message, reply]
        # Each side heard both messages once, and the side that acted is not told about its own typing or read.
        assert observed["events"]["buyer"] == ["message:new", "message:new", "typing"]
        assert observed["events"]["seller"] == ["message:new", "message:new", "message:read"]
        assert observed["connected_at_end"] == {"buyer": True, "seller": True, "stranger": True}

        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            stored = await http.get(f"/api/v1/conversations/{conversation_id}/messages", headers=auth(world["buyer"]))
            assert stored.status_code == 200, stored.text
            history = stored.json()["items"]
            assert [(m["id"], m["seq"], m["body"]) for m in history] == [
                (reply["id"], 2, reply["body"]),
                (message["id"], 1, message["body"]),
            ]
            hidden = await http.get(
                f"/api/v1/conversations/{conversation_id}/messages", headers=auth(world["stranger"])
            )
            assert hidden.status_code == 404
