"""Plain HTTP loads through `wrk` (a Lua script per phase), with the Python client as the fallback.

wrk is the Debian/Ubuntu package `wrk` (`apt-get install -y wrk`; elsewhere https://github.com/wg/wrk).
When it is missing, the benchmarks say so once and drive the same requests with `_loadgen.py`.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _loadgen import LOOPBACK, run_phase

WRK_HINT = "install it with `apt-get install -y wrk` (Debian/Ubuntu package `wrk`; elsewhere https://github.com/wg/wrk)"
_warned: list[bool] = []


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def load_tool(prefer_python: bool = False) -> str:
    """ "wrk" when it can be used, else "python" (said once, with how to get wrk)."""
    if not prefer_python and wrk_binary():
        return "wrk"
    if not prefer_python and not _warned:
        _warned.append(True)
        print(f"wrk not found: falling back to the Python load generator; {WRK_HINT}", file=sys.stderr, flush=True)
    return "python"


@dataclass(frozen=True)
class Request:
    """One request of a phase's mix; the body (JSON) and headers are sent as given."""

    path: str
    method: str = "GET"
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


def _lua_string(value: str | bytes) -> str:
    text = value.decode() if isinstance(value, bytes) else value
    return json.dumps(text)  # a JSON string literal is a valid Lua string literal for these contents


def lua_script(requests: Sequence[Request], out: Path, ok_status: int) -> str:
    """Round-robin over `requests` (each thread from its own offset); `done` writes the figures as JSON."""
    entries = []
    for r in requests:
        headers = {"Accept": "application/json", **r.headers}
        if r.body:
            headers["Content-Type"] = "application/json"
        pairs = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        body = _lua_string(r.body) if r.body else "nil"
        entries.append(f"  wrk.format({_lua_string(r.method)}, {_lua_string(r.path)}, {{{pairs}}}, {body}),")
    return f"""
local requests = {{
{chr(10).join(entries)}
}}
local threads, index, statuses, bytes = {{}}, 0, {{}}, 0
setup = function(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
init = function(args)
  index = offset
  counts = {{}}
end
request = function()
  index = index % #requests + 1
  return requests[index]
end
response = function(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
done = function(summary, latency, requests_)
  local counts_all = {{}}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for status, n in pairs(c) do counts_all[tostring(status)] = (counts_all[tostring(status)] or 0) + n end
  end
  local parts = {{}}
  for status, n in pairs(counts_all) do table.insert(parts, string.format('"%s": %d', status, n)) end
  local e = summary.errors
  local f = io.open({_lua_string(str(out))}, "w")
  f:write(string.format(
    '{{"requests": %d, "duration_us": %d, "bytes": %d, "statuses": {{%s}}, ' ..
    '"errors": {{"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}}',
    summary.requests, summary.duration, summary.bytes, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
  f:close()
end
"""


def _ms(us: float) -> float:
    return round(us / 1000, 2)


def summary_of(name: str, connections: int, raw: dict[str, Any], ok_status: int) -> dict[str, Any]:
    """wrk's figures in the shape of `PhaseResult.summary()` (what the reports print)."""
    seconds = raw["duration_us"] / 1e6
    statuses = {k: int(v) for k, v in sorted(raw["statuses"].items())}
    failures = {k: v for k, v in raw["errors"].items() if v and k != "status"}
    errors = sum(n for status, n in statuses.items() if int(status) != ok_status) + sum(failures.values())
    requests = raw["requests"]
    return {
        "name": name,
        "tool": "wrk",
        "connections": connections,
        "seconds": round(seconds, 3),
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": _ms(raw["p50_us"]),
        "p90_ms": _ms(raw["p90_us"]),
        "p95_ms": _ms(raw["p95_us"]),
        "p99_ms": _ms(raw["p99_us"]),
        "max_ms": _ms(raw["max_us"]),
        "mean_ms": _ms(raw["mean_us"]),
        "errors": errors,
        "statuses": statuses,
        "failures": failures,
        "mean_bytes": round(raw["bytes"] / requests, 1) if requests else 0.0,
        "slowest_paths": [],
    }


async def run_wrk(
    name: str,
    port: int,
    requests: Sequence[Request],
    *,
    connections: int,
    seconds: float,
    threads: int = 1,
    ok_status: int = 200,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """One wrk run of `seconds` (whole seconds, at least 1) over `connections`; its summary."""
    binary = wrk_binary()
    if binary is None:
        raise FileNotFoundError(f"wrk not found: {WRK_HINT}")
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as folder:
        out, script = Path(folder) / "result.json", Path(folder) / "phase.lua"
        script.write_text(lua_script(requests, out, ok_status))
        threads = max(1, min(threads, connections))
        command = [
            binary,
            f"-t{threads}",
            f"-c{max(connections, threads)}",
            f"-d{max(1, round(seconds))}s",
            f"--timeout={max(1, round(timeout))}s",
            "-s",
            str(script),
            f"http://{LOOPBACK}:{port}",
        ]
        process = await asyncio.create_subprocess_exec(
            *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), timeout=seconds + timeout + 30)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        if process.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed ({process.returncode}): {output.decode(errors='replace')[-500:]}")
        return summary_of(name, connections, json.loads(out.read_text()), ok_status)


async def drive(
    name: str,
    port: int,
    paths: list[str],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
    tool: str,
    record: bool = True,
) -> dict[str, Any]:
    """A GET mix through the chosen tool; the Python client honours `max_requests`, wrk only the time."""
    started = time.perf_counter()
    if tool == "wrk":
        summary = await run_wrk(name, port, [Request(p) for p in paths], connections=connections, seconds=seconds)
    else:
        result = await run_phase(
            name, port, paths, connections=connections, seconds=seconds, max_requests=max_requests, record=record
        )
        summary = {**result.summary(), "tool": "python"}
    summary["wall_seconds"] = round(time.perf_counter() - started, 3)
    return summary
