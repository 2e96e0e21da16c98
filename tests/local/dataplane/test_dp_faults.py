"""Each data plane fault changes exactly the routing decisions it is about, and nothing else.

A corpus of small scenarios (a listener set and one request) is routed clean and under each fault;
the scenarios whose outcome changes must be exactly the ones listed for that fault.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from dataplane_builders import T0, T1, listener, match, route

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway import routing
from conformance.local.gateway.config import ListenerConfig


@dataclass(frozen=True)
class Scenario:
    listeners: tuple[ListenerConfig, ...]
    host: str
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()


def one(*routes_: object, hostname: str | None = None) -> tuple[ListenerConfig, ...]:
    return (listener("l", routes_, hostname),)  # type: ignore[arg-type]


SCENARIOS = {
    "header-match": Scenario(
        one(route("r", match(headers=[("version", "one")]), match())), "a.com", "/", headers=(("version", "two"),)
    ),
    "header-name-case": Scenario(
        one(route("r", match(headers=[("Version", "one")]), match())), "a.com", "/", headers=(("version", "one"),)
    ),
    "query": Scenario(one(route("r", match(query=[("animal", "whale")]), match())), "a.com", "/?animal=dolphin"),
    "method": Scenario(one(route("r", match(method="POST"), match())), "a.com", "/"),
    "exact": Scenario(one(route("r", match("/one", "Exact"), match())), "a.com", "/one/example"),
    "segment": Scenario(one(route("r", match("/v2"), match())), "a.com", "/v2example"),
    "case": Scenario(one(route("r", match("/one", "Exact"))), "a.com", "/One"),
    "listener": Scenario(
        (listener("wild", [route("a", match())], "*.bar.com"), listener("exact", [route("b", match())], "foo.bar.com")),
        "foo.bar.com",
        "/",
    ),
    "wildcard-deep": Scenario(one(route("a", match()), hostname="*.bar.com"), "a.b.bar.com", "/"),
    "host-port": Scenario(one(route("a", match(), hostnames=["very.specific.com"])), "very.specific.com:1234", "/"),
    "route-hostnames": Scenario(one(route("a", match(), hostnames=["a.com"])), "b.com", "/"),
    "cross-route": Scenario(
        one(route("old", match(), created=T0), route("new", match("/v2"), created=T1)), "a.com", "/v2"
    ),
    "tie": Scenario(
        one(route("r", match(headers=[("h", "1")]), match(headers=[("h", "1")]))), "a.com", "/", headers=(("h", "1"),)
    ),
    "route-host-precedence": Scenario(
        one(
            route("wild", match(), hostnames=["*.example.com"], created=T0),
            route("exact", match(), hostnames=["foo.example.com"], created=T1),
        ),
        "foo.example.com",
        "/",
    ),
}

CHANGES = {
    F.HEADER_MATCHES_IGNORED: {"header-match"},
    F.HEADER_NAMES_CASE_SENSITIVE: {"header-name-case"},
    F.QUERY_PARAM_MATCHES_IGNORED: {"query"},
    F.METHOD_MATCHES_IGNORED: {"method"},
    F.EXACT_PATH_AS_PREFIX: {"exact"},
    F.PREFIX_NOT_SEGMENT_AWARE: {"segment"},
    F.PATH_MATCH_CASE_INSENSITIVE: {"case"},
    F.LISTENER_FIRST_ON_PORT: {"listener"},
    F.WILDCARD_SINGLE_LABEL: {"wildcard-deep"},
    F.HOST_PORT_NOT_STRIPPED: {"host-port"},
    F.ROUTE_HOSTNAMES_IGNORED: {"route-hostnames", "route-host-precedence"},
    F.PRECEDENCE_WITHIN_ROUTE_ONLY: {"cross-route", "route-host-precedence"},
    F.RULE_ORDER_TIEBREAK_REVERSED: {"tie"},
    # Faults of backend choice and forwarding do not touch routing (see test_dataplane.py).
    F.WEIGHTS_IGNORED: set(),
    F.INVALID_BACKEND_503: set(),
    F.HOST_HEADER_NOT_PRESERVED: set(),
    F.TLS_LISTENER_SNI_IGNORED: set(),  # certificate choice only: covered by test_dp_tls.py
}


def outcome(scenario: Scenario, faults: ActiveFaults) -> tuple[str, str, int] | None:
    headers = [("Host", scenario.host), *scenario.headers]
    facts = routing.request_facts(scenario.method, scenario.path, headers, faults)
    chosen = routing.select_listener(scenario.listeners, facts.host, faults)
    if chosen is None:
        return None
    selection = routing.select(chosen.routes, facts, faults)
    if selection is None:
        return None
    return chosen.name, selection.route.ref.name, selection.rule.index


def test_every_fault_is_covered() -> None:
    assert set(CHANGES) == {fault.name for fault in F.DATAPLANE_FAULTS}


def test_faults_are_well_formed() -> None:
    names = [fault.name for fault in F.DATAPLANE_FAULTS]
    assert len(names) == len(set(names))
    for fault in F.DATAPLANE_FAULTS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", fault.name), fault.name
        assert fault.component == "dataplane"
        assert fault.breaks.endswith(".")


@pytest.mark.parametrize("fault", sorted(CHANGES))
def test_fault_changes_exactly_its_behaviour(fault: str) -> None:
    clean, broken = ActiveFaults(), ActiveFaults(frozenset({fault}))
    changed = {name for name, scenario in SCENARIOS.items() if outcome(scenario, clean) != outcome(scenario, broken)}
    assert changed == CHANGES[fault]


CLEAN_OUTCOMES = {
    "header-match": ("l", "r", 1),
    "header-name-case": ("l", "r", 0),
    "query": ("l", "r", 1),
    "method": ("l", "r", 1),
    "exact": ("l", "r", 1),
    "segment": ("l", "r", 1),
    "case": None,
    "listener": ("exact", "b", 0),
    "wildcard-deep": ("l", "a", 0),
    "host-port": ("l", "a", 0),
    "route-hostnames": None,
    "cross-route": ("l", "new", 0),
    "tie": ("l", "r", 0),
    "route-host-precedence": ("l", "exact", 0),
}


def test_clean_outcomes_follow_the_spec() -> None:
    assert {name: outcome(s, ActiveFaults()) for name, s in SCENARIOS.items()} == CLEAN_OUTCOMES
