"""The migrations build the schema tables.py describes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace.adapters.sql.tables import metadata
from tests.integration.contracts.conftest import Backend


def _known(difference: Any) -> bool:
    """products.search (PostgreSQL only) is left out of tables.py on purpose: no statement writes it."""
    text = repr(difference)
    return "'search'" in text or "ix_products_search" in text


async def test_the_migrated_schema_is_the_one_tables_py_describes(sql_backend: Backend) -> None:
    assert sql_backend.engine is not None
    async with sql_backend.engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
        )
    assert [d for d in differences if not _known(d)] == []
