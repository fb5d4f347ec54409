"""Where the device database lives: the platform's app-data folder, unless told otherwise.

A Flet app gets its storage folder in FLET_APP_STORAGE_DATA (desktop, web and mobile builds);
outside Flet the usual per-user data folder of the platform is used.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_FOLDER = "TagTrail"
DB_NAME = "tagtrail.db"


def platform_data_dir() -> Path:
    """The per-user data folder of this platform, with the app's own folder inside it."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_FOLDER


def default_db_path() -> Path:
    """`$FLET_APP_STORAGE_DATA/tagtrail.db`, or the platform data folder's tagtrail.db."""
    folder = os.environ.get("FLET_APP_STORAGE_DATA")
    return (Path(folder) if folder else platform_data_dir()) / DB_NAME
