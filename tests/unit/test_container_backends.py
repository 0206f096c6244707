"""The two backends of the composition root are interchangeable: each provides every port the core reads."""

from __future__ import annotations

from dependency_injector import providers

from marketplace.entrypoints.container.backend import port
from marketplace.entrypoints.container.core import Core
from marketplace.entrypoints.container.memory import MemoryBackend
from marketplace.entrypoints.container.sql import SqlBackend


def _read_by_the_core() -> set[str]:
    names = {
        str(list(p.args)[1])
        for p in Core.providers.values()
        if isinstance(p, providers.Singleton) and p.provides is port
    }
    return names | {"chat"}  # read by chat_store unless MongoDB takes its place


def test_the_memory_and_sql_backends_provide_the_same_names() -> None:
    assert set(MemoryBackend.providers) == set(SqlBackend.providers)


def test_each_backend_provides_every_port_the_core_reads() -> None:
    assert len(_read_by_the_core()) > 10  # the storage, cache and database ports; not the providers (gateways.py)
    assert _read_by_the_core() <= set(MemoryBackend.providers)
    assert _read_by_the_core() <= set(SqlBackend.providers)
