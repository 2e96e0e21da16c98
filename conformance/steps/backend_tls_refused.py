"""The check of upstream's BackendTLSPolicyInvalidCACertificateRef and BackendTLSPolicyInvalidKind.

A BackendTLSPolicy whose only CA reference cannot be used has no valid CA certificate: it is not
Accepted (NoValidCACertificate), ResolvedRefs is False for the reason the reference fails, and
requests to the backend it targets fail with a 5xx instead of going out unencrypted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from conformance.infra import INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.kube.status import Condition
from conformance.probes.expectations import ExpectedResponse, Request, Response
from conformance.refs import GatewayRef, NamespacedName

if TYPE_CHECKING:
    import pytest

    from conformance.kube.facade import Kube
    from conformance.probes.http import HTTPProbe


def backend_tls_policies_must_be_refused(
    kube: Kube,
    http: HTTPProbe,
    subtests: pytest.Subtests,
    *,
    route: NamespacedName,
    policies: Sequence[str],
    unresolved_reason: str,
) -> None:
    """Each policy (in the infra namespace, reached at ``/backendtlspolicy-<name>``) is refused."""
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted(GatewayRef(SAME_NAMESPACE_GATEWAY), [route], use_port=False)
    for name in policies:
        policy = NamespacedName(INFRA_NS, name)
        with subtests.test(msg=f"{name}: Accepted=False/NoValidCACertificate"):
            no_valid_ca = Condition("Accepted", "False", "NoValidCACertificate")
            kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, no_valid_ca)
        with subtests.test(msg=f"{name}: ResolvedRefs=False/{unresolved_reason}"):
            unresolved = Condition("ResolvedRefs", "False", unresolved_reason)
            kube.backend_tls_policy_must_have_condition(policy, SAME_NAMESPACE_GATEWAY, unresolved)
        with subtests.test(msg=f"{name}: requests to its backend get a 5xx"):
            http.expect_eventually_consistent_response(
                address,
                ExpectedResponse(
                    request=Request(host="abc.example.com", path=f"/backendtlspolicy-{name}"),
                    response=Response(status_codes=(500, 502, 503)),
                    namespace=INFRA_NS,
                ),
            )
