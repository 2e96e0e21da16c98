"""Port of conformance/tests/listenerset-reference-grant.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import Condition, ConformanceTest, FeatureName, NamespacedName
from conformance.fixtures import Kube
from conformance.infra import INFRA_NS

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetReferenceGrant",
    description=(
        "A ListenerSet's HTTPS listener may use a certificate Secret of another namespace only when a "
        "ReferenceGrant there names ListenerSets of its namespace; without one the listener is "
        "RefNotPermitted and the ListenerSet is not accepted"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET, FeatureName.REFERENCE_GRANT),
    manifests=("listenerset-reference-grant.yaml",),
    parallel=True,
)

GATEWAY = NamespacedName(INFRA_NS, "gateway-with-listener-sets-test-reference-grant")
GRANTED = NamespacedName(INFRA_NS, "listenerset-with-reference-grant")
NOT_GRANTED = NamespacedName("gateway-api-listener-sets-test-reference-grant-ns", "listenerset-without-reference-grant")


def test_listenerset_reference_grant(kube: Kube, subtests: pytest.Subtests) -> None:
    kube.namespaces_must_be_ready([INFRA_NS])
    kube.gateway_must_have_condition(GATEWAY, Condition("Accepted", "True"))

    with subtests.test(msg="a ReferenceGrant for ListenerSets permits the certificate"):
        kube.listener_set_must_have_condition(GRANTED, Condition("Accepted", "True"))
        kube.listener_set_must_have_condition(GRANTED, Condition("Programmed", "True"))
        kube.listener_set_listeners_must_have_conditions(
            GRANTED, [Condition("ResolvedRefs", "True")], ["listenerset-with-reference-grant-listener"]
        )

    with subtests.test(msg="without a ReferenceGrant the reference is not permitted"):
        kube.listener_set_must_have_condition(NOT_GRANTED, Condition("Accepted", "False", "ListenersNotValid"))
        kube.listener_set_must_have_condition(NOT_GRANTED, Condition("Programmed", "False", "ListenersNotValid"))
        kube.listener_set_listeners_must_have_conditions(
            NOT_GRANTED,
            [Condition("ResolvedRefs", "False", "RefNotPermitted")],
            ["listenerset-without-reference-grant-listener"],
        )
