"""Terse builders of DataPlaneConfig pieces for the data plane tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from conformance.local.gateway.config import (
    Backend,
    Endpoint,
    HeaderMatch,
    ListenerConfig,
    Match,
    RouteConfig,
    RouteRef,
    Rule,
)

T0 = "2024-01-01T00:00:00Z"
T1 = "2024-01-01T00:00:01Z"


def match(
    path: str = "/",
    kind: str = "PathPrefix",
    *,
    headers: Sequence[tuple[str, str]] = (),
    query: Sequence[tuple[str, str]] = (),
    method: str | None = None,
    regex_headers: Sequence[tuple[str, str]] = (),
) -> Match:
    return Match(
        path_type=kind,
        path_value=path,
        headers=tuple(HeaderMatch("Exact", n, v) for n, v in headers)
        + tuple(HeaderMatch("RegularExpression", n, v) for n, v in regex_headers),
        query_params=tuple(HeaderMatch("Exact", n, v) for n, v in query),
        method=method,
    )


def route(
    name: str,
    *rules: Sequence[Match] | Match,
    hostnames: Sequence[str] = (),
    created: str = T0,
    namespace: str = "infra",
    backends: Sequence[Sequence[Backend]] = (),
) -> RouteConfig:
    """A route whose rule i has the given matches (one Match or a list) and ``backends[i]`` if given."""
    ref = RouteRef("HTTPRoute", namespace, name, created)
    built = []
    for index, matches in enumerate(rules):
        found = (matches,) if isinstance(matches, Match) else tuple(matches)
        rule_backends = tuple(backends[index]) if index < len(backends) else ()
        built.append(Rule(ref, index, found, backends=rule_backends))
    return RouteConfig(ref, tuple(hostnames), tuple(built))


def listener(
    name: str, routes: Sequence[RouteConfig], hostname: str | None = None, port: int = 8080, protocol: str = "HTTP"
) -> ListenerConfig:
    return ListenerConfig(name, port, protocol, hostname, tuple(routes))


@dataclass
class Services:
    """Echo pods (named like real ones) grouped by the Service that selects them."""

    endpoints: dict[str, tuple[Endpoint, ...]]

    def backend(self, name: str, weight: int = 1, namespace: str = "infra") -> Backend:
        return Backend("Service", namespace, name, 8080, weight, self.endpoints[name])
