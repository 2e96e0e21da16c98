"""Small helpers for JSON-shaped objects: fast deep copies and kube timestamps.

Objects are plain dicts of JSON values everywhere in the local API, so a copier that only knows
dicts, lists and scalars is several times faster than ``copy.deepcopy`` on the hot write path.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

T = TypeVar("T")


def json_copy(value: T) -> T:
    """Deep copy of a JSON value (dicts, lists, scalars)."""
    return _copy(value)  # type: ignore[no-any-return]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def now_rfc3339() -> str:
    """The current time as kube writes timestamps: RFC 3339, second precision, ``Z``."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_rfc3339_micro() -> str:
    """The current time with microseconds, as kube writes MicroTime fields (leases, events)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
