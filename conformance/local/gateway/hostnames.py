"""Hostname matching between listeners and routes, as the Gateway API defines it.

``Listener.hostname`` and ``HTTPRouteSpec.hostnames``: a name prefixed with the wildcard label ``*.``
is a suffix match (``*.example.com`` matches ``foo.example.com`` and ``foo.bar.example.com`` but not
``example.com``); a missing hostname matches every name. When listener and route both name hosts,
only the names they have in common are served, and none in common means no attachment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


def intersect_one(listener: str, route: str) -> str | None:
    """The more specific of two hostnames if every name it matches is matched by both, else None."""
    lhost, rhost = listener.lower(), route.lower()
    if lhost == rhost:
        return route
    if lhost.startswith("*.") and rhost.endswith(lhost[1:]):
        return route
    if rhost.startswith("*.") and lhost.endswith(rhost[1:]):
        return listener
    return None


def intersect_hostnames(
    listener_hostname: str | None,
    route_hostnames: Sequence[str],
) -> tuple[str, ...] | None:
    """Effective hostnames of a route on a listener: a tuple (empty = any host), or None if disjoint."""
    if not route_hostnames:
        return (listener_hostname,) if listener_hostname else ()
    if not listener_hostname:
        return tuple(dict.fromkeys(route_hostnames))
    found = [h for h in (intersect_one(listener_hostname, r) for r in route_hostnames) if h is not None]
    return tuple(dict.fromkeys(found)) or None


def overlap(a: str | None, b: str | None) -> bool:
    """Whether two different listener hostnames both match some name (a missing one matches all)."""
    if a is None or b is None:
        return a != b
    return a.lower() != b.lower() and intersect_one(a, b) is not None
