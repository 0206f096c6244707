"""SQL adapters (SQLAlchemy Core): PostgreSQL through asyncpg, SQLite through aiosqlite."""
