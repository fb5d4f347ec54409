"""Running the app under uvicorn: in the foreground (the CLI) or on a background thread (tests,
benchmarks), always on a socket bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import gc
import os
import socket
import threading
import time

import uvicorn
from fastapi import FastAPI
from uvicorn.supervisors import Multiprocess

from sync.errors import ConfigError
from sync.server.app import create_app
from sync.server.settings import DB_ENV, KEY_FILE_ENV, Settings
from sync.server.store import Store


def bind(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def _config(store: Store) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(store), log_level="warning", access_log=False, lifespan="off", backlog=2048
    )


def serve_forever(store: Store, host: str, port: int, workers: int = 1) -> None:
    """Serve in this process, or in `workers` processes sharing one listening socket.

    Workers hold nothing another needs (DESIGN.md, Scale): each opens the store from
    TAGTRAIL_DB / TAGTRAIL_KEY_FILE, which are set here from `store.settings`. On SQLite they
    parse and fold in parallel and take turns at the write lock (sync.server.db.WriterLock)."""
    sock = bind(host, port)
    if workers <= 1:
        server = uvicorn.Server(_config(store))
        settle_heap()
        server.run(sockets=[sock])
        return
    settings = store.settings
    if settings != Settings(db_url=settings.db_url, key_file=settings.key_file):
        raise ConfigError("worker processes read only the database and key file: keep the rest")
    os.environ[DB_ENV] = settings.db_url
    os.environ[KEY_FILE_ENV] = str(settings.key_file)
    store.close()
    config = uvicorn.Config(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        log_level="warning",
        access_log=False,
        lifespan="off",
        backlog=2048,
    )
    Multiprocess(config, sockets=[sock]).run()


def worker_app() -> FastAPI:
    """The app of one worker process (an import-string factory, as uvicorn's workers need)."""
    app = create_app(Store.open(Settings()))
    settle_heap()
    return app


# Objects allocated before a young collection runs (Python's default: 700). One push batch
# makes some hundred thousand objects that live until it is answered (parsed operations, rows,
# results): at 700 the collector ran every few operations and took a sixth or more of ingest's
# CPU walking objects still in use; at this threshold it runs a few times per batch.
YOUNG_THRESHOLD = 20_000


def settle_heap() -> None:
    """Move everything alive after start-up (modules, the app, schemas, the engine) out of the
    collector's sight: a full collection then walks only what requests create, instead of
    hundreds of thousands of long-lived objects at every few batches. Young collections then
    run per YOUNG_THRESHOLD allocations instead of per 700."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)


class BackgroundServer:
    """The app on a free loopback port in a thread; `url` is its base URL."""

    def __init__(self, store: Store) -> None:
        self.sock = bind()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(_config(store))
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the store did not start within 10 s")
            time.sleep(0.01)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
