"""Port of conformance/tests/backendtlspolicy.go (gateway-api v1.6.1)."""

from __future__ import annotations

import pytest

from conformance import (
    Condition,
    ConformanceTest,
    ExpectedRequest,
    ExpectedResponse,
    FeatureName,
    GatewayRef,
    NamespacedName,
    Request,
    Response,
)
from conformance.fixtures import HTTPProbe, Kube
from conformance.infra import HTTPS_GATEWAY, INFRA_NS, SAME_NAMESPACE_GATEWAY
from conformance.probes.tls import TLSClientOptions

CONFORMANCE = ConformanceTest(
    short_name="BackendTLSPolicy",
    description=(
        "The Gateway speaks TLS to a Service a valid BackendTLSPolicy targets (behind HTTP and HTTPS listeners, "
        "SNI = the policy hostname); a wrong hostname or CA fails the request; CA ConfigMap changes are reconciled"
    ),
    features=(FeatureName.GATEWAY, FeatureName.HTTP_ROUTE, FeatureName.BACKEND_TLS_POLICY),
    manifests=("backendtlspolicy.yaml",),
    parallel=True,
)

ACCEPTED = Condition("Accepted", "True", "Accepted")
RESOLVED = Condition("ResolvedRefs", "True", "ResolvedRefs")
NO_VALID_CA = Condition("Accepted", "False", "NoValidCACertificate")
INVALID_CA_REF = Condition("ResolvedRefs", "False", "InvalidCACertificateRef")


def _policy(name: str) -> NamespacedName:
    return NamespacedName(INFRA_NS, name)


def test_backendtlspolicy(kube: Kube, http: HTTPProbe, subtests: pytest.Subtests) -> None:
    with subtests.test(msg="Re-encrypt HTTPS request sent to Service with valid BackendTLSPolicy should succeed"):
        route = NamespacedName(INFRA_NS, "backendtlspolicy-reencrypt")
        kube.namespaces_must_be_ready([INFRA_NS])
        address = kube.gateway_and_routes_must_be_accepted_and_resolved(
            GatewayRef(HTTPS_GATEWAY), [route], use_port=False
        )
        kube.backend_tls_policy_must_have_condition(_policy("normative-test"), HTTPS_GATEWAY, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(_policy("normative-test"), HTTPS_GATEWAY, RESOLVED)
        server_cert, _ = kube.tls_secret(NamespacedName(INFRA_NS, "tls-validity-checks-certificate"))
        http.expect_eventually_consistent_tls_response(
            address,
            ExpectedResponse(
                request=Request(host="https-listener.org", path="/backendtlspolicy", sni="https-listener.org"),
                expected_request=ExpectedRequest(path="/backendtlspolicy", sni="abc.example.com"),
                response=Response(status_codes=(200,)),
                namespace=INFRA_NS,
            ),
            TLSClientOptions("https-listener.org", server_cert),
        )

    route = NamespacedName(INFRA_NS, "backendtlspolicy")
    kube.namespaces_must_be_ready([INFRA_NS])
    address = kube.gateway_and_routes_must_be_accepted_and_resolved(
        GatewayRef(SAME_NAMESPACE_GATEWAY), [route], use_port=False
    )

    with subtests.test(msg="HTTP request sent to Service with valid BackendTLSPolicy should succeed"):
        kube.backend_tls_policy_must_have_condition(_policy("normative-test"), SAME_NAMESPACE_GATEWAY, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(_policy("normative-test"), SAME_NAMESPACE_GATEWAY, RESOLVED)
        http.expect_eventually_consistent_response(
            address,
            ExpectedResponse(
                request=Request(host="abc.example.com", path="/backendtlspolicy", sni="abc.example.com"),
                response=Response(status_codes=(200,)),
                namespace=INFRA_NS,
            ),
        )

    with subtests.test(msg="a BackendTLSPolicy with a hostname the certificate lacks fails the request"):
        kube.backend_tls_policy_must_have_condition(_policy("host-mismatch"), SAME_NAMESPACE_GATEWAY, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(_policy("host-mismatch"), SAME_NAMESPACE_GATEWAY, RESOLVED)
        http.expect_failure(
            address,
            Request(host="abc.example.org", path="/backendtlspolicy-host-mismatch", sni="abc.example.com"),
        )

    with subtests.test(msg="a BackendTLSPolicy trusting an unrelated CA fails the request"):
        kube.backend_tls_policy_must_have_condition(_policy("cert-mismatch"), SAME_NAMESPACE_GATEWAY, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(_policy("cert-mismatch"), SAME_NAMESPACE_GATEWAY, RESOLVED)
        http.expect_failure(
            address,
            Request(host="abc.example.com", path="/backendtlspolicy-cert-mismatch", sni="abc.example.com"),
        )

    with subtests.test(msg="changes to the CA ConfigMap of a BackendTLSPolicy are reconciled"):
        _reconcile_ca_changes(kube)


def _reconcile_ca_changes(kube: Kube) -> None:
    policy, gateway = _policy("reconcile-test"), SAME_NAMESPACE_GATEWAY
    kube.backend_tls_policy_must_have_condition(policy, gateway, ACCEPTED)
    kube.backend_tls_policy_must_have_condition(policy, gateway, RESOLVED)
    shared = kube.get("ConfigMap", NamespacedName(INFRA_NS, "tls-checks-ca-certificate"))
    assert shared is not None, "ConfigMap tls-checks-ca-certificate does not exist"
    original_ca = str((shared.get("data") or {}).get("ca.crt", ""))
    current = kube.get("BackendTLSPolicy", policy)
    assert current is not None
    original_refs = current["spec"]["validation"]["caCertificateRefs"]

    copy_name = "tls-checks-ca-certificate-reconcile-test"
    copy = NamespacedName(INFRA_NS, copy_name)
    refs = [{"group": "", "kind": "ConfigMap", "name": copy_name}]
    kube.patch("BackendTLSPolicy", policy, {"spec": {"validation": {"caCertificateRefs": refs}}})
    kube.backend_tls_policy_must_have_condition(policy, gateway, NO_VALID_CA)
    kube.backend_tls_policy_must_have_condition(policy, gateway, INVALID_CA_REF)
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": copy_name, "namespace": INFRA_NS},
        "data": {"ca.crt": original_ca},
    }
    kube.create(config_map)
    try:
        kube.backend_tls_policy_must_have_condition(policy, gateway, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(policy, gateway, RESOLVED)
        kube.patch("ConfigMap", copy, {"data": {"ca.crt": ""}})
        kube.backend_tls_policy_must_have_condition(policy, gateway, NO_VALID_CA)
        kube.backend_tls_policy_must_have_condition(policy, gateway, INVALID_CA_REF)
        kube.patch("ConfigMap", copy, {"data": {"ca.crt": original_ca}})
        kube.backend_tls_policy_must_have_condition(policy, gateway, ACCEPTED)
        kube.backend_tls_policy_must_have_condition(policy, gateway, RESOLVED)
        kube.patch("BackendTLSPolicy", policy, {"spec": {"validation": {"caCertificateRefs": original_refs}}})
    finally:
        kube.delete("ConfigMap", copy)
