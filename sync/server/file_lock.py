"""Taking turns at something on disk: the threads of this process through a lock, and the
processes (server workers) through flock on a lock file. Used by SQLite's writers and by the
head file."""

from __future__ import annotations

import os
import threading

try:
    import fcntl
except ImportError:  # Windows has no flock: there, threads of one process still take turns
    fcntl = None  # type: ignore[assignment]


class FileLock:
    """Held by one thread of one process at a time; `path` is the lock file (made if missing,
    its folder must exist). Take it through `FileLock.at`: the threads of a process must share
    one instance per lock file, or its thread lock would not keep them apart."""

    def __init__(self, path: str) -> None:
        self._threads = threading.Lock()
        self._path = path
        self._fd: int | None = None

    @classmethod
    def at(cls, path: str) -> FileLock:
        """This process's lock on the lock file `path`."""
        with _MADE_LOCK:
            found = _MADE.get(path)
            if found is None:
                found = _MADE[path] = cls(path)
            return found

    def __enter__(self) -> None:
        self._threads.acquire()
        if fcntl is None:
            return
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError:
            self._release()
            raise

    def __exit__(self, *_exc: object) -> None:
        self._release()

    def _release(self) -> None:
        try:
            if self._fd is not None:
                os.close(self._fd)  # closing the file lets go of its flock
        finally:
            self._fd = None
            self._threads.release()


_MADE: dict[str, FileLock] = {}
_MADE_LOCK = threading.Lock()
