"""Running the app under uvicorn: in the foreground (the CLI) or on a background thread (tests,
benchmarks), always on a socket bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

from sync.server.app import create_app
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


def serve_forever(store: Store, host: str, port: int) -> None:
    server = uvicorn.Server(_config(store))
    server.run(sockets=[bind(host, port)])


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
