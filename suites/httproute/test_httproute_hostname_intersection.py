"""Port of conformance/tests/httproute-hostname-intersection.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedListener,
    ExpectedParent,
    ExpectedResponse,
    FeatureName,
    NamespacedName,
    Request,
    Response,
    SupportedKind,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import INFRA_BACKEND_V1, INFRA_BACKEND_V2, INFRA_BACKEND_V3, INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteHostnameIntersection",
    description=(
        "HTTPRoutes attach only to listeners whose hostname overlaps theirs and serve only the overlap; "
        "a route overlapping no listener is rejected and not counted, and a listener without a hostname "
        "serves exactly the route's hostnames"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-hostname-intersection.yaml",),
)

GATEWAY = NamespacedName(INFRA_NS, "httproute-hostname-intersection")
GATEWAY_NO_HOSTNAME = NamespacedName(INFRA_NS, "httproute-hostname-intersection-all")

INTERSECTING_ROUTES = [
    NamespacedName(INFRA_NS, "specific-host-matches-listener-specific-host"),
    NamespacedName(INFRA_NS, "specific-host-matches-listener-wildcard-host"),
    NamespacedName(INFRA_NS, "wildcard-host-matches-listener-specific-host"),
    NamespacedName(INFRA_NS, "wildcard-host-matches-listener-wildcard-host"),
]
NON_INTERSECTING_ROUTE = NamespacedName(INFRA_NS, "no-intersecting-hosts")
NO_HOSTNAME_ROUTES = [NamespacedName(INFRA_NS, "httproute-hostname-intersection-all")]


def _to(backend: str, host: str, path: str) -> ExpectedResponse:
    return ExpectedResponse(request=Request(host=host, path=path), backend=backend, namespace=INFRA_NS)


def _not_found(host: str, path: str, namespace: str = "") -> ExpectedResponse:
    return ExpectedResponse(
        request=Request(host=host, path=path), response=Response(status_code=404), namespace=namespace
    )


INTERSECTING_CASES = (
    # /s1: route hostname very.specific.com meets listener-1's very.specific.com
    _to(INFRA_BACKEND_V1, "very.specific.com", "/s1"),
    _to(INFRA_BACKEND_V1, "very.specific.com:1234", "/s1"),  # a port in Host must not affect matching
    _not_found("non.matching.com", "/s1"),
    _not_found("foo.nonmatchingwildcard.io", "/s1"),
    _not_found("foo.wildcard.io", "/s1"),
    _not_found("very.specific.com", "/non-matching-prefix"),
    # /s2: specific route hostnames under listener-2's *.wildcard.io
    _to(INFRA_BACKEND_V2, "foo.wildcard.io", "/s2"),
    _to(INFRA_BACKEND_V2, "bar.wildcard.io", "/s2"),
    _to(INFRA_BACKEND_V2, "foo.bar.wildcard.io", "/s2"),
    _not_found("non.matching.com", "/s2"),
    _not_found("wildcard.io", "/s2"),
    _not_found("very.specific.com", "/s2"),
    _not_found("foo.wildcard.io", "/non-matching-prefix"),
    # /s3: route wildcard *.specific.com covering listener-1's very.specific.com
    _to(INFRA_BACKEND_V3, "very.specific.com", "/s3"),
    _not_found("non.matching.com", "/s3"),
    _not_found("foo.specific.com", "/s3"),
    _not_found("foo.wildcard.io", "/s3"),
    _not_found("very.specific.com", "/non-matching-prefix"),
    # /s4: route wildcard equal to listener-3's *.anotherwildcard.io
    _to(INFRA_BACKEND_V1, "foo.anotherwildcard.io", "/s4"),
    _to(INFRA_BACKEND_V1, "bar.anotherwildcard.io", "/s4"),
    _to(INFRA_BACKEND_V1, "foo.bar.anotherwildcard.io", "/s4"),
    _not_found("anotherwildcard.io", "/s4"),
    _not_found("foo.wildcard.io", "/s4"),
    _not_found("very.specific.com", "/s4"),
    _not_found("foo.anotherwildcard.io", "/non-matching-prefix"),
)

NON_INTERSECTING_CASES = (
    _not_found("specific.but.wrong.com", "/s5"),
    _not_found("wildcard.io", "/s5"),
)

NO_HOSTNAME_CASES = (
    _to(INFRA_BACKEND_V2, "first.com", "/"),
    _to(INFRA_BACKEND_V2, "sub.first.com", "/"),
    _to(INFRA_BACKEND_V2, "second.com", "/"),
    _to(INFRA_BACKEND_V2, "sub.second.com", "/"),
    # the route does not list these, so the hostname-less listener must not serve them
    _not_found("third.com", "/", namespace=INFRA_NS),
    _not_found("sub.third.com", "/", namespace=INFRA_NS),
)

HTTP_ROUTE_KIND = (SupportedKind("HTTPRoute"),)
LISTENER_OK = (Condition("Accepted", "True"), Condition("ResolvedRefs", "True"))


def test_httproute_hostname_intersection(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    # The bundle adds Gateways to the infra namespace: wait for them like for the base ones.
    kube.namespaces_must_be_ready([INFRA_NS])

    with subtests.test(msg="routes whose hostnames intersect a listener"):
        gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(GATEWAY, INTERSECTING_ROUTES)
        http.expect_each(gateway_address, INTERSECTING_CASES, subtests)

    with subtests.test(msg="a route whose hostnames intersect no listener"):
        gateway_address = kube.gateway_and_routes_must_be_accepted(GATEWAY, [])
        kube.route_must_have_parents(
            NON_INTERSECTING_ROUTE,
            [
                ExpectedParent(
                    name=GATEWAY.name,
                    namespace=GATEWAY.namespace,
                    controller_name=kube.controller_name,
                    conditions=(Condition("Accepted", "False", "NoMatchingListenerHostname"),),
                )
            ],
            namespace_required=True,
        )
        http.expect_each(gateway_address, NON_INTERSECTING_CASES, subtests)

    with subtests.test(msg="attachedRoutes counts accepted routes only"):
        kube.gateway_status_must_have_listeners(
            GATEWAY,
            [
                # very.specific.com and *.specific.com
                ExpectedListener(
                    "listener-1", attached_routes=2, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_OK
                ),
                # the specific *.wildcard.io names
                ExpectedListener(
                    "listener-2", attached_routes=1, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_OK
                ),
                # *.anotherwildcard.io
                ExpectedListener(
                    "listener-3", attached_routes=1, supported_kinds=HTTP_ROUTE_KIND, conditions=LISTENER_OK
                ),
            ],
        )

    with subtests.test(msg="routes on a listener without a hostname"):
        gateway_address = kube.gateway_and_routes_must_be_accepted_and_resolved(GATEWAY_NO_HOSTNAME, NO_HOSTNAME_ROUTES)
        http.expect_each(gateway_address, NO_HOSTNAME_CASES, subtests)
