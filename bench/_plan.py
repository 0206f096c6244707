"""EXPLAIN (ANALYZE, BUFFERS) of the SQL the catalog adapter runs, compiled with literal binds."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from _workloads import Category, query_fields

_EXECUTION = re.compile(r"Execution Time: ([0-9.]+) ms")


def product_query(fields: dict[str, str], categories: list[Category]) -> Any:
    """The ProductQuery the browse use case would hand the adapter for these query-string fields."""
    from marketplace.application.catalog.views import ProductQuery, Sort

    subtree = next((c.subtree for c in categories if c.id == fields.get("category")), None)
    q = fields.get("q")
    return ProductQuery(
        q=q,
        category_ids=tuple(sorted(subtree)) if subtree else None,
        min_price=int(fields["min_price"]) if "min_price" in fields else None,
        max_price=int(fields["max_price"]) if "max_price" in fields else None,
        sort=Sort(fields.get("sort") or ("relevance" if q else "newest")),
        limit=int(fields.get("limit", 20)),
    )


class AdapterSql:
    """Runs SqlCatalogQueries.browse and hands back the statements it executed, as PostgreSQL text."""

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import event

        from marketplace.adapters.sql.catalog_queries import SqlCatalogQueries
        from marketplace.adapters.sql.engine import create_engine

        self.engine = create_engine(database_url)
        self.queries = SqlCatalogQueries(self.engine)
        self._captured: list[tuple[Any, dict[str, Any]]] = []
        event.listen(self.engine.sync_engine, "before_execute", self._remember)

    def _remember(self, _conn: Any, element: Any, multiparams: Any, params: Any, _options: Any) -> None:
        given = dict(params or {})
        if multiparams and isinstance(multiparams[0], dict):
            given.update(multiparams[0])
        self._captured.append((element, given))

    async def statements(self, query: Any) -> tuple[list[str], int]:
        self._captured.clear()
        page = await self.queries.browse(query)
        compiled = []
        for element, given in self._captured:
            if isinstance(element, str):
                compiled.append(element)
                continue
            if given and hasattr(element, "params"):
                element = element.params(**given)
            compiled.append(str(element.compile(dialect=self.engine.dialect, compile_kwargs={"literal_binds": True})))
        return compiled, len(page.items)

    async def close(self) -> None:
        await self.engine.dispose()


def _summary(lines: list[str], runs_ms: list[float]) -> dict[str, Any]:
    text = "\n".join(lines)
    nodes = [re.sub(r"\s+\(cost=.*$", "", line.strip().lstrip("-> ").strip()) for line in lines if "(cost=" in line]
    buffers = re.search(r"Buffers: (shared [^\n]*)", text)
    planning = re.search(r"Planning Time: ([0-9.]+) ms", text)
    removed = [int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", text)]
    return {
        "execution_ms_each_run": runs_ms,
        "planning_ms": float(planning.group(1)) if planning else None,
        "top_buffers": buffers.group(1) if buffers else None,
        "nodes": nodes,
        "rows_removed_by_filter": sum(removed),
        "seq_scan_on_products": any("Seq Scan on products" in n for n in nodes),
    }


async def _explain(connection: Any, sql: str, runs: int) -> dict[str, Any]:
    """The plan of the last of `runs` executions (the first warms the buffers), with a summary."""
    runs_ms: list[float] = []
    lines: list[str] = []
    for _ in range(runs):
        rows = await connection.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, timeout=60)
        lines = [row[0] for row in rows]
        found = _EXECUTION.search("\n".join(lines))
        runs_ms.append(float(found.group(1)) if found else -1.0)
    return {"sql": sql, "plan": lines, "summary": _summary(lines, runs_ms)}


async def _connect(database_url: str) -> Any:
    import asyncpg

    connection = await asyncio.wait_for(asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql")), 10)
    await connection.execute("SET jit = off")  # as the app's connections do
    return connection


async def explain_searches(
    database_url: str, picked: list[dict[str, str]], categories: list[Category]
) -> list[dict[str, Any]]:
    """Full plans of the adapter's statements for a few searches (the statement over products first)."""
    adapter, connection = AdapterSql(database_url), await _connect(database_url)
    results = []
    try:
        for fields in picked:
            statements, items = await adapter.statements(product_query(fields, categories))
            ordered = sorted(statements, key=lambda s: "products" not in s.split("FROM", 1)[-1][:200])
            plans = [await _explain(connection, sql, 3) for sql in ordered]
            results.append({"fields": fields, "items": items, "statements": len(statements), "plans": plans})
    finally:
        await connection.close()
        await adapter.close()
    return results


async def census(database_url: str, paths: list[str], categories: list[Category]) -> dict[str, Any]:
    """Every search of the mix once through EXPLAIN ANALYZE: what each costs PostgreSQL on its own."""
    adapter, connection = AdapterSql(database_url), await _connect(database_url)
    rows = []
    try:
        for path in paths:
            statements, _ = await adapter.statements(product_query(query_fields(path), categories))
            explained = [await _explain(connection, sql, 2) for sql in statements]
            summaries = [e["summary"] for e in explained]
            rows.append(
                {
                    "path": path,
                    "execution_ms": round(sum(s["execution_ms_each_run"][-1] for s in summaries), 3),
                    "planning_ms": round(sum(s["planning_ms"] or 0 for s in summaries), 3),
                    "rows_removed_by_filter": sum(s["rows_removed_by_filter"] for s in summaries),
                    "scan": next((n for s in summaries for n in s["nodes"] if "on products" in n), None),
                }
            )
    finally:
        await connection.close()
        await adapter.close()
    costs = sorted(r["execution_ms"] for r in rows)
    return {
        "queries": len(rows),
        "mean_execution_ms": round(sum(costs) / len(costs), 3) if costs else None,
        "median_execution_ms": costs[len(costs) // 2] if costs else None,
        "max_execution_ms": costs[-1] if costs else None,
        "mean_planning_ms": round(sum(r["planning_ms"] for r in rows) / len(rows), 3) if rows else None,
        "most_expensive": sorted(rows, key=lambda r: -r["execution_ms"])[:5],
        "each": rows,
    }
