"""Copying the SQLite write-ahead log back into the database file, off the request path.

By default SQLite checkpoints inside the COMMIT that pushes the WAL past 1,000 pages, so an
ingest batch that happens to cross the line also pays for copying every page back and an fsync
of the database file — with the in-process writer lock still held. Here a thread of its own runs
a PASSIVE checkpoint (it never blocks readers or the writer) after commits, so the writer only
appends to the WAL. The connections' own automatic checkpoint stays as a backstop at a much
higher mark (`BACKSTOP_PAGES`), for when this thread falls behind or another process writes.

Durability is untouched: commits still fsync the WAL (synchronous=FULL), and a checkpoint only
moves committed pages; one cut short by a crash is redone from the WAL at the next open.
The thread ends after `IDLE_S` without commits and starts again at the next one.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from urllib.parse import quote

BACKSTOP_PAGES = 10_000  # wal_autocheckpoint of the store's own connections (~40 MB)
IDLE_S = 2.0


class Checkpointer:
    """One per database file in a process; `nudge()` after every write transaction."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.runs = 0  # checkpoints made (for tests)

    def nudge(self) -> None:
        with self._lock:
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="tagtrail-wal-checkpoint", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        try:
            # mode=rw: never create a database that has gone away (a removed test folder).
            uri = f"file:{quote(str(Path(self.path).resolve()))}?mode=rw"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error:
            self._stopped()
            return
        try:
            conn.execute("PRAGMA synchronous=FULL")
            while True:
                if not self._wake.wait(IDLE_S):
                    with self._lock:
                        if not self._wake.is_set():
                            self._thread = None
                            return
                self._wake.clear()
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self.runs += 1
        except sqlite3.Error:
            self._stopped()  # the file is gone or unreadable: the backstop still checkpoints
        finally:
            conn.close()

    def _stopped(self) -> None:
        with self._lock:
            self._thread = None


_CHECKPOINTERS: dict[str, Checkpointer] = {}
_REGISTRY = threading.Lock()


def checkpointer_for(path: str) -> Checkpointer:
    with _REGISTRY:
        found = _CHECKPOINTERS.get(path)
        if found is None:
            found = _CHECKPOINTERS[path] = Checkpointer(path)
        return found
