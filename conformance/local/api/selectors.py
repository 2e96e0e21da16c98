"""Label and field selectors, with kube's grammar.

Label selectors: ``a=b``, ``a==b``, ``a!=b``, ``a in (x,y)``, ``a notin (x)``, ``a`` (exists), ``!a``,
and ``a>1``/``a<1``; requirements are ANDed. Field selectors: ``path=value``, ``path==value``,
``path!=value`` over dotted paths (``metadata.name``, ``metadata.namespace``, ``status.phase``,
``spec.nodeName``, ``type``, ...); a missing field reads as the empty string. A real cluster only
allows a few field paths per kind; being more permissive here cannot make a harness pass that would
fail there, because the harness uses only ``metadata.name``/``metadata.namespace``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from conformance.local.api.errors import BadRequest

Matcher = Callable[[Mapping[str, Any]], bool]

_KEY = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_SET = re.compile(rf"^\s*({_KEY})\s+(in|notin)\s+\(([^)]*)\)\s*$")
_EXISTS = re.compile(rf"^\s*(!?)\s*({_KEY})\s*$")
_OPERATOR = re.compile(rf"^\s*({_KEY})\s*(==|!=|=|>|<)\s*([-A-Za-z0-9_.]*)\s*$")


def _split_requirements(text: str) -> list[str]:
    """Split on commas that are not inside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _requirement(text: str) -> Matcher:
    match = _SET.match(text)
    if match:
        key, op, raw = match.groups()
        values = {v.strip() for v in raw.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in values
        return lambda labels: labels.get(key) not in values
    match = _OPERATOR.match(text)
    if match:
        key, op, value = match.groups()
        if op in ("=", "=="):
            return lambda labels: labels.get(key) == value
        if op == "!=":
            return lambda labels: labels.get(key) != value
        try:
            bound = int(value)
        except ValueError:
            raise BadRequest(
                f"unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {text}"
            ) from None
        if op == ">":
            return lambda labels: _int(labels.get(key)) is not None and _int(labels.get(key)) > bound  # type: ignore[operator]
        return lambda labels: _int(labels.get(key)) is not None and _int(labels.get(key)) < bound  # type: ignore[operator]
    match = _EXISTS.match(text)
    if match:
        negate, key = match.groups()
        if negate:
            return lambda labels: key not in labels
        return lambda labels: key in labels
    raise BadRequest(f"unable to parse requirement: {text.strip()!r}")


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_label_selector(text: str | None) -> Matcher | None:
    """A predicate over a labels mapping, or None for an empty selector (matches everything)."""
    if not text or not text.strip():
        return None
    requirements = [_requirement(part) for part in _split_requirements(text)]
    return lambda labels: all(req(labels) for req in requirements)


def labels_of(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    labels = (obj.get("metadata") or {}).get("labels")
    return labels if isinstance(labels, dict) else {}


def _field(obj: Mapping[str, Any], path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def parse_field_selector(text: str | None) -> Callable[[Mapping[str, Any]], bool] | None:
    """A predicate over whole objects, or None for an empty selector."""
    if not text or not text.strip():
        return None
    checks: list[tuple[str, bool, str]] = []
    for part in text.split(","):
        if not part.strip():
            continue
        match = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$", part)
        if not match:
            raise BadRequest(f"invalid selector: '{text}'; can't understand '{part}'")
        path, op, value = match.groups()
        checks.append((path, op != "!=", value))
    return lambda obj: all((_field(obj, path) == value) == equal for path, equal, value in checks)


def object_matcher(
    label_selector: str | None, field_selector: str | None
) -> Callable[[Mapping[str, Any]], bool] | None:
    """One predicate for both selectors (None when neither filters anything)."""
    by_labels = parse_label_selector(label_selector)
    by_fields = parse_field_selector(field_selector)
    if by_labels is None and by_fields is None:
        return None

    def matches(obj: Mapping[str, Any]) -> bool:
        if by_labels is not None and not by_labels(labels_of(obj)):
            return False
        return by_fields is None or by_fields(obj)

    return matches
