"""Port of conformance/tests/httproute-observed-generation-bump.go (gateway-api v1.6.1)."""

from __future__ import annotations

import copy

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_BACKEND_V2, INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="HTTPRouteObservedGenerationBump",
    description=(
        "Changing an HTTPRoute's backendRef bumps its generation, and every condition of its parent status "
        "reports the new one"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE),
    manifests=("httproute-observed-generation-bump.yaml",),
)

ROUTE = NamespacedName(INFRA_NS, "observed-generation-bump")


def test_httproute_observed_generation_bump(kube: Kube) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    original = kube.get("HTTPRoute", ROUTE)
    assert original is not None, f"HTTPRoute {ROUTE} does not exist"
    kube.route_must_have_latest_conditions(ROUTE)

    # A merge patch replaces lists whole: send the rules with the first backendRef renamed.
    rules = copy.deepcopy(original["spec"]["rules"])
    rules[0]["backendRefs"][0]["name"] = INFRA_BACKEND_V2
    kube.patch("HTTPRoute", ROUTE, {"spec": {"rules": rules}})

    kube.route_must_have_condition(ROUTE, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "True"))
    kube.route_must_have_resolved_refs_true(ROUTE, SAME_NAMESPACE_GATEWAY)
    updated = kube.route_must_have_latest_conditions(ROUTE)
    assert updated["metadata"]["generation"] != original["metadata"]["generation"], (
        "changing the backendRef should bump the HTTPRoute's generation"
    )
