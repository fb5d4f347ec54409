"""Pluggable decoding back-ends: zxing-cpp first where installed, pyzbar as fallback."""

from __future__ import annotations

import importlib
import importlib.util

from scanner.backends.base import Backend
from scanner.errors import BackendError

NAMES: tuple[str, ...] = ("zxing-cpp", "pyzbar")


def is_installed(name: str) -> bool:
    module = {"zxing-cpp": "zxingcpp", "pyzbar": "pyzbar"}.get(name)
    if module is None:
        raise BackendError(f"unknown decoding back-end {name!r}; known: {', '.join(NAMES)}")
    return importlib.util.find_spec(module) is not None


def create(name: str) -> Backend:
    """Instantiate one back-end by name; a clear error if its library is missing."""
    if not is_installed(name):
        raise BackendError(f"decoding back-end {name!r} is not installed")
    # imported here, not at the top: a build may lack either library
    module, cls = {
        "zxing-cpp": ("scanner.backends.zxing", "ZxingBackend"),
        "pyzbar": ("scanner.backends.zbar", "ZbarBackend"),
    }[name]
    try:
        backend: Backend = getattr(importlib.import_module(module), cls)()
        return backend
    except ImportError as exc:  # e.g. pyzbar present but libzbar missing
        raise BackendError(f"decoding back-end {name!r} cannot load: {exc}") from exc


def available() -> list[Backend]:
    """Every installed back-end, best first."""
    out: list[Backend] = []
    for name in NAMES:
        if is_installed(name):
            try:
                out.append(create(name))
            except BackendError:
                continue
    if not out:
        raise BackendError("no decoding back-end is installed (need zxing-cpp or pyzbar)")
    return out


__all__ = ["NAMES", "Backend", "available", "create", "is_installed"]
