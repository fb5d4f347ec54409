"""Settings of the central store: database URL, signing key file, limits.

Read from the environment (TAGTRAIL_DB, TAGTRAIL_KEY_FILE, TAGTRAIL_HOME) or passed explicitly.
The signing key lives in a file outside the database on purpose: someone who can rewrite the
database cannot re-sign the chain heads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from assets.merge import DEFAULT_RULES, MergeRules

DB_ENV = "TAGTRAIL_DB"
KEY_FILE_ENV = "TAGTRAIL_KEY_FILE"


def tagtrail_home() -> Path:
    return Path(os.environ.get("TAGTRAIL_HOME", Path.home() / ".tagtrail"))


def default_db_url() -> str:
    return os.environ.get(DB_ENV, f"sqlite:///{tagtrail_home() / 'store.db'}")


def default_key_file() -> Path:
    return Path(os.environ.get(KEY_FILE_ENV, tagtrail_home() / "keys" / "signing.key"))


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=default_db_url)
    key_file: Path = field(default_factory=default_key_file)
    partition: str = "main"  # one partition today; positions and chains are kept per partition
    max_batch_ops: int = 1000
    max_body_bytes: int = 8 * 1024 * 1024
    device_token_days: int = 365
    session_hours: int = 12
    rules: MergeRules = DEFAULT_RULES
    # Sign-in throttling: this many wrong PINs within the window lock the person (and, counted
    # separately, the device) out of signing in for `signin_lock_minutes`; an admin can unlock.
    signin_max_failures: int = 5
    signin_window_minutes: int = 15
    signin_lock_minutes: int = 15

    @property
    def heads_dir(self) -> Path:
        """Where the latest signed head of each store is kept, beside the key, off the database."""
        return self.key_file.parent / "heads"
