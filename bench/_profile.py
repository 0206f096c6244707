"""Optional py-spy sampling of one server worker during a measured phase, summarised by function and library."""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from _infra import descendants

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")
# Frames every worker stack starts with (process start-up): they say nothing about where the time goes.
_LAUNCHER = re.compile(r"multiprocessing/|granian/server/|marketplace/entrypoints/cli/|^<module>")
NATIVE = "(no Python frame: native code, e.g. granian's Rust threads or uvloop)"
_LIBRARIES = (
    "sqlalchemy",
    "asyncpg",
    "litestar",
    "msgspec",
    "redis",
    "granian",
    "dependency_injector",
    "uvloop",
    "marketplace",
    "asyncio",
    "json",
    "logging",
    "typing",
    "enum",
    "uuid",
    "re",
    "hashlib",
)


def py_spy() -> str | None:
    found = Path(sys.executable).parent / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


def first_worker(server_root: int) -> int:
    """The first process below granian's main process (a worker), or the main one when alone."""
    below = [pid for pid in descendants(server_root) if pid != server_root]
    return below[0] if below else server_root


async def start(pid: int, seconds: float, out: Path) -> asyncio.subprocess.Process | None:
    tool = py_spy()
    if tool is None:
        return None
    args = [
        tool,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, int(seconds))),
        "--rate",
        "100",
        "--format",
        "raw",
        "--function",
        "--nonblocking",
        "--output",
        str(out),
    ]
    return await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )


async def finish(process: asyncio.subprocess.Process | None, out: Path, timeout: float) -> dict[str, Any]:
    if process is None:
        return {"error": "py-spy is not installed (.venv/bin/pip install py-spy)"}
    try:
        await asyncio.wait_for(process.wait(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return {"error": "py-spy did not finish in time"}
    if not out.exists():
        return {"error": f"py-spy exited with {process.returncode} and wrote nothing"}
    return summarise(out)


def _library(path: str) -> str:
    parts = re.split(r"[/\\]", path)
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0]
    for name in _LIBRARIES:
        if f"/{name}/" in path or path.endswith(f"/{name}.py") or path.startswith(f"{name}/"):
            return name
    return "stdlib" if "/lib/python3" in path else (parts[-1] or "?")


def summarise(raw: Path, top: int = 25) -> dict[str, Any]:
    """Where the samples fell: leaf function (self), any function on the stack (inclusive), leaf library."""
    own, inclusive, libraries = Counter[str](), Counter[str](), Counter[str]()
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.strip().rpartition(" ") if " " in line.strip() else ("", "", line.strip())
        if not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [m for m in (_FRAME.match(f) for f in stack.split(";")) if m]
        names = [f"{m['func']} ({m['file'].split('site-packages/')[-1]})" for m in frames]
        if not names:
            own[NATIVE] += count
            libraries["native"] += count
            continue
        own[names[-1]] += count
        for name in set(names):
            if not _LAUNCHER.search(name.rsplit(" (", 1)[-1]) and not name.startswith("<module>"):
                inclusive[name] += count
        libraries[_library(frames[-1]["file"])] += count

    def share(counter: Counter[str]) -> list[tuple[str, float]]:
        return [(name, round(100 * n / total, 1)) for name, n in counter.most_common(top)] if total else []

    return {
        "samples": total,
        "raw": str(raw),
        "self_pct": share(own),
        "inclusive_pct": share(inclusive),
        "leaf_library_pct": share(libraries),
    }
