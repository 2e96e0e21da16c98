"""Suggestions ("Did you mean ...?") for the closed sets of names users type: features, profiles, faults."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, choices: Iterable[str]) -> str | None:
    """The choice the user most likely meant, or None.

    Prefix and substring matches beat edit distance: someone typing ``HTTPRouteQuery`` has a longer
    name in mind (``HTTPRouteQueryParamMatching``), not a different short one (``HTTPRouteRetry``).
    """
    options = list(choices)
    lowered = name.lower().strip()
    if not lowered:
        return None
    for choice in options:
        if choice.lower() == lowered:
            return choice
    starts = sorted((c for c in options if c.lower().startswith(lowered)), key=len)
    if starts:
        return starts[0]
    contains = sorted((c for c in options if lowered in c.lower()), key=len)
    if contains:
        return contains[0]
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` Did you mean X?`` (with the leading space) or an empty string."""
    match = closest(name, choices)
    return f" Did you mean {match}?" if match else ""
