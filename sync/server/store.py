"""The Store: what every request handler needs (engine, settings, signer, store id).

Holds nothing another server instance would need: all state is in the database, the signing
key in its file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from sync.errors import DatabaseUnavailable
from sync.server import migrate
from sync.server.db import make_engine
from sync.server.settings import Settings
from sync.server.signing import HeadSigner


def wall_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Store:
    settings: Settings
    engine: Engine
    signer: HeadSigner
    store_id: str
    now_ms: Callable[[], int] = field(default=wall_ms)

    @classmethod
    def open(cls, settings: Settings | None = None, *, migrate_now: bool = True) -> Store:
        settings = settings or Settings()
        engine = make_engine(settings.db_url)
        try:
            store_id = migrate.upgrade(engine, settings.partition) if migrate_now else ""
        except OperationalError as exc:
            engine.dispose()
            # The URL without its password, and the driver's own first line of why.
            where = make_url(settings.db_url).render_as_string(hide_password=True)
            why = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnavailable(f"cannot use the database {where}: {why}") from exc
        return cls(settings, engine, HeadSigner(settings.key_file), store_id)

    def close(self) -> None:
        self.engine.dispose()
