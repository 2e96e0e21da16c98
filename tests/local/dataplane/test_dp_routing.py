"""Listener, route and rule selection follow the spec's precedence (pure functions, no sockets)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from dataplane_builders import T0, T1, listener, match, route

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import routing
from conformance.local.gateway.config import ListenerConfig, RouteConfig

CLEAN = ActiveFaults()


def pick(
    routes: Sequence[RouteConfig],
    path: str = "/",
    *,
    host: str = "example.com",
    method: str = "GET",
    headers: Sequence[tuple[str, str]] = (),
    faults: ActiveFaults = CLEAN,
) -> tuple[str, int] | None:
    facts = routing.request_facts(method, path, [("Host", host), *headers], faults)
    selection = routing.select(routes, facts, faults)
    return None if selection is None else (selection.route.ref.name, selection.rule.index)


# (case, routes, request path, request kwargs, expected (route, rule) or None)
PRECEDENCE = [
    ("exact beats prefix of the same path", [route("r", match("/a/b"), match("/a/b", "Exact"))], "/a/b", {}, ("r", 1)),
    ("exact beats a longer prefix", [route("r", match("/a/b/c"), match("/a/b/c", "Exact"))], "/a/b/c", {}, ("r", 1)),
    (
        "longest prefix wins regardless of rule order",
        [route("r", match("/"), match("/a/b"), match("/a"))],
        "/a/b/c",
        {},
        ("r", 1),
    ),
    (
        "prefix length beats method",
        [route("r", match("/a", method="GET"), match("/a/b"))],
        "/a/b",
        {},
        ("r", 1),
    ),
    ("method match beats none", [route("r", match("/a"), match("/a", method="GET"))], "/a", {}, ("r", 1)),
    (
        "a failing method falls through",
        [route("r", match("/a"), match("/a", method="GET"))],
        "/a",
        {"method": "POST"},
        ("r", 0),
    ),
    (
        "method beats header count",
        [route("r", match(headers=[("x", "1"), ("y", "2")]), match(method="GET"))],
        "/",
        {"headers": [("x", "1"), ("y", "2")]},
        ("r", 1),
    ),
    (
        "more header matches win",
        [route("r", match(headers=[("a", "1")]), match(headers=[("a", "1"), ("b", "2")]))],
        "/",
        {"headers": [("a", "1"), ("b", "2")]},
        ("r", 1),
    ),
    (
        "header count beats query count",
        [route("r", match(query=[("q", "1"), ("p", "2")]), match(headers=[("h", "1")]))],
        "/?q=1&p=2",
        {"headers": [("h", "1")]},
        ("r", 1),
    ),
    (
        "more query matches win",
        [route("r", match(query=[("q", "1")]), match(query=[("q", "1"), ("p", "2")]))],
        "/?q=1&p=2",
        {},
        ("r", 1),
    ),
    (
        "oldest route wins a tie",
        [route("young", match("/x"), created=T1), route("old", match("/x"), created=T0)],
        "/x",
        {},
        ("old", 0),
    ),
    (
        "then namespace/name alphabetically",
        [route("b", match("/x")), route("a", match("/x")), route("z", match("/x"), namespace="app")],
        "/x",
        {},
        ("z", 0),
    ),
    (
        "then the first rule",
        [route("r", match(headers=[("h", "1")]), match(headers=[("h", "1")]))],
        "/",
        {"headers": [("h", "1")]},
        ("r", 0),
    ),
    (
        "specificity beats route age across routes",
        [route("old", match("/"), created=T0), route("new", match("/v2"), created=T1)],
        "/v2/x",
        {},
        ("new", 0),
    ),
    (
        "a more specific hostname beats a more specific match",
        [
            route("wild", match("/foo"), hostnames=["*.example.com"]),
            route("exact", match("/"), hostnames=["foo.example.com"]),
        ],
        "/foo",
        {"host": "foo.example.com"},
        ("exact", 0),
    ),
    (
        "a wildcard hostname beats no hostname",
        [route("any", match("/foo")), route("wild", match("/"), hostnames=["*.example.com"])],
        "/foo",
        {"host": "foo.example.com"},
        ("wild", 0),
    ),
    (
        "less specific hostnames still serve what the specific ones do not match",
        [
            route("exact", match("/only", "Exact"), hostnames=["foo.example.com"]),
            route("wild", match("/"), hostnames=["*.example.com"]),
        ],
        "/other",
        {"host": "foo.example.com"},
        ("wild", 0),
    ),
    ("route hostnames must match", [route("r", match("/"), hostnames=["a.com"])], "/", {"host": "b.com"}, None),
    ("the Host port is ignored", [route("r", match("/"), hostnames=["a.com"])], "/", {"host": "a.com:1234"}, ("r", 0)),
    ("hostnames are case-insensitive", [route("r", match("/"), hostnames=["a.com"])], "/", {"host": "A.COM"}, ("r", 0)),
    ("nothing matches", [route("r", match("/a"))], "/b", {}, None),
    (
        "header names are case-insensitive",
        [route("r", match(headers=[("Version", "one")]))],
        "/",
        {"headers": [("version", "one")]},
        ("r", 0),
    ),
    (
        "header values are exact",
        [route("r", match(headers=[("Version", "one")]))],
        "/",
        {"headers": [("version", "One")]},
        None,
    ),
    ("a missing header fails", [route("r", match(headers=[("Version", "one")]))], "/", {}, None),
    (
        "regex header values",
        [route("r", match(regex_headers=[("v", "o.e")]))],
        "/",
        {"headers": [("v", "one")]},
        ("r", 0),
    ),
    (
        "regex header values match in full",
        [route("r", match(regex_headers=[("v", "o.e")]))],
        "/",
        {"headers": [("v", "ones")]},
        None,
    ),
    ("query names are case-sensitive", [route("r", match(query=[("animal", "whale")]))], "/?Animal=whale", {}, None),
    ("query values are decoded", [route("r", match(query=[("a", "b c")]))], "/?a=b%20c", {}, ("r", 0)),
    ("first repeated query param counts", [route("r", match(query=[("a", "1")]))], "/?a=2&a=1", {}, None),
    ("paths are case-sensitive", [route("r", match("/one", "Exact"))], "/One", {}, None),
    ("exact ignores the query", [route("r", match("/one", "Exact"))], "/one?x=1", {}, ("r", 0)),
    ("exact does not match a trailing slash", [route("r", match("/one", "Exact"))], "/one/", {}, None),
    (
        "matches of one rule are ORed",
        [route("r", [match("/a", method="PUT"), match("/b")])],
        "/b",
        {},
        ("r", 0),
    ),
]


@pytest.mark.parametrize(
    ("case", "routes", "path", "request_kwargs", "expected"), PRECEDENCE, ids=[c[0] for c in PRECEDENCE]
)
def test_precedence(
    case: str, routes: list[RouteConfig], path: str, request_kwargs: dict[str, object], expected: tuple[str, int] | None
) -> None:
    assert pick(routes, path, **request_kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prefix", "path", "matches"),
    [
        ("/v2", "/v2", True),
        ("/v2", "/v2/", True),
        ("/v2", "/v2/example", True),
        ("/v2", "/v2example", False),
        ("/v2/", "/v2", True),
        ("/v2/", "/v2/x", True),
        ("/v2/", "/v2x", False),
        ("/", "/anything", True),
        ("/v2", "/foo/v2/example", False),
        ("/v2", "/V2", False),
    ],
)
def test_prefix_matching_is_by_path_element(prefix: str, path: str, matches: bool) -> None:
    assert routing.path_matches(match(prefix), path, CLEAN) is matches


LISTENERS = [
    listener("catch-all", []),
    listener("wild", [], "*.bar.com"),
    listener("exact", [], "foo.bar.com"),
    listener("apex", [], "bar.com"),
    listener("deep-wild", [], "*.foo.bar.com"),
]


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("bar.com", "apex"),
        ("foo.bar.com", "exact"),
        ("FOO.bar.com:8080", "exact"),
        ("baz.bar.com", "wild"),
        ("multiple.prefixes.bar.com", "wild"),
        ("x.foo.bar.com", "deep-wild"),
        ("other.com", "catch-all"),
        ("127.0.0.1:80", "catch-all"),
        ("[::1]:80", "catch-all"),
        ("", "catch-all"),
    ],
)
def test_most_specific_listener_wins(host: str, expected: str) -> None:
    chosen = routing.select_listener(LISTENERS, routing.request_host(host, CLEAN), CLEAN)
    assert chosen is not None and chosen.name == expected


def test_no_listener_matches_without_a_catch_all() -> None:
    listeners: list[ListenerConfig] = LISTENERS[1:]
    assert routing.select_listener(listeners, "bar.org", CLEAN) is None
    assert routing.select_listener(listeners, "bar.com", CLEAN) is not None


@pytest.mark.parametrize(
    ("pattern", "host", "matches"),
    [
        ("*.example.com", "a.example.com", True),
        ("*.example.com", "a.b.example.com", True),
        ("*.example.com", "example.com", False),
        ("*.example.com", "aexample.com", False),
        ("a.example.com", "a.example.com", True),
        ("A.example.com", "a.example.com", True),
        ("a.example.com", "b.example.com", False),
    ],
)
def test_hostname_matching(pattern: str, host: str, matches: bool) -> None:
    assert routing.hostname_matches(pattern, host, CLEAN) is matches


def test_duplicate_header_match_names_only_first_counts() -> None:
    routes = [route("r", match(headers=[("v", "1"), ("V", "2")]))]
    assert pick(routes, headers=[("v", "1")]) == ("r", 0)


def test_repeated_request_headers_match_any_value_or_the_joined_list() -> None:
    routes = [route("r", match(headers=[("v", "2")])), route("s", match(headers=[("w", "1,2")]))]
    assert pick(routes, headers=[("v", "1"), ("v", "2")]) == ("r", 0)
    assert pick(routes, headers=[("w", "1"), ("w", "2")]) == ("s", 0)
