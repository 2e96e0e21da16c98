"""Path and hostname modifiers shared by the URLRewrite and RequestRedirect filters.

Spec (``HTTPPathModifier``): ``ReplaceFullPath`` replaces the whole path; ``ReplacePrefixMatch``
replaces the part of the path the rule's PathPrefix match matched, by path elements, a trailing ``/``
of the prefix ignored, so with prefix ``/foo``: ``/foo/bar`` -> ``/xyz/bar``, ``/foo`` -> ``/xyz``,
``/foo/`` -> ``/xyz/``, and an empty (or ``/``) replacement leaves ``/bar`` or ``/``. The query string
is kept as it was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from conformance.local.gateway.config import Match

REPLACE_FULL_PATH = "ReplaceFullPath"
REPLACE_PREFIX_MATCH = "ReplacePrefixMatch"
PATH_MODIFIER_TYPES = frozenset({REPLACE_FULL_PATH, REPLACE_PREFIX_MATCH})


def split_target(target: str) -> tuple[str, str]:
    """(path, query) of an origin-form request-target; the query keeps no ``?``."""
    path, _, query = target.partition("?")
    return path, query


def join_target(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def replace_prefix(path: str, prefix: str, replacement: str, *, drop_remainder: bool = False) -> str:
    """``path`` with the element-wise ``prefix`` it matched replaced by ``replacement``.

    ``drop_remainder`` is the fault of a proxy that swaps the whole path for the replacement.
    """
    prefix = prefix.rstrip("/")
    remainder = path[len(prefix) :] if path.startswith(prefix) else path
    if drop_remainder:
        remainder = ""
    if remainder and not remainder.startswith("/"):
        remainder = "/" + remainder
    return (replacement.rstrip("/") + remainder) or "/"


def modified_path(modifier: dict[str, Any], path: str, match: Match, *, drop_remainder: bool = False) -> str:
    """The path a path modifier (``urlRewrite.path`` / ``requestRedirect.path``) makes of ``path``."""
    kind = modifier.get("type")
    if kind == REPLACE_FULL_PATH:
        value = modifier.get("replaceFullPath")
        return value if isinstance(value, str) and value else "/"
    if kind == REPLACE_PREFIX_MATCH:
        value = modifier.get("replacePrefixMatch")
        replacement = value if isinstance(value, str) else ""
        # Only meaningful after a PathPrefix match (the controller rejects other combinations); a rule
        # without matches matched the prefix "/".
        prefix = match.path_value if match.path_type == "PathPrefix" else "/"
        return replace_prefix(path, prefix, replacement, drop_remainder=drop_remainder)
    return path
