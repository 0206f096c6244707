"""A sandbox's records kept on disk, so that a sandbox started again answers as it did before it stopped."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import msgspec

log = logging.getLogger("marketplace.sandbox")
Records = dict[str, dict[str, msgspec.Raw]]  # kind ("invoices", "bookings", ...) -> key -> one record's JSON
Everything = Callable[[], Mapping[str, Mapping[str, Any]]]
Keep = Callable[[str, str, Any], None]  # (kind, key, record): `StateFile.put`, or `forget`
MIN_JOURNAL = 1000  # lines the journal may hold before it is folded into the snapshot


def forget(kind: str, key: str, record: Any) -> None:
    """Keeps nothing: what a sandbox part does until it is given a StateFile's `put`."""


class _Change(msgspec.Struct):
    kind: str
    key: str
    record: msgspec.Raw


class StateFile:
    """`<name>.json` holds every record as of the last compaction; it is written whole to a temporary file
    that then replaces it (os.replace: whoever reads it finds the old file or the new one, never half of
    one). `<name>.journal` gets one JSON line per change since, written before `put` returns, so a kill -9
    loses no change a client was told about, and a change costs one small write however much is kept.

    Loading replays the journal over the snapshot; a torn last line (a kill in the middle of a write) is
    dropped. The journal is folded into a new snapshot on `start`, on `close`, and when it has grown
    longer than the records it describes. With no `directory` nothing is kept.

    One holder at a time: `<name>.lock` is locked (flock, released by the kernel however the holder ends).
    Whoever finds it held, say a CLI command whose container builds the built-in sandbox while `serve`
    runs, keeps its records in memory only and leaves the files alone.
    """

    def __init__(self, directory: Path | None, name: str) -> None:
        self._directory, self._name = directory, name
        self._snapshot = directory / f"{name}.json" if directory else None
        self._journal_path = directory / f"{name}.journal" if directory else None
        self._journal: BinaryIO | None = None
        self._lock_file: BinaryIO | None = None
        self._everything: Everything = dict
        self._lines, self._fold_after = 0, MIN_JOURNAL
        self._writing = threading.Lock()  # an embedding test harness may drive a sandbox from a second loop
        self._encoder = msgspec.json.Encoder()

    def load(self) -> Records:
        """Every record kept, in the order each was first put (nothing when another holds the files)."""
        if not self._hold():
            self._snapshot = self._journal_path = None
        if self._snapshot is None or self._journal_path is None:
            return {}
        records: Records = {}
        if self._snapshot.exists():
            try:
                records = msgspec.json.decode(self._snapshot.read_bytes(), type=Records)
            except msgspec.DecodeError as error:
                raise RuntimeError(
                    f"the sandbox state {self._snapshot} cannot be read ({error}); move it away to start afresh"
                ) from None
        if self._journal_path.exists():
            for change in self._replay(self._journal_path.read_bytes()):
                records.setdefault(change.kind, {})[change.key] = change.record
        return records

    def start(self, everything: Everything) -> None:
        """From now on `everything()` is what a snapshot holds; folds the journal in and opens a new one."""
        self._everything = everything
        if self._snapshot is not None:
            self._fold()

    def put(self, kind: str, key: str, record: Any) -> None:
        """Keeps `record` (a msgspec-encodable object) as the current one of its `kind` under `key`."""
        if self._journal is None:
            return
        line = self._encoder.encode({"kind": kind, "key": key, "record": record}) + b"\n"
        with self._writing:
            self._journal.write(line)
            self._journal.flush()  # in the kernel's hands: a killed process has written it
            self._lines += 1
            if self._lines > self._fold_after:
                self._fold()

    def close(self) -> None:
        if self._journal is not None:
            with self._writing:
                self._fold()
                self._journal.close()
                self._journal = None
        if self._lock_file is not None:
            self._lock_file.close()  # and with it the lock
            self._lock_file = None

    def _hold(self) -> bool:
        if self._directory is None:
            return False
        self._directory.mkdir(parents=True, exist_ok=True)
        held = open(self._directory / f"{self._name}.lock", "ab")  # noqa: SIM115 - kept open while held
        try:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held.close()
            log.info(
                "the %s sandbox's records in %s are held by another process; this one keeps its own in memory only",
                self._name,
                self._directory,
            )
            return False
        self._lock_file = held
        return True

    def _fold(self) -> None:
        assert self._snapshot is not None and self._journal_path is not None
        everything = self._everything()
        temporary = self._snapshot.with_name(self._snapshot.name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(self._encoder.encode(everything))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self._snapshot)
        # Only now may the journal go: a crash before this line replays it onto the new snapshot, which
        # already holds its changes (each line replaces a whole record, so replaying twice does no harm).
        if self._journal is not None:
            self._journal.close()
        self._journal = open(self._journal_path, "wb")  # noqa: SIM115 - kept open until close()
        self._lines = 0
        self._fold_after = max(MIN_JOURNAL, sum(len(records) for records in everything.values()))

    def _replay(self, journal: bytes) -> list[_Change]:
        lines = journal.split(b"\n")
        if lines[-1]:
            log.warning("the last change in %s was cut short by a stop and is dropped", self._journal_path)
        changes = []
        for number, line in enumerate(lines[:-1], start=1):
            try:
                changes.append(msgspec.json.decode(line, type=_Change))
            except msgspec.DecodeError as error:
                raise RuntimeError(
                    f"line {number} of the sandbox journal {self._journal_path} cannot be read "
                    f"({error}); move it away to start afresh"
                ) from None
        return changes
