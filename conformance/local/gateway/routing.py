"""Request-time routing of the reference gateway: listener, route and rule selection.

Pure functions over the compiled config (no I/O), in the order the spec prescribes:

1. Listener: among the listeners on the port, the one whose hostname matches the Host header most
   specifically: exact > wildcard with more labels > wildcard > no hostname (Gateway ``listeners``).
2. Routes: those whose effective hostnames match the Host; a route matching with more characters of a
   non-wildcard hostname, then more characters of any hostname, takes precedence (HTTPRoute
   ``hostnames``).
3. Matches: across all rules of those routes, Exact path > longest PathPrefix > method > most header
   matches > most query param matches > oldest route > route namespace/name > rule order > match order
   (HTTPRoute ``rules.matches``). The first match that accepts the request wins.

Each named fault in faults_dataplane.py bends exactly one of these steps.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway.config import HeaderMatch, ListenerConfig, Match, RouteConfig, Rule


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What routing looks at. Header names are lower-cased; values keep their order."""

    host: str
    """Host header with the port removed, lower-cased."""
    method: str
    path: str
    """Raw path of the request-target (no query), as received."""
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, tuple[str, ...]]
    raw_headers: tuple[tuple[str, str], ...] = ()
    """Header fields as received (original name casing)."""


@dataclass(frozen=True, slots=True)
class Selection:
    route: RouteConfig
    rule: Rule
    match: Match


def request_host(host_header: str, faults: ActiveFaults) -> str:
    """The host to match hostnames against: the Host header without its port, lower-cased."""
    host = host_header.strip().lower()
    if faults.on(F.HOST_PORT_NOT_STRIPPED):
        return host
    if host.startswith("["):  # IPv6 literal, maybe with a port
        return host[1 : host.index("]")] if "]" in host else host
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() else host


def request_facts(method: str, target: str, headers: Sequence[tuple[str, str]], faults: ActiveFaults) -> RequestFacts:
    grouped: dict[str, list[str]] = {}
    for name, value in headers:
        grouped.setdefault(name.lower(), []).append(value)
    host = grouped.get("host", [""])[0]
    if not target.startswith("/") and "://" in target:
        # Absolute-form request-target: its authority replaces Host (RFC 9112 3.2.2).
        host, _, target = target.split("://", 1)[1].partition("/")
        target = "/" + target
    path, _, query = target.partition("?")
    return RequestFacts(
        host=request_host(host, faults),
        method=method,
        path=path,
        query=tuple(parse_qsl(query, keep_blank_values=True)),
        headers={name: tuple(values) for name, values in grouped.items()},
        raw_headers=tuple(headers),
    )


# --- hostnames ---------------------------------------------------------------------------------------


def hostname_matches(pattern: str, host: str, faults: ActiveFaults) -> bool:
    """``foo.example.com`` matches itself; ``*.example.com`` matches any name below example.com."""
    pattern = pattern.lower()
    if not pattern.startswith("*."):
        return host == pattern
    suffix = pattern[1:]  # ".example.com"
    if not host.endswith(suffix) or len(host) == len(suffix):
        return False
    if faults.on(F.WILDCARD_SINGLE_LABEL):
        return "." not in host[: -len(suffix)]
    return True


def _listener_rank(hostname: str | None, host: str, faults: ActiveFaults) -> tuple[int, int] | None:
    if not hostname:
        return (0, 0)
    if not hostname_matches(hostname, host, faults):
        return None
    if hostname.startswith("*."):
        return (1, hostname.count("."))
    return (2, 0)


def select_listener(listeners: Sequence[ListenerConfig], host: str, faults: ActiveFaults) -> ListenerConfig | None:
    best: ListenerConfig | None = None
    best_rank: tuple[int, int] | None = None
    for listener in listeners:
        rank = _listener_rank(listener.hostname, host, faults)
        if rank is None:
            continue
        if faults.on(F.LISTENER_FIRST_ON_PORT):
            return listener
        if best_rank is None or rank > best_rank:
            best, best_rank = listener, rank
    return best


def _route_host_rank(route: RouteConfig, host: str, faults: ActiveFaults) -> tuple[int, int] | None:
    """(characters of the matching non-wildcard hostname, characters of the matching hostname)."""
    if not route.hostnames or faults.on(F.ROUTE_HOSTNAMES_IGNORED):
        return (0, 0)
    ranks = [
        (0 if name.startswith("*.") else len(name), len(name))
        for name in route.hostnames
        if hostname_matches(name, host, faults)
    ]
    return max(ranks) if ranks else None


# --- matches -----------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _value_matches(kind: str, expected: str, actual: str) -> bool:
    if kind == "RegularExpression":
        compiled = _regex(expected)
        return compiled is not None and compiled.fullmatch(actual) is not None
    return actual == expected


def path_matches(match: Match, path: str, faults: ActiveFaults) -> bool:
    value = match.path_value
    if faults.on(F.PATH_MATCH_CASE_INSENSITIVE):
        value, path = value.lower(), path.lower()
    kind = match.path_type
    if kind == "Exact" and faults.on(F.EXACT_PATH_AS_PREFIX):
        kind = "PathPrefix"
    if kind == "Exact":
        return path == value
    if kind == "PathPrefix":
        if faults.on(F.PREFIX_NOT_SEGMENT_AWARE):
            return path.startswith(value)
        # By path element: a trailing "/" of the prefix is ignored, "/abc" matches "/abc", "/abc/",
        # "/abc/def" but not "/abcd".
        prefix = value.rstrip("/")
        return not prefix or path == prefix or path.startswith(prefix + "/")
    if kind == "RegularExpression":
        return _value_matches("RegularExpression", value, path)
    return False


def _first_by_name(matches: Sequence[HeaderMatch], fold_case: bool) -> list[HeaderMatch]:
    # The spec: of several entries with an equivalent name, only the first one counts.
    seen: set[str] = set()
    out = []
    for item in matches:
        key = item.name.lower() if fold_case else item.name
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _headers_match(match: Match, facts: RequestFacts, faults: ActiveFaults) -> bool:
    if faults.on(F.HEADER_MATCHES_IGNORED):
        return True
    for item in _first_by_name(match.headers, fold_case=True):
        if faults.on(F.HEADER_NAMES_CASE_SENSITIVE):
            values = tuple(value for name, value in facts.raw_headers if name == item.name)
        else:
            values = facts.headers.get(item.name.lower(), ())
        # A repeated header matches by any of its values or by their comma-joined list.
        candidates = (*values, ",".join(values)) if len(values) > 1 else values
        if not any(_value_matches(item.type, item.value, value) for value in candidates):
            return False
    return True


def _query_matches(match: Match, facts: RequestFacts, faults: ActiveFaults) -> bool:
    if faults.on(F.QUERY_PARAM_MATCHES_IGNORED):
        return True
    for item in _first_by_name(match.query_params, fold_case=False):
        # A repeated parameter: the first occurrence is the one compared (implementation-specific).
        actual = next((value for name, value in facts.query if name == item.name), None)
        if actual is None or not _value_matches(item.type, item.value, actual):
            return False
    return True


def match_accepts(match: Match, facts: RequestFacts, faults: ActiveFaults) -> bool:
    if not path_matches(match, facts.path, faults):
        return False
    if match.method is not None and not faults.on(F.METHOD_MATCHES_IGNORED) and match.method != facts.method:
        return False
    return _headers_match(match, facts, faults) and _query_matches(match, facts, faults)


# --- precedence --------------------------------------------------------------------------------------

_PATH_RANK = {"Exact": 2, "PathPrefix": 1}


def _timestamp(text: str) -> float:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return float("inf")  # unknown age sorts last among equals


def _match_key(match: Match, faults: ActiveFaults) -> tuple[int, ...]:
    """Most specific first when sorted ascending."""
    method = -(match.method is not None)
    headers = -len(_first_by_name(match.headers, fold_case=True))
    query = -len(_first_by_name(match.query_params, fold_case=False))
    if faults.on(FF.METHOD_BELOW_HEADERS):
        method, headers = headers, method
    if faults.on(FF.QUERY_ABOVE_HEADERS):
        headers, query = query, headers
    length = 0 if faults.on(FF.PREFIX_LENGTH_IGNORED) and match.path_type == "PathPrefix" else len(match.path_value)
    return (-_PATH_RANK.get(match.path_type, 0), -length, method, headers, query)


def select(routes: Sequence[RouteConfig], facts: RequestFacts, faults: ActiveFaults) -> Selection | None:
    """The rule and match that serve the request on a listener, or None (the gateway answers 404)."""
    candidates: list[tuple[tuple[object, ...], RouteConfig, Rule, Match]] = []
    reverse_rules = faults.on(F.RULE_ORDER_TIEBREAK_REVERSED)
    for route in routes:
        host_rank = _route_host_rank(route, facts.host, faults)
        if host_rank is None:
            continue
        route_key = (_timestamp(route.ref.creation_timestamp), route.ref.namespace, route.ref.name)
        for rule in route.rules:
            rule_order = -rule.index if reverse_rules else rule.index
            for position, match in enumerate(rule.matches):
                order = -position if reverse_rules else position
                if faults.on(F.PRECEDENCE_WITHIN_ROUTE_ONLY):
                    key: tuple[object, ...] = (*route_key, *_match_key(match, faults), rule_order, order)
                else:
                    key = (-host_rank[0], -host_rank[1], *_match_key(match, faults), *route_key, rule_order, order)
                candidates.append((key, route, rule, match))
    candidates.sort(key=lambda item: item[0])
    for _, route, rule, match in candidates:
        if match_accepts(match, facts, faults):
            return Selection(route, rule, match)
    return None
