"""Port of conformance/tests/listenerset-hostname-conflict.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import ConformanceTest, FeatureName
from conformance.fixtures import Kube
from conformance.steps.listener_set_conflict import listener_conflicts_must_resolve_to_first_claimant

CONFORMANCE = ConformanceTest(
    short_name="ListenerSetHostnameConflict",
    description=(
        "On a hostname clash the merged listener list keeps the first claimant (the Gateway, then older "
        "ListenerSets): later listeners are not accepted, programmed False and Conflicted (HostnameConflict), and "
        "a ListenerSet left without a valid listener is not accepted (ListenersNotValid)"
    ),
    features=(FeatureName.GATEWAY, FeatureName.LISTENER_SET),
    manifests=("listenerset-hostname-conflict.yaml",),
    parallel=True,
)


def test_listenerset_hostname_conflict(kube: Kube, subtests: pytest.Subtests) -> None:
    listener_conflicts_must_resolve_to_first_claimant(kube, subtests, "hostname")
