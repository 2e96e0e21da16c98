"""Port of conformance/tests/listenerset-protocol-conflict.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName
from conformance.fixtures import Kube
from conformance.steps.listener_set_conflict import listener_conflicts_must_resolve_to_first_claimant

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetProtocolConflict",
    description=(
        "On a protocol clash the merged listener list keeps the first claimant (the Gateway, then older "
        "ListenerSets): later listeners are not accepted, programmed False and Conflicted (ProtocolConflict), and "
        "a ListenerSet left without a valid listener is not accepted (ListenersNotValid)"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-protocol-conflict.yaml",),
    parallel=True,
)


def test_listenerset_protocol_conflict(kube: Kube, subtests: pytest.Subtests) -> None:
    listener_conflicts_must_resolve_to_first_claimant(kube, subtests, "protocol")
