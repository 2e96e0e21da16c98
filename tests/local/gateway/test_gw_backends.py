"""backendRef resolution: reasons, ReferenceGrants and endpoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from gwbuilders import (
    INFRA,
    backend,
    gateway,
    gateway_class,
    http_route,
    obj,
    pod,
    reference_grant,
    route_conditions,
    route_grant,
    rule,
    run,
    service,
)

from conformance.local.gateway.config import Backend, Endpoint

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject
    from conformance.local.gateway.reconcile import Result

RESOLVED = ("True", "ResolvedRefs")


def backends_of(result: Result, route: str = "route") -> list[list[Backend]]:
    for item in result.config.gateways[0].listeners[0].routes:
        if item.ref.name == route:
            return [list(r.backends) for r in item.rules]
    raise AssertionError(f"route {route} is not served")


def resolve(
    *objects: JSONObject,
    ref: JSONObject | None = None,
    route_ns: str = INFRA,
) -> tuple[Result, Backend]:
    route = http_route(
        namespace=route_ns,
        parents=[{"name": "gw", "namespace": INFRA}],
        rules=[rule(ref or backend())],
    )
    gw = gateway()
    gw["spec"]["listeners"][0]["allowedRoutes"] = {"namespaces": {"from": "All"}}
    result = run(gateway_class(), gw, route, *objects)
    return result, backends_of(result)[0][0]


def test_resolved_service_backend() -> None:
    result, resolved = resolve(service(), pod("svc-1", ip="127.9.2.1"))
    assert route_conditions(result)["ResolvedRefs"] == RESOLVED
    assert resolved == Backend(
        kind="Service",
        namespace=INFRA,
        name="svc",
        port=8080,
        weight=1,
        endpoints=(Endpoint("127.9.2.1", 3000, "svc-1"),),
    )


@pytest.mark.parametrize(
    ("ref", "objects", "reason"),
    [
        (backend(group="unknownkind.example.com", kind="NonExistent"), [service()], "InvalidKind"),
        (backend(kind="ServiceImport", group="multicluster.x-k8s.io"), [service()], "InvalidKind"),
        (backend("does-not-exist"), [service()], "BackendNotFound"),
        (backend(port=9999), [service()], "BackendNotFound"),
        (backend(), [service(type="ExternalName", externalName="example.com")], "InvalidKind"),
        (
            backend(),
            [service(ports=[{"name": "x", "port": 8080, "appProtocol": "example.com/carrier-pigeon"}])],
            "UnsupportedProtocol",
        ),
        (backend(namespace="web"), [service(namespace="web")], "RefNotPermitted"),
    ],
)
def test_invalid_backend_refs(ref: JSONObject, objects: list[JSONObject], reason: str) -> None:
    result, resolved = resolve(*objects, ref=ref)
    conds = route_conditions(result)
    assert conds["ResolvedRefs"] == ("False", reason)
    # The route is still accepted and its rule still served: requests get a 500.
    assert conds["Accepted"] == ("True", "Accepted")
    assert resolved.invalid == reason
    assert resolved.endpoints == ()


@pytest.mark.parametrize("app_protocol", ["http", "kubernetes.io/h2c", "kubernetes.io/ws"])
def test_supported_app_protocols(app_protocol: str) -> None:
    ports = [{"name": "x", "port": 8080, "targetPort": 3001, "appProtocol": app_protocol}]
    result, resolved = resolve(service(ports=ports), pod("svc-1"))
    assert route_conditions(result)["ResolvedRefs"] == RESOLVED
    assert resolved.app_protocol == app_protocol


def test_cross_namespace_backend_with_reference_grant() -> None:
    ref = backend(namespace="web")
    for grant in (route_grant("all", "web", INFRA), route_grant("one", "web", INFRA, to_name="svc")):
        result, resolved = resolve(service(namespace="web"), pod("svc-1", "web"), grant, ref=ref)
        assert route_conditions(result)["ResolvedRefs"] == RESOLVED
        assert resolved.invalid is None
        assert [e.pod for e in resolved.endpoints] == ["svc-1"]


def _grant(name: str, namespace: str, **overrides: str) -> JSONObject:
    sources = {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": INFRA}
    target = {"group": "", "kind": "Service", "name": "svc"}
    for key, value in overrides.items():
        side, field = key.split("_")
        (sources if side == "from" else target)[field] = value
    return reference_grant(name, namespace, [sources], [target])


@pytest.mark.parametrize(
    "grant",
    [
        _grant("wrong-namespace", INFRA),
        _grant("wrong-from-group", "web", from_group="not-gateway.networking.k8s.io"),
        _grant("wrong-from-kind", "web", from_kind="GRPCRoute"),
        _grant("wrong-from-namespace", "web", from_namespace="elsewhere"),
        _grant("wrong-to-group", "web", to_group="not-the-core-group"),
        _grant("wrong-to-kind", "web", to_kind="Secret"),
        _grant("wrong-to-name", "web", to_name="not-svc"),
    ],
    ids=lambda g: g["metadata"]["name"],
)
def test_reference_grants_that_do_not_match(grant: JSONObject) -> None:
    result, resolved = resolve(service(namespace="web"), grant, ref=backend(namespace="web"))
    assert route_conditions(result)["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert resolved.invalid == "RefNotPermitted"


def test_route_in_another_namespace_uses_its_own_namespace_by_default() -> None:
    result, resolved = resolve(service(namespace="web"), pod("svc-1", "web"), route_ns="web")
    assert route_conditions(result, ns="web")["ResolvedRefs"] == RESOLVED
    assert (resolved.namespace, resolved.invalid) == ("web", None)


def test_partially_invalid_backends_keep_the_valid_rule() -> None:
    rules = [rule(backend(namespace="app")), rule(backend(namespace="web"))]
    route = http_route(rules=rules)
    result = run(
        gateway_class(),
        gateway(),
        route,
        service(namespace="app"),
        service(namespace="web"),
        pod("svc-1", "app"),
        route_grant("grant", "app", INFRA),
    )
    assert route_conditions(result)["ResolvedRefs"] == ("False", "RefNotPermitted")
    good, bad = backends_of(result)
    assert good[0].invalid is None
    assert good[0].endpoints
    assert bad[0].invalid == "RefNotPermitted"


def test_rule_without_backend_refs_is_resolved() -> None:
    result = run(gateway_class(), gateway(), http_route(rules=[rule(), rule(backend())]), service())
    assert route_conditions(result)["ResolvedRefs"] == RESOLVED
    assert [len(b) for b in backends_of(result)] == [0, 1]


def test_first_problem_decides_the_reason() -> None:
    rules = [rule(backend("missing"), backend(kind="Nope", group="x.io"))]
    result = run(gateway_class(), gateway(), http_route(rules=rules))
    assert route_conditions(result)["ResolvedRefs"] == ("False", "BackendNotFound")


def test_mirror_backend_refs_are_resolved_too() -> None:
    mirror = {"type": "RequestMirror", "requestMirror": {"backendRef": {"name": "mirror", "port": 8080}}}
    result = run(gateway_class(), gateway(), http_route(rules=[rule(backend(), filters=[mirror])]), service())
    assert route_conditions(result)["ResolvedRefs"] == ("False", "BackendNotFound")


# ---------------------------------------------------------------------------------------------------
# Endpoints


def endpoints(*objects: JSONObject, port: int = 8080) -> tuple[Endpoint, ...]:
    _, resolved = resolve(*objects, ref=backend(port=port))
    return resolved.endpoints


def test_only_ready_selected_pods_are_endpoints() -> None:
    found = endpoints(
        service(),
        pod("ready-b", ip="127.9.2.2"),
        pod("ready-a", ip="127.9.2.1"),
        pod("not-ready", ip="127.9.2.3", ready=False),
        pod("pending", ip="127.9.2.4", phase="Pending"),
        pod("deleting", ip="127.9.2.5", deleting=True),
        pod("other-app", labels={"app": "other"}, ip="127.9.2.6"),
        pod("other-namespace", "web", ip="127.9.2.7"),
        pod("no-ip", ip=""),
    )
    assert found == (Endpoint("127.9.2.1", 3000, "ready-a"), Endpoint("127.9.2.2", 3000, "ready-b"))


def test_selector_needs_every_label() -> None:
    svc = service(selector={"app": "svc", "version": "v1"})
    found = endpoints(
        svc,
        pod("v1", labels={"app": "svc", "version": "v1", "extra": "x"}),
        pod("v2", labels={"app": "svc", "version": "v2"}),
    )
    assert [e.pod for e in found] == ["v1"]


def test_target_ports() -> None:
    ports = [
        {"name": "number", "port": 8080, "targetPort": 3000},
        {"name": "named", "port": 8081, "targetPort": "web"},
        {"name": "unset", "port": 8082},
    ]
    named_pod = pod("p", container_ports=[{"name": "web", "containerPort": 3333}])
    assert [e.port for e in endpoints(service(ports=ports), named_pod, port=8080)] == [3000]
    assert [e.port for e in endpoints(service(ports=ports), named_pod, port=8081)] == [3333]
    assert [e.port for e in endpoints(service(ports=ports), named_pod, port=8082)] == [8082]
    # A pod without the named port is not an endpoint for it.
    assert endpoints(service(ports=ports), pod("q"), port=8081) == ()


def test_service_without_selector_uses_endpoint_slices() -> None:
    svc = service("manual", selector={}, ports=[{"name": "first-port", "port": 8080, "targetPort": 3000}])
    slice_ = obj(
        "EndpointSlice",
        "discovery.k8s.io/v1",
        "manual-ip4",
        INFRA,
        labels={"kubernetes.io/service-name": "manual"},
        addressType="IPv4",
        ports=[{"name": "first-port", "port": 3000, "protocol": "TCP"}],
        endpoints=[
            {
                "addresses": ["127.9.2.8"],
                "conditions": {"ready": True},
                "targetRef": {"kind": "Pod", "name": "p1"},
            },
            {
                "addresses": ["127.9.2.9"],
                "conditions": {"ready": False},
                "targetRef": {"kind": "Pod", "name": "p2"},
            },
            {"addresses": ["127.9.2.10"], "targetRef": {"kind": "Pod", "name": "p3"}},
        ],
    )
    other_slice = obj(
        "EndpointSlice",
        "discovery.k8s.io/v1",
        "x",
        INFRA,
        labels={"kubernetes.io/service-name": "x"},
    )
    _, resolved = resolve(svc, slice_, other_slice, ref=backend("manual"))
    assert resolved.endpoints == (Endpoint("127.9.2.8", 3000, "p1"), Endpoint("127.9.2.10", 3000, "p3"))
