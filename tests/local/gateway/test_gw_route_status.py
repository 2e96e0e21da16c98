"""HTTPRoute parent status and attachment, and what attached routes compile to."""

from __future__ import annotations

from gwbuilders import (
    CONTROLLER,
    INFRA,
    backend,
    gateway,
    gateway_class,
    http_route,
    listener,
    listener_of,
    namespace,
    parent,
    route_conditions,
    route_parent,
    route_parents,
    rule,
    run,
    service,
    with_status,
)

from conformance.local.gateway.config import HeaderMatch, Match

ROUTES = "httproutes.gateway.networking.k8s.io"
ACCEPTED = {"Accepted": ("True", "Accepted"), "ResolvedRefs": ("True", "ResolvedRefs")}


def test_simple_same_namespace_route() -> None:
    result = run(gateway_class(), gateway(), http_route(), service())
    entry = route_parent(result)
    assert entry["parentRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "namespace": INFRA,
        "name": "gw",
    }
    assert entry["controllerName"] == CONTROLLER
    assert route_conditions(result) == ACCEPTED
    assert listener_of(result, "http")["attachedRoutes"] == 1
    (route,) = result.config.gateways[0].listeners[0].routes
    assert (route.ref.namespace, route.ref.name, route.hostnames) == (INFRA, "route", ())
    (compiled,) = route.rules
    assert compiled.matches == (Match(),)
    assert [(b.name, b.port, b.weight, b.invalid) for b in compiled.backends] == [("svc", 8080, 1, None)]


def test_section_name_and_port_are_copied_into_the_parent_ref() -> None:
    route = http_route(parents=[parent(section="http", port=80)])
    entry = route_parent(run(gateway_class(), gateway(), route, service()))
    assert entry["parentRef"]["sectionName"] == "http"
    assert entry["parentRef"]["port"] == 80


def test_cross_namespace_route_selected_by_namespace_labels() -> None:
    gw = gateway(
        "backend-namespaces",
        listeners=[
            listener(
                namespaces={
                    "from": "Selector",
                    "selector": {"matchLabels": {"gateway-conformance": "backend"}},
                }
            )
        ],
    )
    web = namespace("web", {"gateway-conformance": "backend"})
    other = namespace("other", {"gateway-conformance": "infra"})
    ok = http_route("ok", "web", [parent("backend-namespaces", INFRA)])
    no = http_route("no", "other", [parent("backend-namespaces", INFRA)])
    result = run(
        gateway_class(),
        gw,
        web,
        other,
        ok,
        no,
        service(namespace="web"),
        service(namespace="other"),
    )
    assert route_conditions(result, "ok", "web", "backend-namespaces") == ACCEPTED
    assert route_parent(result, "ok", "web", "backend-namespaces")["parentRef"]["namespace"] == INFRA
    assert route_conditions(result, "no", "other", "backend-namespaces")["Accepted"] == (
        "False",
        "NotAllowedByListeners",
    )
    assert listener_of(result, "http", "backend-namespaces")["attachedRoutes"] == 1


def test_selector_on_the_automatic_namespace_name_label() -> None:
    selector = {"matchLabels": {"kubernetes.io/metadata.name": INFRA}}
    gw = gateway(listeners=[listener(namespaces={"from": "Selector", "selector": selector})])
    # No Namespace object stored: the API server's automatic label is assumed anyway.
    result = run(gateway_class(), gw, http_route(), service())
    assert route_conditions(result) == ACCEPTED


def test_route_from_another_namespace_on_a_same_namespace_listener() -> None:
    route = http_route("r", "web", [parent("gw", INFRA)])
    result = run(gateway_class(), gateway(), route, service(namespace="web"))
    assert route_conditions(result, "r", "web") == {
        "Accepted": ("False", "NotAllowedByListeners"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
    }
    assert listener_of(result, "http")["attachedRoutes"] == 0
    assert result.config.gateways[0].listeners[0].routes == ()


def test_all_namespaces_listener() -> None:
    gw = gateway(listeners=[listener(namespaces={"from": "All"})])
    result = run(gateway_class(), gw, http_route("r", "web", [parent("gw", INFRA)]), service(namespace="web"))
    assert route_conditions(result, "r", "web") == ACCEPTED


def test_listener_allowing_other_kinds_only() -> None:
    gw = gateway(listeners=[listener(kinds=[{"kind": "TLSRoute"}])])
    result = run(gateway_class(), gw, http_route(), service())
    assert route_conditions(result)["Accepted"] == ("False", "NotAllowedByListeners")


def test_section_name_and_port_select_listeners() -> None:
    gw = gateway(listeners=[listener("http", 80), listener("alt", 8080)])
    routes = [
        http_route("by-name", parents=[parent(section="alt")]),
        http_route("by-port", parents=[parent(port=80)]),
        http_route("both", parents=[parent(section="alt", port=8080)]),
        http_route("no-name", parents=[parent(section="http1")]),
        http_route("no-port", parents=[parent(port=81)]),
        http_route("name-not-port", parents=[parent(section="http", port=81)]),
        http_route("whole", parents=[parent()]),
    ]
    result = run(gateway_class(), gw, *routes, service())
    for name in ("by-name", "by-port", "both", "whole"):
        assert route_conditions(result, name) == ACCEPTED, name
    for name in ("no-name", "no-port", "name-not-port"):
        assert route_conditions(result, name) == {
            "Accepted": ("False", "NoMatchingParent"),
            "ResolvedRefs": ("True", "ResolvedRefs"),
        }, name
    assert listener_of(result, "http")["attachedRoutes"] == 2  # by-port, whole
    assert listener_of(result, "alt")["attachedRoutes"] == 3  # by-name, both, whole


def test_hostname_intersection_attaches_per_listener() -> None:
    gw = gateway(
        listeners=[
            listener("listener-1", hostname="very.specific.com"),
            listener("listener-2", hostname="*.wildcard.io"),
            listener("listener-3", hostname="*.anotherwildcard.io"),
        ]
    )
    routes = [
        http_route("r1", hostnames=["non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"]),
        http_route("r2", hostnames=["non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io"]),
        http_route("r3", hostnames=["non.matching.com", "*.specific.com"]),
        http_route("r4", hostnames=["*.anotherwildcard.io"]),
        http_route("r5", hostnames=["specific.but.wrong.com", "wildcard.io"]),
    ]
    result = run(gateway_class(), gw, *routes, service())
    for name in ("r1", "r2", "r3", "r4"):
        assert route_conditions(result, name) == ACCEPTED, name
    assert route_conditions(result, "r5") == {
        "Accepted": ("False", "NoMatchingListenerHostname"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
    }
    counts = {name: listener_of(result, name)["attachedRoutes"] for name in ("listener-1", "listener-2")}
    counts["listener-3"] = listener_of(result, "listener-3")["attachedRoutes"]
    assert counts == {"listener-1": 2, "listener-2": 1, "listener-3": 1}
    listeners = result.config.gateways[0].listeners
    served = {item.name: {r.ref.name: r.hostnames for r in item.routes} for item in listeners}
    assert served == {
        "listener-1": {"r1": ("very.specific.com",), "r3": ("very.specific.com",)},
        "listener-2": {"r2": ("foo.wildcard.io", "bar.wildcard.io")},
        "listener-3": {"r4": ("*.anotherwildcard.io",)},
    }


def test_route_without_hostnames_takes_the_listener_hostname() -> None:
    gw = gateway(listeners=[listener("a", hostname="bar.com"), listener("b", hostname="*.foo.com")])
    result = run(gateway_class(), gw, http_route(), service())
    served = {item.name: [r.hostnames for r in item.routes] for item in result.config.gateways[0].listeners}
    assert served == {"a": [("bar.com",)], "b": [("*.foo.com",)]}


def test_attached_routes_counts_accepted_routes_only() -> None:
    gw = gateway(listeners=[listener(hostname="foo.com")])
    routes = [
        http_route("one"),
        http_route("two", hostnames=["foo.com"]),
        http_route("rejected", hostnames=["bar.com"]),
    ]
    result = run(gateway_class(), gw, *routes, service())
    assert listener_of(result, "http")["attachedRoutes"] == 2
    assert route_conditions(result, "rejected")["Accepted"] == ("False", "NoMatchingListenerHostname")


def test_one_route_counted_once_per_listener() -> None:
    gw = gateway(listeners=[listener("a", 80), listener("b", 8080)])
    route = http_route(parents=[parent(section="a"), parent(section="b"), parent(port=80)])
    result = run(gateway_class(), gw, route, service())
    assert len(route_parents(result)) == 3
    assert listener_of(result, "a")["attachedRoutes"] == 1
    assert listener_of(result, "b")["attachedRoutes"] == 1
    assert [len(item.routes) for item in result.config.gateways[0].listeners] == [1, 1]


def test_route_attached_to_two_gateways() -> None:
    route = http_route(parents=[parent("one"), parent("two")])
    result = run(gateway_class(), gateway("one"), gateway("two"), route, service())
    assert route_conditions(result, gw="one") == ACCEPTED
    assert route_conditions(result, gw="two") == ACCEPTED
    assert [len(g.listeners[0].routes) for g in result.config.gateways] == [1, 1]


def test_parent_refs_not_ours_get_no_entry() -> None:
    routes = [
        http_route("foreign-gw", parents=[parent("theirs")]),
        http_route("missing-gw", parents=[parent("nope")]),
        http_route("service-parent", parents=[parent("svc", group="", kind="Service")]),
    ]
    other_class = gateway_class("other", controller="example.org/else")
    result = run(gateway_class(), other_class, gateway("theirs", class_name="other"), *routes, service())
    for name in ("foreign-gw", "missing-gw", "service-parent"):
        assert result.status(ROUTES, INFRA, name) is None


def test_other_controllers_entries_are_kept_and_ours_cleaned_up() -> None:
    foreign = {
        "parentRef": {
            "group": "gateway.networking.k8s.io",
            "kind": "Gateway",
            "namespace": INFRA,
            "name": "theirs",
        },
        "controllerName": "example.org/else",
        "conditions": [{"type": "Accepted", "status": "True"}],
    }
    first = run(
        gateway_class(),
        gateway("gw"),
        gateway("old"),
        http_route(parents=[parent("gw"), parent("old")]),
    )
    assert len(route_parents(first)) == 2
    (route,) = with_status(first, http_route(parents=[parent("gw"), parent("old")]))
    route["status"]["parents"].insert(0, foreign)
    route["spec"]["parentRefs"] = [parent("gw")]
    second = run(gateway_class(), gateway("gw"), gateway("old"), route)
    parents = route_parents(second)
    assert parents[0] == foreign
    assert [p["parentRef"]["name"] for p in parents] == ["theirs", "gw"]
    # No reference to us left at all: only the foreign entry stays.
    route["spec"]["parentRefs"] = [parent("theirs")]
    route["status"]["parents"] = parents
    assert route_parents(run(gateway_class(), gateway("gw"), route)) == [foreign]


def test_route_that_never_had_our_entries_is_not_written() -> None:
    route = http_route(parents=[parent("nope")])
    route["status"] = {"parents": []}
    result = run(gateway_class(), gateway(), route)
    assert result.status(ROUTES, INFRA, "route") is None
    assert all(u.resource != ROUTES for u in result.updates)


def test_unsupported_values_drop_rules() -> None:
    bad_rule = {"matches": [{"path": {"type": "Bogus", "value": "/"}}]}
    partly = http_route("partly", rules=[rule(backend()), bad_rule])
    fully = http_route("fully", rules=[bad_rule, {"filters": [{"type": "Teleport"}]}])
    result = run(gateway_class(), gateway(), partly, fully, service())
    conds = route_conditions(result, "partly")
    assert conds["Accepted"] == ("True", "Accepted")
    assert conds["PartiallyInvalid"] == ("True", "UnsupportedValue")
    messages = {c["type"]: c["message"] for c in route_parent(result, "partly")["conditions"]}
    message = messages["PartiallyInvalid"]
    assert message.startswith("Dropped Rule")
    assert route_conditions(result, "fully")["Accepted"] == ("False", "UnsupportedValue")
    (served,) = result.config.gateways[0].listeners[0].routes
    assert served.ref.name == "partly"
    assert [r.index for r in served.rules] == [0]
    assert listener_of(result, "http")["attachedRoutes"] == 1


def test_rules_compile_matches_filters_and_mirrors() -> None:
    filters = [
        {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": [{"name": "x", "value": "1"}]}},
        {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "mirror", "port": 8080}}},
    ]
    raw = rule(
        backend("svc", weight=3),
        backend("svc", weight=0),
        name="named",
        matches=[
            {"path": {"type": "Exact", "value": "/one"}, "headers": [{"name": "version", "value": "two"}]},
            {"queryParams": [{"type": "RegularExpression", "name": "q", "value": "a.*"}], "method": "POST"},
        ],
        filters=filters,
        timeouts={"request": "1s"},
        sessionPersistence={"type": "Cookie"},
    )
    result = run(gateway_class(), gateway(), http_route(rules=[raw]), service(), service("mirror"))
    (compiled,) = result.config.gateways[0].listeners[0].routes[0].rules
    assert compiled.name == "named"
    assert compiled.matches == (
        Match("Exact", "/one", headers=(HeaderMatch("Exact", "version", "two"),)),
        Match(query_params=(HeaderMatch("RegularExpression", "q", "a.*"),), method="POST"),
    )
    assert compiled.filters == tuple(filters)
    assert [b.weight for b in compiled.backends] == [3, 0]
    assert [(m.name, m.invalid) for m in compiled.mirrors] == [("mirror", None)]
    assert compiled.timeouts == {"request": "1s"}
    assert compiled.extra == {"sessionPersistence": {"type": "Cookie"}}


def test_route_without_rules_gets_the_default_rule() -> None:
    route = http_route()
    del route["spec"]["rules"]
    result = run(gateway_class(), gateway(), route)
    (compiled,) = result.config.gateways[0].listeners[0].routes[0].rules
    assert (compiled.matches, compiled.backends) == ((Match(),), ())
    assert route_conditions(result) == ACCEPTED


def test_routes_are_ordered_by_age_then_name() -> None:
    routes = [
        http_route("b", created="2029-01-01T00:00:01Z"),
        http_route("a", created="2029-01-01T00:00:02Z"),
        http_route("c", created="2029-01-01T00:00:01Z"),
    ]
    result = run(gateway_class(), gateway(), *routes, service())
    assert [r.ref.name for r in result.config.gateways[0].listeners[0].routes] == ["b", "c", "a"]
