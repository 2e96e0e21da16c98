"""Small re-implementations of Go standard-library behaviour that echo-basic's output depends on.

echo-basic is a Go program; what the suite parses is shaped by Go: header names canonicalised by
``net/textproto``, JSON from ``encoding/json`` (HTML-safe escapes, one-space indent), durations from
``time.ParseDuration``, integers from ``strconv.Atoi``, and ``net/http.ServeMux``'s path cleaning.
Written here from the documented behaviour of those functions.
"""

from __future__ import annotations

import json
import re
from typing import Any

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def valid_header_name(name: str) -> bool:
    """An RFC 7230 token (what Go accepts as a header field name)."""
    return bool(name) and all(ch in _TOKEN_CHARS for ch in name)


def canonical_header_key(name: str) -> str:
    """Go's CanonicalMIMEHeaderKey: ``x-forwarded-for`` -> ``X-Forwarded-For``; invalid names unchanged."""
    if not valid_header_name(name):
        return name
    out: list[str] = []
    upper = True
    for ch in name:
        out.append(ch.upper() if upper else ch.lower())
        upper = ch == "-"
    return "".join(out)


def json_dumps(value: Any, indent: bool = True) -> bytes:
    """encoding/json: MarshalIndent(value, "", " ") or, without indent, Marshal.

    Map keys are written in the caller's order (sort them as Go does before calling).
    """
    if indent:
        text = json.dumps(value, indent=1, ensure_ascii=False)
    else:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    # Go escapes these so JSON can be embedded in HTML; they only ever occur inside strings here.
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text.encode("utf-8")


_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "\u00b5s": 1e-6,
    "\u03bcs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)([^0-9.]*)")


def parse_duration(text: str) -> float:
    """time.ParseDuration, in seconds. Raises ValueError with Go's message on bad input."""
    original = text
    invalid = ValueError(f'time: invalid duration "{original}"')
    sign = 1.0
    if text[:1] in ("-", "+"):
        sign = -1.0 if text[0] == "-" else 1.0
        text = text[1:]
    if text == "0":
        return 0.0
    if not text:
        raise invalid
    total = 0.0
    while text:
        match = _DURATION_PART.match(text)
        assert match is not None  # the pattern accepts the empty string
        number, unit = match.groups()
        if number in ("", "."):
            raise invalid
        if not unit:
            raise ValueError(f'time: missing unit in duration "{original}"')
        if unit not in _DURATION_UNITS:
            # The unit runs up to the next digit or dot, as Go reads it.
            raise ValueError(f'time: unknown unit "{unit}" in duration "{original}"')
        total += float(number) * _DURATION_UNITS[unit]
        text = text[match.end() :]
    return sign * total


_ATOI = re.compile(r"[+-]?[0-9]+")


def atoi(text: str | None) -> int | None:
    """strconv.Atoi: an optionally signed decimal integer, else None (Go returns an error)."""
    if text is None or not _ATOI.fullmatch(text):
        return None
    value = int(text)
    return value if -(2**63) <= value < 2**63 else None


def clean_path(path: str) -> str:
    """net/http's cleanPath: path.Clean with a leading slash, keeping a trailing slash."""
    if not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    parts: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if parts:
                parts.pop()
            continue
        parts.append(segment)
    cleaned = "/" + "/".join(parts)
    if path.endswith("/") and cleaned != "/":
        cleaned += "/"
    return cleaned
