"""One sync engine per device database: an exclusive lock on a file next to the database.

The operating system drops the lock when the process dies, so a crashed app never leaves a
stale guard behind (unlike a lock row or a pid file).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from sync.errors import EngineAlreadyRunning

if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        # flock locks belong to the open file, so a second engine in the same process is
        # refused too, not only one in another process.
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class EngineLock:
    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.path = db_path.with_name(db_path.name + ".sync.lock")
        self._file: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open while the engine runs
        try:
            _lock(handle)
        except OSError as exc:
            handle.close()
            raise EngineAlreadyRunning(
                f"another sync engine is already running for {self.db_path.name}"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            _unlock(self._file)
            self._file.close()
            self._file = None
