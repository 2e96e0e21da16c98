"""Each Gateway-level fault (faults_gateway.py) breaks exactly the behaviour it names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from gwbuilders import (
    INFRA,
    backend,
    brief,
    bump,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    https_listener,
    listener,
    listener_of,
    namespace,
    obj,
    parent,
    pod,
    reference_grant,
    route_conditions,
    route_parent,
    route_parents,
    rule,
    run,
    service,
    tls_secret,
    with_status,
)
from gwsets import listener_set, open_gateway, served, set_listener, set_parent, set_status

import conformance.local.gateway as gateway_package
from conformance.local.gateway import faults_gateway as fg

if TYPE_CHECKING:
    from conformance.local.gateway.reconcile import Result

NAMES = {f.name for f in fg.GATEWAY_FAULTS}


def test_catalogue_is_well_formed() -> None:
    assert len(NAMES) == len(fg.GATEWAY_FAULTS)
    for fault in fg.GATEWAY_FAULTS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", fault.name), fault.name
        assert fault.component == "controller"
        assert fault.breaks.endswith(".")


def test_every_fault_is_honoured_somewhere() -> None:
    package = Path(gateway_package.__file__).parent
    sources = "".join(p.read_text() for p in package.glob("*.py") if p.name != "faults_gateway.py")
    constants = {name for name in dir(fg) if name.isupper() and isinstance(getattr(fg, name), str)}
    assert {getattr(fg, c) for c in constants} == NAMES
    for constant in constants:
        assert f"fg.{constant}" in sources, f"{constant} is never checked"


NEUTRAL = [gateway_class(), gateway(), http_route(), service(), pod("svc-1")]


@pytest.mark.parametrize("fault", sorted(NAMES))
def test_faults_leave_an_ordinary_setup_alone(fault: str) -> None:
    assert run(*NEUTRAL, faults=[fault]) == run(*NEUTRAL)


def both(*objects: dict[str, Any], fault: str) -> tuple[Result, Result]:
    return run(*objects), run(*objects, faults=[fault])


def set_conditions(result: Result, name: str = "ls", ns: str = INFRA) -> dict[str, tuple[str, str]]:
    return brief(set_status(result, name, ns)["conditions"])


# --- ListenerSets ----------------------------------------------------------------------------------


def test_listenerset_allowed_listeners_ignored() -> None:
    clean, faulty = both(gateway_class(), gateway(), listener_set(), fault=fg.LISTENERSET_ALLOWED_LISTENERS_IGNORED)
    assert set_conditions(clean)["Accepted"] == ("False", "NotAllowed")
    assert set_conditions(faulty)["Accepted"] == ("True", "Accepted")
    assert gateway_status(faulty)["attachedListenerSets"] == 1


def test_listenerset_namespace_selector_ignored() -> None:
    gw = open_gateway("Selector", selector={"matchLabels": {"allowed": "ns"}})
    objects = (gateway_class(), gw, namespace("plain"), listener_set("ls", "plain"))
    clean, faulty = both(*objects, fault=fg.LISTENERSET_SELECTOR_IGNORED)
    assert set_conditions(clean, "ls", "plain")["Accepted"] == ("False", "NotAllowed")
    assert set_conditions(faulty, "ls", "plain")["Accepted"] == ("True", "Accepted")
    # Same is still honoured.
    same = (gateway_class(), open_gateway("Same"), listener_set("ls", "plain"))
    assert set_conditions(run(*same, faults=[fg.LISTENERSET_SELECTOR_IGNORED]), "ls", "plain")["Accepted"] == (
        "False",
        "NotAllowed",
    )


def test_attached_listenersets_count_unaccepted() -> None:
    objects = (gateway_class(), open_gateway("Same"), listener_set("ok"), listener_set("refused", "other"))
    clean, faulty = both(*objects, fault=fg.LISTENERSET_COUNT_UNACCEPTED)
    assert gateway_status(clean)["attachedListenerSets"] == 1
    assert gateway_status(faulty)["attachedListenerSets"] == 2
    assert set_conditions(faulty, "refused", "other")["Accepted"] == ("False", "NotAllowed")


def test_listenerset_conflicts_without_precedence() -> None:
    shared = listener("clash", hostname="clash.example.com")
    gw = open_gateway(listeners=[listener(hostname="gw.example.com"), shared])
    objects = (gateway_class(), gw, listener_set(listeners=[shared]))
    clean, faulty = both(*objects, fault=fg.LISTENERSET_CONFLICTS_WITHOUT_PRECEDENCE)
    assert brief(listener_of(clean, "clash")["conditions"])["Accepted"] == ("True", "Accepted")
    assert brief(listener_of(faulty, "clash")["conditions"])["Conflicted"] == ("True", "HostnameConflict")
    for result in (clean, faulty):
        assert brief(set_listener(result, "clash")["conditions"])["Conflicted"] == ("True", "HostnameConflict")


def test_gateway_parentref_reaches_listenerset_listeners() -> None:
    objects = (gateway_class(), open_gateway(), listener_set(), service(), http_route())
    clean, faulty = both(*objects, fault=fg.GATEWAY_PARENT_REACHES_LISTENERSETS)
    assert served(clean) == {"http": ("route",), "infra/ls/ls-http": ()}
    assert served(faulty) == {"http": ("route",), "infra/ls/ls-http": ("route",)}
    section = (
        gateway_class(),
        open_gateway(),
        listener_set(),
        service(),
        http_route(parents=[parent(section="ls-http")]),
    )
    clean, faulty = both(*section, fault=fg.GATEWAY_PARENT_REACHES_LISTENERSETS)
    assert route_conditions(clean)["Accepted"] == ("False", "NoMatchingParent")
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_listenerset_same_namespace_is_gateways() -> None:
    same = [listener("ls-http", hostname="ls.example.com", namespaces={"from": "Same"})]
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set("ls", "apps", listeners=same),
        service(),
        http_route("beside-gateway", parents=[set_parent("ls", "apps")]),
    )
    clean, faulty = both(*objects, fault=fg.LISTENERSET_SAME_MEANS_GATEWAY_NAMESPACE)
    assert route_conditions(clean, "beside-gateway", gw="ls")["Accepted"] == ("False", "NotAllowedByListeners")
    assert route_conditions(faulty, "beside-gateway", gw="ls")["Accepted"] == ("True", "Accepted")


def test_listenerset_certificates_checked_as_gateway() -> None:
    https = [https_listener(secret="cert", namespace="certs", hostname="secure.example.com")]
    grant = reference_grant(
        "g",
        "certs",
        [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": INFRA}],
        [{"group": "", "kind": "Secret"}],
    )
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set("ls", "apps", listeners=https),
        tls_secret("cert", "certs"),
    )
    clean, faulty = both(*objects, grant, fault=fg.LISTENERSET_CERTIFICATES_AS_GATEWAY)
    assert brief(set_listener(clean, "https", "ls", "apps")["conditions"])["ResolvedRefs"][1] == "RefNotPermitted"
    assert brief(set_listener(faulty, "https", "ls", "apps")["conditions"])["ResolvedRefs"][0] == "True"


def test_listenerset_route_parent_reported_as_gateway() -> None:
    objects = (gateway_class(), open_gateway(), listener_set(), service(), http_route(parents=[set_parent()]))
    clean, faulty = both(*objects, fault=fg.LISTENERSET_PARENT_REPORTED_AS_GATEWAY)
    assert route_parent(clean, gw="ls")["parentRef"]["kind"] == "ListenerSet"
    assert route_parent(faulty, gw="gw")["parentRef"]["kind"] == "Gateway"
    assert served(faulty) == served(clean)


# --- Gateways -------------------------------------------------------------------------------------------


def gateway_conditions(result: Result, name: str = "gw") -> dict[str, tuple[str, str]]:
    return brief(gateway_status(result, name)["conditions"])


def test_gateway_parameters_ref_ignored() -> None:
    gw = gateway(infrastructure={"parametersRef": {"group": "x.io", "kind": "Params", "name": "p"}})
    clean, faulty = both(gateway_class(), gw, fault=fg.PARAMETERS_REF_IGNORED)
    assert gateway_conditions(clean)["Accepted"] == ("False", "InvalidParameters")
    assert gateway_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_unsupported_address_type_accepted() -> None:
    gw = gateway(addresses=[{"type": "test/fake-invalid-type", "value": "x"}])
    clean, faulty = both(gateway_class(), gw, fault=fg.UNSUPPORTED_ADDRESS_TYPE_ACCEPTED)
    assert gateway_conditions(clean)["Accepted"] == ("False", "UnsupportedAddress")
    assert gateway_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_unusable_static_address_programmed() -> None:
    gw = gateway(addresses=[{"type": "IPAddress", "value": "192.0.2.1"}])
    clean, faulty = both(gateway_class(), gw, fault=fg.UNUSABLE_ADDRESS_PROGRAMMED)
    assert gateway_conditions(clean)["Programmed"] == ("False", "AddressNotUsable")
    assert gateway_conditions(faulty)["Programmed"] == ("True", "Programmed")
    assert gateway_status(faulty)["addresses"][0]["value"] != "192.0.2.1"


def test_infrastructure_metadata_not_propagated() -> None:
    gw = gateway(infrastructure={"labels": {"team": "a"}, "annotations": {"note": "b"}})
    clean, faulty = both(gateway_class(), gw, fault=fg.INFRASTRUCTURE_NOT_PROPAGATED)
    assert all(item["metadata"]["labels"]["team"] == "a" for _, item in clean.objects)
    assert all("team" not in item["metadata"]["labels"] for _, item in faulty.objects)
    assert all(item["metadata"]["annotations"] == {} for _, item in faulty.objects)


def test_long_gateway_names_not_reconciled() -> None:
    long_name = "a" * 64
    clean, faulty = both(gateway_class(), gateway(long_name), fault=fg.LONG_GATEWAY_NAMES_SKIPPED)
    assert gateway_conditions(clean, long_name)["Accepted"] == ("True", "Accepted")
    assert faulty.status("gateways.gateway.networking.k8s.io", INFRA, long_name) is None
    short = run(gateway_class(), gateway("a" * 63), faults=[fg.LONG_GATEWAY_NAMES_SKIPPED])
    assert gateway_conditions(short, "a" * 63)["Accepted"] == ("True", "Accepted")


def test_listener_port_8080_reserved() -> None:
    gw = gateway(listeners=[listener(), listener("alt", 8080)])
    clean, faulty = both(gateway_class(), gw, fault=fg.PORT_8080_RESERVED)
    assert brief(listener_of(clean, "alt")["conditions"])["Accepted"] == ("True", "Accepted")
    reserved = brief(listener_of(faulty, "alt")["conditions"])
    assert reserved["Accepted"] == ("False", "PortUnavailable")
    assert reserved["Programmed"] == ("False", "PortUnavailable")
    assert brief(listener_of(faulty, "http")["conditions"])["Accepted"] == ("True", "Accepted")


def test_removed_listeners_kept_in_status() -> None:
    gw = gateway(listeners=[listener(), listener("extra", hostname="extra.example.com")])
    first = run(gateway_class(), gw)
    stored = with_status(first, gw)[0]
    shrunk = bump(stored, listeners=[listener()])
    clean, faulty = both(gateway_class(), shrunk, fault=fg.REMOVED_LISTENERS_KEPT)
    assert [item["name"] for item in gateway_status(clean)["listeners"]] == ["http"]
    assert [item["name"] for item in gateway_status(faulty)["listeners"]] == ["http", "extra"]


# --- routes and backends ---------------------------------------------------------------------------------


def test_listener_route_kinds_not_enforced() -> None:
    tls = listener("tls", 443, "TLS", tls={"mode": "Passthrough"}, kinds=[{"kind": "TLSRoute"}])
    objects = (gateway_class(), gateway(listeners=[tls]), http_route(), service())
    clean, faulty = both(*objects, fault=fg.ROUTE_KINDS_NOT_ENFORCED)
    assert route_conditions(clean)["Accepted"] == ("False", "NotAllowedByListeners")
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")
    assert listener_of(faulty, "tls")["attachedRoutes"] == 1


def test_route_attaches_to_first_parent_only() -> None:
    route = http_route(parents=[parent("gw"), parent("other")])
    objects = (gateway_class(), gateway(), gateway("other"), route, service())
    clean, faulty = both(*objects, fault=fg.FIRST_PARENT_ONLY)
    assert {p["parentRef"]["name"] for p in route_parents(clean)} == {"gw", "other"}
    assert {p["parentRef"]["name"] for p in route_parents(faulty)} == {"gw"}


def test_rules_without_backends_dropped() -> None:
    route = http_route(rules=[rule(matches=[{"path": {"type": "Exact", "value": "/none"}}]), rule(backend())])
    clean, faulty = both(gateway_class(), gateway(), route, service(), fault=fg.RULES_WITHOUT_BACKENDS_DROPPED)
    assert len(clean.config.gateways[0].listeners[0].routes[0].rules) == 2
    assert len(faulty.config.gateways[0].listeners[0].routes[0].rules) == 1
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_endpointslices_ignored() -> None:
    manual = service("manual", selector={})
    slice_ = obj(
        "EndpointSlice",
        "discovery.k8s.io/v1",
        "manual-1",
        INFRA,
        labels={"kubernetes.io/service-name": "manual"},
        addressType="IPv4",
        ports=[{"name": "http", "port": 3000}],
        endpoints=[{"addresses": ["127.9.2.7"], "conditions": {"ready": True}}],
    )
    route = http_route(rules=[rule(backend("manual"))])
    clean, faulty = both(gateway_class(), gateway(), route, manual, slice_, fault=fg.ENDPOINT_SLICES_IGNORED)

    def endpoints(result: Result) -> tuple[object, ...]:
        return result.config.gateways[0].listeners[0].routes[0].rules[0].backends[0].endpoints

    assert [e.address for e in endpoints(clean)] == ["127.9.2.7"]  # type: ignore[attr-defined]
    assert endpoints(faulty) == ()


def test_unsupported_protocol_listeners_dropped() -> None:
    gw = gateway(listeners=[listener(), listener("invalid", 1111, "INVALID")])
    clean, faulty = both(gateway_class(), gw, fault=fg.UNSUPPORTED_LISTENERS_DROPPED)
    assert [item["name"] for item in gateway_status(clean)["listeners"]] == ["http", "invalid"]
    assert [item["name"] for item in gateway_status(faulty)["listeners"]] == ["http"]
    assert gateway_conditions(faulty)["Accepted"] == ("True", "ListenersNotValid")


def test_not_allowed_routes_counted() -> None:
    objects = (gateway_class(), gateway(), http_route("r", "web", [parent("gw", INFRA)]), service(namespace="web"))
    clean, faulty = both(*objects, fault=fg.NOT_ALLOWED_ROUTES_COUNTED)
    assert listener_of(clean, "http")["attachedRoutes"] == 0
    assert listener_of(faulty, "http")["attachedRoutes"] == 1
    assert route_conditions(faulty, "r", "web")["Accepted"] == ("False", "NotAllowedByListeners")
    assert served(faulty) == {"http": ()}


@pytest.mark.parametrize("ref", [parent(section="nope"), parent(port=81)], ids=["sectionName", "port"])
def test_unmatched_parentref_attaches_to_gateway(ref: dict[str, Any]) -> None:
    objects = (gateway_class(), gateway(), http_route(parents=[ref]), service())
    clean, faulty = both(*objects, fault=fg.UNMATCHED_PARENT_REF_FALLS_BACK)
    assert route_conditions(clean)["Accepted"] == ("False", "NoMatchingParent")
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")
    assert served(faulty) == {"http": ("route",)}


def test_reference_grants_read_from_referrer_namespace() -> None:
    grant_here = reference_grant(
        "misplaced",
        INFRA,
        [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": INFRA}],
        [{"group": "", "kind": "Service", "name": "svc"}],
    )
    route = http_route(rules=[rule(backend(namespace="web"))])
    objects = (gateway_class(), gateway(), route, service(namespace="web"), grant_here)
    clean, faulty = both(*objects, fault=fg.GRANTS_READ_FROM_REFERRER_NAMESPACE)
    assert route_conditions(clean)["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert route_conditions(faulty)["ResolvedRefs"] == ("True", "ResolvedRefs")


def test_unresolved_backend_fails_whole_route() -> None:
    route = http_route(
        rules=[rule(backend("missing"), matches=[{"path": {"type": "PathPrefix", "value": "/v2"}}]), rule(backend())]
    )
    clean, faulty = both(gateway_class(), gateway(), route, service(), fault=fg.UNRESOLVED_BACKEND_FAILS_ROUTE)

    def invalid(result: Result) -> list[object]:
        rules = result.config.gateways[0].listeners[0].routes[0].rules
        return [b.invalid for r in rules for b in r.backends]

    assert invalid(clean) == ["BackendNotFound", None]
    assert invalid(faulty) == ["BackendNotFound", "BackendNotFound"]
    assert route_conditions(faulty)["ResolvedRefs"] == ("False", "BackendNotFound")
