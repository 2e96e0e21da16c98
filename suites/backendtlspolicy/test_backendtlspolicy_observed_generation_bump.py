"""Port of conformance/tests/backendtlspolicy-observed-generation-bump.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY

CONFORMANCE = ConformanceTest(
    short_name="BackendTLSPolicyObservedGenerationBump",
    description=("After a BackendTLSPolicy's spec changes, the conditions of every ancestor report the new generation"),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy-observed-generation-bump.yaml",),
    parallel=True,
)


def test_backendtlspolicy_observed_generation_bump(kube: Kube, subtests: pytest.Subtests) -> None:
    policy = NamespacedName(INFRA_NS, "observed-generation-bump")
    with subtests.test(msg="observedGeneration should increment"):
        kube.namespaces_must_be_ready([INFRA_NS])
        # Upstream reads the policy right away. If the controller has not written its status by then,
        # the first check passes on an empty status and the patch below lands before the policy's
        # first reconcile, so a controller that never bumps observedGeneration still passes. Waiting
        # for the Accepted condition (at the current generation) first, which the test requires later
        # anyway, makes the check mean something without asking more of an implementation.
        kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "True"))
        original = kube.get("BackendTLSPolicy", policy)
        assert original is not None, f"BackendTLSPolicy {policy} does not exist"
        kube.backend_tls_policy_must_have_latest_conditions(original)

        kube.patch("BackendTLSPolicy", policy, {"spec": {"validation": {"hostname": "foo.example.com"}}})
        kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, Condition("Accepted", "True"))

        updated = kube.get("BackendTLSPolicy", policy)
        assert updated is not None
        kube.backend_tls_policy_must_have_latest_conditions(updated)
        before, after = original["metadata"].get("generation"), updated["metadata"].get("generation")
        assert before != after, f"generation should change after an update (still {after})"
