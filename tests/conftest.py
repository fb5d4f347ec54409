"""Suite-wide hooks."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest


def _utf8_safe(value: Any) -> Any:
    """The same data with every lone surrogate spelled as an escape."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_utf8_safe(k): _utf8_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_utf8_safe(v) for v in value)
    return value


@pytest.hookimpl(wrapper=True)
def pytest_report_to_serializable(report: Any) -> Generator[None, Any, Any]:
    # pytest-xdist sends each report to the controller as UTF-8; tests that feed lone
    # surrogates to the code can leave them in captured output, which would end the run.
    data = yield
    return _utf8_safe(data)
