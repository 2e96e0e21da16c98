"""Each controller fault breaks exactly the behaviour it names: clean result first, then the faulty one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from gwbuilders import (
    INFRA,
    LATER,
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
    parent,
    pod,
    route_conditions,
    route_grant,
    route_parent,
    rule,
    run,
    service,
    tls_secret,
    with_status,
)

import conformance.local.gateway as gateway_package
from conformance.local.gateway import faults_controller as fc

if TYPE_CHECKING:
    from conformance.local.gateway.reconcile import Result

NAMES = {f.name for f in fc.CONTROLLER_FAULTS}


def test_catalogue_is_well_formed() -> None:
    assert len(NAMES) == len(fc.CONTROLLER_FAULTS)
    for fault in fc.CONTROLLER_FAULTS:
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", fault.name), fault.name
        assert fault.component == "controller"
        assert fault.breaks.endswith(".")


def test_every_fault_is_honoured_somewhere() -> None:
    package = Path(gateway_package.__file__).parent
    sources = "".join(p.read_text() for p in package.glob("*.py") if p.name != "faults_controller.py")
    constants = {name for name in dir(fc) if name.isupper() and isinstance(getattr(fc, name), str)}
    assert {getattr(fc, c) for c in constants} == NAMES
    for constant in constants:
        assert f"fc.{constant}" in sources, f"{constant} is never checked"


NEUTRAL = [gateway_class(), gateway(), http_route(), service(), pod("svc-1")]


# Faults that an ordinary set-up already shows: attached routes are counted, and the ordinary route has no matches.
@pytest.mark.parametrize("fault", sorted(NAMES - {fc.ATTACHED_ROUTES_NOT_COUNTED, fc.RULES_WITHOUT_MATCHES_NOT_ROUTED}))
def test_faults_leave_an_ordinary_setup_alone(fault: str) -> None:
    assert run(*NEUTRAL, faults=[fault]) == run(*NEUTRAL)


def both(*objects: dict[str, object], fault: str) -> tuple[Result, Result]:
    return run(*objects), run(*objects, faults=[fault])


def second_pass(fault: str, *objects: dict[str, object]) -> tuple[Result, Result]:
    """Run once, store the status, bump the first object's generation, run again (clean and faulty)."""
    stored = with_status(run(*objects, faults=[fault]), *objects)
    stored[0] = bump(stored[0], description="changed")
    return run(*stored, now=LATER), run(*stored, faults=[fault], now=LATER)


def generations(conditions: list[dict[str, object]]) -> set[object]:
    return {c["observedGeneration"] for c in conditions}


def test_gatewayclass_stale_observed_generation() -> None:
    gc = "gatewayclasses.gateway.networking.k8s.io"
    clean, faulty = second_pass(fc.GATEWAYCLASS_STALE_GENERATION, gateway_class())
    assert generations(clean.statuses[(gc, "", "gc")]["conditions"]) == {2}
    assert generations(faulty.statuses[(gc, "", "gc")]["conditions"]) == {1}


def test_gateway_stale_observed_generation() -> None:
    clean, faulty = second_pass(fc.GATEWAY_STALE_GENERATION, gateway(), gateway_class())
    assert generations(gateway_status(clean)["conditions"]) == {2}
    assert generations(gateway_status(faulty)["conditions"]) == {1}


def test_httproute_stale_observed_generation() -> None:
    clean, faulty = second_pass(
        fc.HTTPROUTE_STALE_GENERATION,
        http_route(),
        gateway_class(),
        gateway(),
        service(),
    )
    assert generations(route_parent(clean)["conditions"]) == {2}
    assert generations(route_parent(faulty)["conditions"]) == {1}
    assert generations(gateway_status(faulty)["conditions"]) == {1}  # the Gateway itself never changed


def test_keep_invalid_route_kinds() -> None:
    gw = gateway(listeners=[listener(kinds=[{"kind": "InvalidRoute"}, {"kind": "HTTPRoute"}])])
    clean, faulty = both(gateway_class(), gw, fault=fc.KEEP_INVALID_ROUTE_KINDS)
    assert brief(listener_of(clean, "http")["conditions"])["ResolvedRefs"] == ("False", "InvalidRouteKinds")
    assert len(listener_of(clean, "http")["supportedKinds"]) == 1
    assert brief(listener_of(faulty, "http")["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert {k["kind"] for k in listener_of(faulty, "http")["supportedKinds"]} == {"InvalidRoute", "HTTPRoute"}


def test_unsupported_protocol_accepted() -> None:
    gw = gateway(listeners=[listener("invalid", 1111, "INVALID")])
    clean, faulty = both(gateway_class(), gw, fault=fc.UNSUPPORTED_PROTOCOL_ACCEPTED)
    assert brief(listener_of(clean, "invalid")["conditions"])["Accepted"] == ("False", "UnsupportedProtocol")
    assert brief(listener_of(faulty, "invalid")["conditions"])["Accepted"] == ("True", "Accepted")
    assert brief(gateway_status(faulty)["conditions"])["Accepted"] == ("True", "Accepted")


def test_missing_certificate_reported_resolved() -> None:
    gw = gateway(listeners=[https_listener(secret="nope")])
    clean, faulty = both(gateway_class(), gw, fault=fc.MISSING_CERTIFICATE_RESOLVED)
    assert brief(listener_of(clean, "https")["conditions"])["ResolvedRefs"] == (
        "False",
        "InvalidCertificateRef",
    )
    assert brief(listener_of(faulty, "https")["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    # Still nothing to serve TLS with.
    assert faulty.config.gateways[0].listeners == ()


def test_ignore_certificate_reference_grants() -> None:
    gw = gateway(listeners=[https_listener(secret="certificate", namespace="web")])
    objects = (gateway_class(), gw, tls_secret("certificate", "web"))
    clean, faulty = both(*objects, fault=fc.IGNORE_CERTIFICATE_REFERENCE_GRANTS)
    assert brief(listener_of(clean, "https")["conditions"])["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert brief(listener_of(faulty, "https")["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert faulty.config.gateways[0].listeners[0].tls is not None


def test_attached_routes_not_counted() -> None:
    clean, faulty = both(*NEUTRAL, fault=fc.ATTACHED_ROUTES_NOT_COUNTED)
    assert listener_of(clean, "http")["attachedRoutes"] == 1
    assert listener_of(faulty, "http")["attachedRoutes"] == 0
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_attached_routes_count_rejected() -> None:
    gw = gateway(listeners=[listener(hostname="foo.com")])
    routes = (http_route("ok"), http_route("rejected", hostnames=["bar.com"]))
    clean, faulty = both(gateway_class(), gw, *routes, service(), fault=fc.ATTACHED_ROUTES_COUNT_REJECTED)
    assert listener_of(clean, "http")["attachedRoutes"] == 1
    assert listener_of(faulty, "http")["attachedRoutes"] == 2
    assert route_conditions(faulty, "rejected")["Accepted"] == ("False", "NoMatchingListenerHostname")


def _selector_gateway() -> dict[str, object]:
    selector = {"matchLabels": {"gateway-conformance": "backend"}}
    return gateway(listeners=[listener(namespaces={"from": "Selector", "selector": selector})])


def test_ignore_namespace_selector() -> None:
    objects = (
        gateway_class(),
        _selector_gateway(),
        namespace("web", {"gateway-conformance": "backend"}),
        http_route("web-route", "web", [parent("gw", INFRA)]),
        http_route("infra-route"),
        service(namespace="web"),
        service(),
    )
    clean, faulty = both(*objects, fault=fc.IGNORE_NAMESPACE_SELECTOR)
    assert route_conditions(clean, "web-route", "web")["Accepted"] == ("True", "Accepted")
    assert route_conditions(clean, "infra-route")["Accepted"] == ("False", "NotAllowedByListeners")
    assert route_conditions(faulty, "web-route", "web")["Accepted"] == ("False", "NotAllowedByListeners")
    assert route_conditions(faulty, "infra-route")["Accepted"] == ("True", "Accepted")


def test_allow_routes_from_all_namespaces() -> None:
    objects = (
        gateway_class(),
        gateway(),
        http_route("r", "web", [parent("gw", INFRA)]),
        service(namespace="web"),
    )
    clean, faulty = both(*objects, fault=fc.ALLOW_ROUTES_FROM_ALL_NAMESPACES)
    assert route_conditions(clean, "r", "web")["Accepted"] == ("False", "NotAllowedByListeners")
    assert route_conditions(faulty, "r", "web")["Accepted"] == ("True", "Accepted")


def test_ignore_parentref_section_name() -> None:
    gw = gateway(listeners=[listener("http", 80), listener("alt", 8080)])
    objects = (gateway_class(), gw, http_route("one", parents=[parent(section="http")]), service())
    clean, faulty = both(*objects, fault=fc.IGNORE_SECTION_NAME)
    assert [listener_of(clean, n)["attachedRoutes"] for n in ("http", "alt")] == [1, 0]
    assert [listener_of(faulty, n)["attachedRoutes"] for n in ("http", "alt")] == [1, 1]
    missing = (gateway_class(), gw, http_route("none", parents=[parent(section="http1")]), service())
    clean, faulty = both(*missing, fault=fc.IGNORE_SECTION_NAME)
    assert route_conditions(clean, "none")["Accepted"] == ("False", "NoMatchingParent")
    assert route_conditions(faulty, "none")["Accepted"] == ("True", "Accepted")


def test_ignore_parentref_port() -> None:
    objects = (gateway_class(), gateway(), http_route(parents=[parent(port=81)]), service())
    clean, faulty = both(*objects, fault=fc.IGNORE_PARENT_PORT)
    assert route_conditions(clean)["Accepted"] == ("False", "NoMatchingParent")
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")


def test_ignore_hostname_intersection() -> None:
    gw = gateway(listeners=[listener(hostname="very.specific.com")])
    objects = (gateway_class(), gw, http_route(hostnames=["specific.but.wrong.com"]), service())
    clean, faulty = both(*objects, fault=fc.IGNORE_HOSTNAME_INTERSECTION)
    assert route_conditions(clean)["Accepted"] == ("False", "NoMatchingListenerHostname")
    assert route_conditions(faulty)["Accepted"] == ("True", "Accepted")
    assert faulty.config.gateways[0].listeners[0].routes[0].hostnames == ("specific.but.wrong.com",)


CROSS = (
    gateway_class(),
    gateway(),
    http_route(rules=[rule(backend(namespace="web"))]),
    service(namespace="web"),
    pod("svc-1", "web"),
)


def _backend(result: Result) -> tuple[str | None, int]:
    (item,) = result.config.gateways[0].listeners[0].routes[0].rules[0].backends
    return item.invalid, len(item.endpoints)


def test_ignore_reference_grants() -> None:
    clean, faulty = both(*CROSS, fault=fc.IGNORE_REFERENCE_GRANTS)
    assert route_conditions(clean)["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert _backend(clean) == ("RefNotPermitted", 0)
    assert route_conditions(faulty)["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert _backend(faulty) == (None, 1)


def test_refuse_cross_namespace_backends() -> None:
    clean, faulty = both(*CROSS, route_grant("grant", "web", INFRA), fault=fc.REFUSE_CROSS_NAMESPACE_BACKENDS)
    assert route_conditions(clean)["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert route_conditions(faulty)["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert _backend(faulty) == ("RefNotPermitted", 0)


def test_reference_grant_to_name_ignored() -> None:
    grant = route_grant("grant", "web", INFRA, to_name="someone-else")
    clean, faulty = both(*CROSS, grant, fault=fc.REFERENCE_GRANT_NAME_IGNORED)
    assert route_conditions(clean)["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert route_conditions(faulty)["ResolvedRefs"] == ("True", "ResolvedRefs")


def test_unknown_backend_kind_reported_not_found() -> None:
    objects = (gateway_class(), gateway(), http_route(rules=[rule(backend(group="x.io", kind="Nope"))]))
    clean, faulty = both(*objects, fault=fc.UNKNOWN_KIND_REPORTED_NOT_FOUND)
    assert route_conditions(clean)["ResolvedRefs"] == ("False", "InvalidKind")
    assert route_conditions(faulty)["ResolvedRefs"] == ("False", "BackendNotFound")


def test_missing_backend_reported_resolved() -> None:
    objects = (gateway_class(), gateway(), http_route(rules=[rule(backend("missing"))]))
    clean, faulty = both(*objects, fault=fc.MISSING_BACKEND_RESOLVED)
    assert route_conditions(clean)["ResolvedRefs"] == ("False", "BackendNotFound")
    assert route_conditions(faulty)["ResolvedRefs"] == ("True", "ResolvedRefs")
    # Requests still fail: the backend stays invalid in the config.
    assert _backend(faulty) == ("BackendNotFound", 0)


def test_rules_without_matches_not_routed() -> None:
    matched = rule(backend(), matches=[{"path": {"type": "PathPrefix", "value": "/x"}}])
    objects = (gateway_class(), gateway(), http_route(rules=[rule(backend()), matched]))
    clean, faulty = both(*objects, fault=fc.RULES_WITHOUT_MATCHES_NOT_ROUTED)
    clean_rules = clean.config.gateways[0].listeners[0].routes[0].rules
    faulty_rules = faulty.config.gateways[0].listeners[0].routes[0].rules
    assert [len(r.matches) for r in clean_rules] == [1, 1]
    assert [len(r.matches) for r in faulty_rules] == [0, 1]
    assert faulty_rules[1].matches == clean_rules[1].matches
    assert route_conditions(faulty) == route_conditions(clean), "the status must not tell"
