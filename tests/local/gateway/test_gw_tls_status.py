"""Controller: BackendTLSPolicy status and selection, Gateway spec.tls (frontend validation, backend client
certificate) conditions, and what reaches the data-plane config."""

from __future__ import annotations

from typing import Any

from gwbuilders import (
    GW_API,
    INFRA,
    KEYS,
    brief,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    https_listener,
    listener,
    listener_of,
    obj,
    rule,
    run,
    service,
    tls_secret,
    with_status,
)

from conformance.certificates import make_ca
from conformance.local.api.protocol import JSONObject
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.config import Backend, GatewayConfig
from conformance.local.gateway.reconcile import Result

POLICIES = "backendtlspolicies.gateway.networking.k8s.io"
CA_PEM = make_ca().cert_pem.decode()


def config_map(name: str, namespace: str = INFRA, **data: str) -> JSONObject:
    return obj("ConfigMap", "v1", name, namespace, data=data)


CA = config_map("ca", **{"ca.crt": CA_PEM})


def policy(
    name: str,
    target: str = "svc",
    section: str | None = None,
    hostname: str = "abc.example.com",
    refs: list[JSONObject] | None = None,
    created: str | None = None,
    **validation: Any,
) -> JSONObject:
    ref: JSONObject = {"group": "", "kind": "Service", "name": target}
    if section:
        ref["sectionName"] = section
    body = {
        "targetRefs": [ref],
        "validation": {
            "hostname": hostname,
            "caCertificateRefs": refs if refs is not None else [{"group": "", "kind": "ConfigMap", "name": "ca"}],
            **validation,
        },
    }
    return obj("BackendTLSPolicy", GW_API, name, INFRA, spec=body, created=created)


def tls_service(name: str = "svc") -> JSONObject:
    ports = [{"name": "btls", "port": 443, "targetPort": 8443}, {"name": "other", "port": 8443, "targetPort": 8443}]
    return service(name, ports=ports)


def base(*extra: JSONObject) -> list[JSONObject]:
    route = http_route(rules=[rule({"name": "svc", "port": 443}), rule({"name": "svc", "port": 8443})])
    return [gateway_class(), gateway(), route, tls_service(), CA, *extra]


def ancestors(result: Result, name: str) -> dict[str, dict[str, tuple[str, str]]]:
    status = result.status(POLICIES, INFRA, name)
    assert status is not None, f"no status for policy {name}"
    return {a["ancestorRef"]["name"]: brief(a["conditions"]) for a in status["ancestors"]}


def backends(result: Result) -> list[Backend]:
    gateway_config: GatewayConfig = result.config.gateways[0]
    return [b for li in gateway_config.listeners for r in li.routes for ru in r.rules for b in ru.backends]


def test_valid_policy_is_accepted_for_each_gateway_and_applies_to_its_service() -> None:
    result = run(*base(policy("p")))
    assert ancestors(result, "p") == {
        "gw": {"Accepted": ("True", "Accepted"), "ResolvedRefs": ("True", "ResolvedRefs")}
    }
    status = result.status(POLICIES, INFRA, "p")
    assert status is not None
    entry = status["ancestors"][0]
    assert entry["ancestorRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "namespace": INFRA,
        "name": "gw",
    }
    assert entry["controllerName"] and all(c["observedGeneration"] == 1 for c in entry["conditions"])
    for found in backends(result):
        assert found.tls is not None and found.tls.hostname == "abc.example.com"
        assert found.tls.ca_pem.decode() == CA_PEM and found.tls.invalid is None


def test_policy_without_an_ancestor_gets_no_status() -> None:
    objects = [gateway_class(), gateway(), tls_service(), CA, policy("p")]
    assert run(*objects).status(POLICIES, INFRA, "p") is None


def test_invalid_ca_references() -> None:
    cases = {
        "missing": ([{"group": "", "kind": "ConfigMap", "name": "nope"}], "InvalidCACertificateRef"),
        "empty": ([{"group": "", "kind": "ConfigMap", "name": "empty"}], "InvalidCACertificateRef"),
        "kind": ([{"group": "invalid.io", "kind": "InvalidKind", "name": "x"}], "InvalidKind"),
    }
    for name, (refs, reason) in cases.items():
        result = run(*base(config_map("empty"), policy(name, refs=refs)))
        assert ancestors(result, name)["gw"] == {
            "Accepted": ("False", "NoValidCACertificate"),
            "ResolvedRefs": ("False", reason),
        }, name
        assert all(b.tls is not None and b.tls.invalid for b in backends(result))
    result = run(*base(policy("kind", refs=cases["kind"][0])), faults=[ft.POLICY_INVALID_KIND_AS_REF])
    assert ancestors(result, "kind")["gw"]["ResolvedRefs"] == ("False", "InvalidCACertificateRef")
    result = run(*base(policy("missing", refs=cases["missing"][0])), faults=[ft.POLICY_INVALID_CA_ACCEPTED])
    assert ancestors(result, "missing")["gw"]["Accepted"] == ("True", "Accepted")


def test_oldest_policy_wins_a_conflict_then_the_name() -> None:
    same_time = "2029-01-01T00:00:00Z"
    older = policy("b-older", hostname="other.example.com", created="2028-01-01T00:00:00Z")
    newer = policy("a-newer", created=same_time)
    result = run(*base(older, newer))
    assert ancestors(result, "b-older")["gw"]["Accepted"] == ("True", "Accepted")
    assert ancestors(result, "a-newer")["gw"]["Accepted"] == ("False", "Conflicted")
    assert {b.tls.hostname for b in backends(result) if b.tls} == {"other.example.com"}
    tie = run(*base(policy("p-2", created=same_time), policy("p-1", hostname="other.example.com", created=same_time)))
    assert ancestors(tie, "p-1")["gw"]["Accepted"] == ("True", "Accepted")
    assert ancestors(tie, "p-2")["gw"]["Accepted"] == ("False", "Conflicted")
    flipped = run(*base(older, newer), faults=[ft.POLICY_CONFLICT_NEWEST_WINS])
    assert ancestors(flipped, "b-older")["gw"]["Accepted"] == ("False", "Conflicted")


def test_a_section_policy_and_a_service_policy_do_not_conflict() -> None:
    result = run(*base(policy("section", section="btls", hostname="other.example.com"), policy("whole")))
    assert ancestors(result, "section")["gw"]["Accepted"] == ("True", "Accepted")
    assert ancestors(result, "whole")["gw"]["Accepted"] == ("True", "Accepted")
    by_port = {b.port: b.tls.hostname for b in backends(result) if b.tls}
    assert by_port == {443: "other.example.com", 8443: "abc.example.com"}


def test_observed_generation_follows_the_policy() -> None:
    objects = base(policy("p"))
    first = run(*objects)
    stored = with_status(first, *objects)
    changed = stored[-1]
    changed["metadata"]["generation"] = 2
    changed["spec"]["validation"]["hostname"] = "foo.example.com"
    second = run(*stored)
    status = second.status(POLICIES, INFRA, "p")
    assert status is not None
    assert {c["observedGeneration"] for c in status["ancestors"][0]["conditions"]} == {2}
    stale = run(*stored, faults=[ft.POLICY_STALE_GENERATION]).status(POLICIES, INFRA, "p")
    assert stale is not None
    assert {c["observedGeneration"] for c in stale["ancestors"][0]["conditions"]} == {1}


# --- Gateway spec.tls ------------------------------------------------------------------------------


def frontend(default: str | None = "ca", mode: str | None = None, **per_port: JSONObject) -> JSONObject:
    def validation(ref: JSONObject) -> JSONObject:
        body: JSONObject = {"caCertificateRefs": [ref]}
        if mode:
            body["mode"] = mode
        return {"validation": body}

    spec: JSONObject = {}
    if default:
        spec["default"] = validation({"group": "", "kind": "ConfigMap", "name": default})
    if per_port:
        spec["perPort"] = [{"port": int(port[1:]), "tls": validation(ref)} for port, ref in per_port.items()]
    return {"frontend": spec}


def tls_gateway(tls: JSONObject, *listeners: JSONObject) -> JSONObject:
    return gateway(listeners=listeners or [https_listener()], tls=tls)


def test_frontend_validation_per_port_and_default() -> None:
    second = {**https_listener("second", hostname="second.example.org"), "port": 8443}
    per_port = {"group": "", "kind": "ConfigMap", "name": "per-port"}
    objects = [
        gateway_class(),
        tls_gateway(frontend(p8443=per_port), https_listener(), second),
        tls_secret(),
        CA,
        config_map("per-port", **{"ca.crt": CA_PEM + CA_PEM}),
    ]
    result = run(*objects)
    configs = {li.name: li.tls for li in result.config.gateways[0].listeners}
    assert configs["https"] is not None and configs["https"].client_ca_pem == CA_PEM.encode()
    assert configs["second"] is not None and configs["second"].client_ca_pem == (CA_PEM + CA_PEM).encode()
    assert configs["https"].client_validation_mode == "AllowValidOnly"
    ignored = run(*objects, faults=[ft.FRONTEND_PER_PORT_IGNORED])
    configs = {li.name: li.tls for li in ignored.config.gateways[0].listeners}
    assert configs["second"] is not None and configs["second"].client_ca_pem == CA_PEM.encode()


def test_invalid_frontend_references_take_only_their_listeners_down() -> None:
    cases = {
        7443: ({"group": "", "kind": "ConfigMap", "name": "missing"}, "InvalidCACertificateRef"),
        8443: ({"group": "", "kind": "Service", "name": "svc"}, "InvalidCACertificateKind"),
        6443: ({"group": "", "kind": "ConfigMap", "name": "cm", "namespace": "other"}, "RefNotPermitted"),
    }
    listeners = [https_listener()] + [
        {**https_listener(f"l{port}", hostname=f"h{port}.example.org"), "port": port} for port in cases
    ]
    per_port = {f"p{port}": ref for port, (ref, _) in cases.items()}
    objects = [gateway_class(), tls_gateway(frontend(**per_port), *listeners), tls_secret(), CA]
    result = run(*objects)
    assert brief(listener_of(result, "https")["conditions"])["Programmed"] == ("True", "Programmed")
    for port, (_, reason) in cases.items():
        conditions = brief(listener_of(result, f"l{port}")["conditions"])
        assert conditions["ResolvedRefs"] == ("False", reason)
        assert conditions["Accepted"] == ("False", "NoValidCACertificate")
        assert conditions["Programmed"][0] == "False"
    assert [li.name for li in result.config.gateways[0].listeners] == ["https"]
    lenient = run(*objects, faults=[ft.FRONTEND_CA_REF_ERRORS_IGNORED])
    assert all(
        brief(listener_of(lenient, f"l{port}")["conditions"])["Accepted"] == ("True", "Accepted") for port in cases
    )


def test_insecure_fallback_is_reported_on_the_gateway() -> None:
    objects = [gateway_class(), tls_gateway(frontend(mode="AllowInsecureFallback")), tls_secret(), CA]
    result = run(*objects)
    conditions = brief(gateway_status(result)["conditions"])
    assert conditions["InsecureFrontendValidationMode"] == ("True", "ConfigurationChanged")
    listener_tls = result.config.gateways[0].listeners[0].tls
    assert listener_tls is not None and listener_tls.client_validation_mode == "AllowInsecureFallback"
    quiet = run(*objects, faults=[ft.INSECURE_MODE_CONDITION_MISSING])
    assert "InsecureFrontendValidationMode" not in brief(gateway_status(quiet)["conditions"])
    strict = run(gateway_class(), tls_gateway(frontend()), tls_secret(), CA)
    assert "InsecureFrontendValidationMode" not in brief(gateway_status(strict)["conditions"])


def backend_client(**ref: str) -> JSONObject:
    return {"backend": {"clientCertificateRef": {"group": "", "kind": "Secret", **ref}}}


def test_backend_client_certificate_references() -> None:
    good = run(gateway_class(), gateway(listeners=[listener()], tls=backend_client(name="cert")), tls_secret())
    assert brief(gateway_status(good)["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    client = good.config.gateways[0].backend_client_certificate
    assert client is not None and client.certificate_pem == KEYS.cert_pem
    malformed = obj("Secret", "v1", "bad", INFRA, type="Opaque", data={})
    cases = {
        "missing": (backend_client(name="nope"), "InvalidClientCertificateRef"),
        "kind": (
            {"backend": {"clientCertificateRef": {"group": "", "kind": "WrongKind", "name": "cert"}}},
            "InvalidClientCertificateRef",
        ),
        "malformed": (backend_client(name="bad"), "InvalidClientCertificateRef"),
        "grant": (backend_client(name="cert", namespace="other"), "RefNotPermitted"),
    }
    for what, (tls, reason) in cases.items():
        objects = [
            gateway_class(),
            gateway(listeners=[listener()], tls=tls),
            tls_secret(),
            malformed,
            tls_secret(namespace="other"),
        ]
        result = run(*objects)
        conditions = brief(gateway_status(result)["conditions"])
        assert conditions["ResolvedRefs"] == ("False", reason), what
        assert conditions["Accepted"] == ("True", "Accepted"), what
        assert result.config.gateways[0].backend_client_certificate is None
        unchecked = run(*objects, faults=[ft.BACKEND_CLIENT_CERT_REF_UNCHECKED])
        assert brief(gateway_status(unchecked)["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs"), what
