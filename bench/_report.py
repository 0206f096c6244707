"""The human-readable table on stdout and the JSON file with every figure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = ("req/s", "p50", "p90", "p99", "max", "errors", "bytes", "srv ms", "cpu srv/pg/redis/gen/other %")


def _row(label: str, phase: dict[str, Any]) -> str:
    cpu = phase.get("cpu", {}).get("percent_of_one_core", {})
    cpu_text = "/".join(f"{cpu.get(k, 0):.0f}" for k in ("server", "postgres", "redis", "loadgen", "other"))
    server_ms = phase.get("server_mean_ms")
    values = (
        f"{phase['rps']:,.0f}",
        f"{phase['p50_ms']:.1f}",
        f"{phase['p90_ms']:.1f}",
        f"{phase['p99_ms']:.1f}",
        f"{phase['max_ms']:.1f}",
        str(phase["errors"]),
        f"{phase['mean_bytes']:,.0f}",
        "-" if server_ms is None else f"{server_ms:.2f}",
        cpu_text,
    )
    return f"{label:<34}" + "".join(f"{v:>{max(9, len(c) + 2)}}" for v, c in zip(values, COLUMNS, strict=True))


def _header() -> str:
    return f"{'workers / cache / workload (ms)':<34}" + "".join(f"{c:>{max(9, len(c) + 2)}}" for c in COLUMNS)


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def table(report: dict[str, Any]) -> str:
    lines = [_header(), "-" * len(_header())]
    for run in report["runs"]:
        for mode in run["modes"]:
            for phase in mode["phases"]:
                lines.append(_row(f"{run['workers']}w / {mode['cache']} / {phase['name']}", phase))
            lines.append("")
    lines.append("Ratios and cache:")
    for run in report["runs"]:
        by_mode = {m["cache"]: {p["name"]: p for p in m["phases"]} for m in run["modes"]}
        for mode in run["modes"]:
            phases = by_mode[mode["cache"]]
            ratio = mode.get("hit_ratio")
            trivial = phases.get("trivial", {}).get("rps", 0.0)
            ratios = "".join(
                f", {name} / trivial {_ratio(phases[name]['rps'], trivial)}"
                for name in ("search", "first_page", "detail")
                if name in phases
            )
            lines.append(
                f"  {run['workers']}w {mode['cache']:<8} hit ratio (measured phases) "
                f"{'n/a' if ratio is None else f'{ratio:.1%}'} (workers read {mode.get('workers_read')}){ratios}"
            )
        if {"cached", "uncached"} <= by_mode.keys():
            for name in ("search", "first_page", "detail", "trivial"):
                if name not in by_mode["cached"] or name not in by_mode["uncached"]:
                    continue
                lines.append(
                    f"  {run['workers']}w cached / uncached req/s, {name}: "
                    f"{_ratio(by_mode['cached'][name]['rps'], by_mode['uncached'][name]['rps'])}"
                )
        for mode in run["modes"]:
            for phase in mode["phases"]:
                gc_text = _gc_text(phase.get("gc"))
                extra = [f"pg sessions opened {phase['pg_sessions_opened']}"] if phase.get("pg_sessions_opened") else []
                if gc_text:
                    extra.append(gc_text)
                if extra:
                    lines.append(f"  {run['workers']}w {mode['cache']:<8} {phase['name']:<10} " + "; ".join(extra))
        for mode in run["modes"]:
            search = next((p for p in mode["phases"] if p["name"] == "search"), None)
            if search and search.get("slowest_paths"):
                slow = ", ".join(f"{s['mean_ms']} ms {s['path'].split('?', 1)[1]}" for s in search["slowest_paths"][:3])
                lines.append(f"  {run['workers']}w {mode['cache']:<8} slowest searches (mean): {slow}")
    lines.append("")
    lines.append("Resident memory (MiB; VmRSS now / VmHWM peak):")
    for run in report["runs"]:
        for mode in run["modes"]:
            for moment in ("after_ready", "after_load"):
                mem = mode.get("memory", {}).get(moment)
                if not mem:
                    continue
                each = ", ".join(f"{p['role']} {p['pid']}: {p['rss_mib']}/{p['peak_mib']}" for p in mem["processes"])
                label = f"{run['workers']}w {mode['cache']:<8} {moment:<11}"
                lines.append(f"  {label} total {mem['total_rss_mib']} ({each})")
    return "\n".join(lines)


def _gc_text(gc: dict[str, Any] | None) -> str:
    """Collections and pauses per generation, summed over the server's processes."""
    if not gc:
        return ""
    parts = []
    for gen in ("0", "1", "2"):
        numbers = [p[gen] for p in gc.values() if gen in p]
        if numbers:
            count, paused = sum(n["collections"] for n in numbers), sum(n["total_ms"] for n in numbers)
            long_ones, longest = sum(n["over_20ms"] for n in numbers), max(n["max_ms"] for n in numbers)
            parts.append(f"gen{gen} {count:.0f}x {paused:.0f} ms (>20 ms: {long_ones:.0f}, max {longest:.1f})")
    return "GC " + ", ".join(parts)


def profile_text(report: dict[str, Any], top: int = 12) -> str:
    lines: list[str] = []
    for run in report["runs"]:
        for mode in run["modes"]:
            for phase in mode["phases"]:
                profile = phase.get("profile")
                if not profile:
                    continue
                lines.append(
                    f"\nProfile {run['workers']}w / {mode['cache']} / {phase['name']}: "
                    f"{profile.get('samples', 0)} samples, {profile.get('error', profile.get('raw'))}"
                )
                libraries = ", ".join(f"{name} {pct}%" for name, pct in profile.get("leaf_library_pct", [])[:10])
                lines.append(f"  by library (leaf frame): {libraries}")
                for title, key in (("self", "self_pct"), ("inclusive", "inclusive_pct")):
                    lines.append(f"  top {title}:")
                    lines += [f"    {pct:5.1f}%  {name}" for name, pct in profile.get(key, [])[:top]]
    return "\n".join(lines)


def census_text(census: dict[str, Any]) -> str:
    if "error" in census:
        return f"\nQuery census: {census['error']}"
    lines = [
        f"\nQuery census (each of the {census['queries']} searches alone, EXPLAIN ANALYZE, warm): execution mean "
        f"{census['mean_execution_ms']} ms, median {census['median_execution_ms']} ms, max "
        f"{census['max_execution_ms']} ms; planning mean {census['mean_planning_ms']} ms. Most expensive:"
    ]
    for row in census["most_expensive"]:
        lines.append(
            f"  {row['execution_ms']:8.2f} ms  removed {row['rows_removed_by_filter']:>6}  {row['scan']}  "
            f"{row['path'].split('?', 1)[1]}"
        )
    return "\n".join(lines)


def plan_text(plan: dict[str, Any]) -> str:
    if "plans" not in plan:
        return f"Query plan: {plan.get('error', 'not available')}"
    lines = [
        f"Query plan of the adapter's SQL for {plan['fields']} ({plan['items']} items, "
        f"{plan['statements']} statement(s)):"
    ]
    for one in plan["plans"]:
        summary = one["summary"]
        lines += [
            "",
            one["sql"],
            "",
            *one["plan"],
            "",
            f"  execution ms per run {summary['execution_ms_each_run']}, planning {summary['planning_ms']} ms, "
            f"top buffers {summary['top_buffers']}, seq scan on products: {summary['seq_scan_on_products']}",
        ]
    return "\n".join(lines)


def write_json(report: dict[str, Any], directory: Path, stamp: str, name: str = "catalog_load") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    return path


CHECKOUT_COLUMNS = (
    "checkouts/s",
    "p50",
    "p95",
    "p99",
    "max",
    "cycles/s",
    "cycle p50",
    "cart p50",
    "non-201",
    "srv ms",
    "srv cpu ms/co",
    "cpu srv/pg/redis/gen/other %",
)


def _checkout_row(label: str, phase: dict[str, Any]) -> str:
    cpu = phase.get("cpu", {}).get("percent_of_one_core", {})
    cpu_text = "/".join(f"{cpu.get(k, 0):.0f}" for k in ("server", "postgres", "redis", "loadgen", "other"))
    server_ms = phase.get("server_mean_ms")
    # transport failures are in the statuses as 0; a connection that died or overran its grace is not
    non_201 = sum(n for s, n in phase["statuses"].items() if s != "201") + sum(
        n for k, n in phase["failures"].items() if k.startswith("lane_died") or k == "cancelled_after_grace"
    )
    values = (
        f"{phase['checkouts_per_s']:,.1f}",
        f"{phase['p50_ms']:.1f}",
        f"{phase['p95_ms']:.1f}",
        f"{phase['p99_ms']:.1f}",
        f"{phase['max_ms']:.1f}",
        f"{phase['cycles_per_s']:,.1f}",
        f"{phase['cycle_p50_ms']:.1f}",
        f"{phase['cart']['p50_ms']:.1f}",
        str(non_201),
        "-" if server_ms is None else f"{server_ms:.2f}",
        "-" if phase.get("server_cpu_ms_per_checkout") is None else f"{phase['server_cpu_ms_per_checkout']:.1f}",
        cpu_text,
    )
    return f"{label:<16}" + "".join(f"{v:>{max(9, len(c) + 2)}}" for v, c in zip(values, CHECKOUT_COLUMNS, strict=True))


def checkout_table(report: dict[str, Any]) -> str:
    """Checkouts per second and latency (ms, the checkout request alone) per worker count and workload."""
    header = f"{'workers / load':<16}" + "".join(f"{c:>{max(9, len(c) + 2)}}" for c in CHECKOUT_COLUMNS)
    lines = [header, "-" * len(header)]
    for run in report["runs"]:
        for phase in run["phases"]:
            lines.append(_checkout_row(f"{run['workers']}w / {phase['name']}", phase))
    lines.append("")
    for run in report["runs"]:
        for phase in run["phases"]:
            check = phase["stock_check"]
            lines.append(
                f"  {run['workers']}w {phase['name']:<7} {phase['requests']} checkouts in {phase['seconds']:.1f} s "
                f"over {phase['connections']} connections, {phase['buyers']} buyers, {phase['variants']} variant(s) in "
                f"{phase['stores']} store(s); statuses {phase['statuses']}, cart adds {phase['cart']['statuses']}; "
                f"per second min/median/max {phase['rps_per_second']}; stock taken {check['taken']} = 201s "
                f"{check['checkouts_201']}: {'yes' if check['ok'] else 'NO'}; pg sessions opened "
                f"{phase.get('pg_sessions_opened')}"
            )
    for run in report["runs"]:
        probe = run.get("contended")
        if probe:
            lines.append(
                f"  {run['workers']}w contended S={probe['small_stock']}: {probe['checkouts']} checkouts at once -> "
                f"statuses {probe['statuses']} (short-stock 409s {probe['short_stock_409s']}), stock left "
                f"{probe['stock_left']}, units in live orders {probe['units_in_orders']} "
                f"(expected {probe['expected']}): {'OK' if probe['ok'] else 'MISMATCH'}; all answered in "
                f"{probe['wall_s']} s, p50 {probe['p50_ms']} ms, max {probe['max_ms']} ms"
            )
    lines.append("")
    lines.append("Resident memory (MiB; VmRSS now / VmHWM peak):")
    for run in report["runs"]:
        for moment in ("after_ready", "after_load"):
            mem = run.get("memory", {}).get(moment)
            if mem:
                each = ", ".join(f"{p['role']} {p['pid']}: {p['rss_mib']}/{p['peak_mib']}" for p in mem["processes"])
                lines.append(f"  {run['workers']}w {moment:<11} total {mem['total_rss_mib']} ({each})")
    return "\n".join(lines)
