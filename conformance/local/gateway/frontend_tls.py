"""Gateway ``spec.tls``: frontend client-certificate validation and the backend client certificate.

Spec (``GatewayTLSConfig``, ``FrontendTLSValidation``, ``GatewayBackendTLS``):

* ``frontend.default.validation`` applies to every HTTPS listener, ``frontend.perPort[port]``
  overrides it for the HTTPS listeners on that port. ``caCertificateRefs`` name ConfigMaps (core,
  key ``ca.crt``); a ref that cannot be resolved or is misconfigured makes the matching listeners
  ResolvedRefs False / ``InvalidCACertificateRef``, an unsupported kind ``InvalidCACertificateKind``, a
  cross-namespace ref without a ReferenceGrant ``RefNotPermitted``; when *all* refs are invalid the
  listeners are also Accepted False / ``NoValidCACertificate`` (and so not programmed).
* ``mode`` ``AllowValidOnly`` (default) requires a valid client certificate; ``AllowInsecureFallback``
  accepts clients without one (or with an invalid one), and the Gateway then reports
  ``InsecureFrontendValidationMode`` True / ``ConfigurationChanged``.
* ``backend.clientCertificateRef`` (a core Secret with ``tls.crt``/``tls.key``) is presented to
  backends the Gateway originates TLS to. An unusable ref makes the Gateway ResolvedRefs False /
  ``InvalidClientCertificateRef`` (``RefNotPermitted`` across namespaces without a grant); the Gateway
  stays Accepted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from cryptography import x509

from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.conditions import Cond
from conformance.local.gateway.config import TLSConfig
from conformance.local.gateway.grants import Reference, reference_permitted
from conformance.local.gateway.snapshot import (
    CORE_GROUP,
    GATEWAY_GROUP,
    Snapshot,
    as_dict,
    as_list,
    as_str,
    namespace_of,
    opt_int,
    spec_of,
)

if TYPE_CHECKING:
    from conformance.local.api.protocol import JSONObject
    from conformance.local.faults import ActiveFaults

ALLOW_VALID_ONLY = "AllowValidOnly"
ALLOW_INSECURE_FALLBACK = "AllowInsecureFallback"
INSECURE_CONDITION = "InsecureFrontendValidationMode"
GATEWAY_TLS_CONDITION_TYPES = frozenset({INSECURE_CONDITION})


@functools.lru_cache(maxsize=128)
def ca_bundle_problem(pem: bytes) -> str | None:
    """Why ``pem`` is not a usable CA bundle (None: it holds at least one certificate)."""
    if not pem.strip():
        return "ca.crt is empty"
    try:
        x509.load_pem_x509_certificates(pem)
    except ValueError:
        return "ca.crt does not hold a PEM certificate"
    return None


def config_map_ca(snapshot: Snapshot, namespace: str, name: str) -> tuple[bytes | None, str]:
    """(CA bundle, problem) of ConfigMap ``namespace/name`` key ``ca.crt``."""
    config_map = snapshot.config_maps.get((namespace, name))
    if config_map is None:
        return None, f"ConfigMap {namespace}/{name} does not exist"
    value = as_dict(config_map.get("data")).get("ca.crt")
    if not isinstance(value, str):
        return None, f"ConfigMap {namespace}/{name} has no key ca.crt"
    pem = value.encode()
    problem = ca_bundle_problem(pem)
    if problem:
        return None, f"ConfigMap {namespace}/{name}: {problem}"
    return pem, ""


@dataclass(frozen=True, slots=True)
class FrontendValidation:
    """The client validation the HTTPS listeners of one port get."""

    ca_pem: bytes | None
    """The trust anchors of the valid refs (None when no ref is valid)."""
    mode: str
    problem: Cond | None = None
    """ResolvedRefs False for the first invalid ref, if any."""

    @property
    def no_valid_ca(self) -> bool:
        return self.ca_pem is None


def _validation_for_port(gateway: JSONObject, port: int, faults: ActiveFaults) -> dict[str, Any] | None:
    frontend = as_dict(as_dict(spec_of(gateway).get("tls")).get("frontend"))
    if not faults.on(ft.FRONTEND_PER_PORT_IGNORED):
        for entry in map(as_dict, as_list(frontend.get("perPort"))):
            if opt_int(entry.get("port")) == port:
                validation = as_dict(as_dict(entry.get("tls")).get("validation"))
                return validation or None
    return as_dict(as_dict(frontend.get("default")).get("validation")) or None


def frontend_validation(
    gateway: JSONObject, port: int, snapshot: Snapshot, faults: ActiveFaults
) -> FrontendValidation | None:
    """The client validation of the HTTPS listeners on ``port``; None when none is configured."""
    validation = _validation_for_port(gateway, port, faults)
    if validation is None:
        return None
    gw_ns = namespace_of(gateway)
    bundles: list[bytes] = []
    problem: Cond | None = None
    for ref in map(as_dict, as_list(validation.get("caCertificateRefs"))):
        group, kind, name = as_str(ref.get("group")), as_str(ref.get("kind")), as_str(ref.get("name"))
        namespace = as_str(ref.get("namespace")) or gw_ns
        issue: Cond | None = None
        if (group, kind) != (CORE_GROUP, "ConfigMap"):
            shown = f"{group}/{kind}" if group else kind
            message = f"caCertificateRef {shown} {namespace}/{name}: only core ConfigMaps are supported"
            issue = Cond("ResolvedRefs", False, "InvalidCACertificateKind", message)
        elif not reference_permitted(
            Reference(GATEWAY_GROUP, "Gateway", gw_ns, CORE_GROUP, "ConfigMap", namespace, name), snapshot, faults
        ):
            message = f"caCertificateRef to ConfigMap {namespace}/{name} is not permitted by any ReferenceGrant"
            issue = Cond("ResolvedRefs", False, "RefNotPermitted", message)
        else:
            pem, why = config_map_ca(snapshot, namespace, name)
            if pem is None:
                issue = Cond("ResolvedRefs", False, "InvalidCACertificateRef", why)
            else:
                bundles.append(pem)
        if issue is not None and problem is None:
            problem = issue
    if faults.on(ft.FRONTEND_CA_REF_ERRORS_IGNORED) and problem is not None:
        if not bundles:
            return None  # the listener just serves without validating anyone
        problem = None
    mode = as_str(validation.get("mode"), ALLOW_VALID_ONLY) or ALLOW_VALID_ONLY
    return FrontendValidation(b"".join(bundles) if bundles else None, mode, problem)


def with_frontend_validation(
    gateway: JSONObject,
    port: int,
    tls: TLSConfig | None,
    refs_problem: Cond | None,
    snapshot: Snapshot,
    faults: ActiveFaults,
) -> tuple[TLSConfig | None, Cond | None, Cond | None]:
    """Apply the port's client validation to an HTTPS listener.

    Returns (TLS config with the client CAs, ResolvedRefs problem, Accepted False condition when no CA
    certificate is valid).
    """
    validation = frontend_validation(gateway, port, snapshot, faults)
    if validation is None:
        return tls, refs_problem, None
    rejected: Cond | None = None
    if validation.no_valid_ca:
        message = validation.problem.message if validation.problem else "no valid CA certificate"
        rejected = Cond("Accepted", False, "NoValidCACertificate", message)
    if refs_problem is None:
        refs_problem = validation.problem
    if tls is not None and validation.ca_pem is not None:
        tls = replace(tls, client_ca_pem=validation.ca_pem, client_validation_mode=validation.mode)
    return tls, refs_problem, rejected


def insecure_mode_condition(gateway: JSONObject, faults: ActiveFaults) -> Cond | None:
    """InsecureFrontendValidationMode True when any frontend validation allows insecure fallback."""
    if faults.on(ft.INSECURE_MODE_CONDITION_MISSING):
        return None
    frontend = as_dict(as_dict(spec_of(gateway).get("tls")).get("frontend"))
    validations = [as_dict(as_dict(frontend.get("default")).get("validation"))]
    validations += [as_dict(as_dict(as_dict(e).get("tls")).get("validation")) for e in as_list(frontend.get("perPort"))]
    if any(as_str(v.get("mode")) == ALLOW_INSECURE_FALLBACK for v in validations):
        message = "client certificate validation allows clients without a valid certificate (AllowInsecureFallback)"
        return Cond(INSECURE_CONDITION, True, "ConfigurationChanged", message)
    return None


@dataclass(frozen=True, slots=True)
class GatewayTLS:
    """What ``spec.tls`` adds to a Gateway's status and data-plane config."""

    backend_client: TLSConfig | None = None
    resolved_refs: Cond | None = None
    """ResolvedRefs False because of ``spec.tls.backend``, if so."""
    conditions: tuple[Cond, ...] = ()


def backend_client_certificate(
    gateway: JSONObject, snapshot: Snapshot, faults: ActiveFaults
) -> tuple[TLSConfig | None, Cond | None]:
    from conformance.local.gateway.listeners import _pem_problem, _secret_bytes  # (listeners imports this module)

    ref = as_dict(as_dict(as_dict(spec_of(gateway).get("tls")).get("backend")).get("clientCertificateRef"))
    if not ref:
        return None, None
    gw_ns = namespace_of(gateway)
    group, kind = as_str(ref.get("group"), CORE_GROUP), as_str(ref.get("kind"), "Secret")
    name, namespace = as_str(ref.get("name")), as_str(ref.get("namespace")) or gw_ns
    reason = "InvalidClientCertificateRef"
    if (group, kind) != (CORE_GROUP, "Secret"):
        shown = f"{group}/{kind}" if group else kind
        problem = f"clientCertificateRef {shown} {namespace}/{name}: only core Secrets are supported"
    elif not reference_permitted(
        Reference(GATEWAY_GROUP, "Gateway", gw_ns, CORE_GROUP, "Secret", namespace, name), snapshot, faults
    ):
        reason, problem = "RefNotPermitted", f"clientCertificateRef to Secret {namespace}/{name} is not permitted"
    elif (namespace, name) not in snapshot.secrets:
        problem = f"Secret {namespace}/{name} does not exist"
    else:
        secret = snapshot.secrets[(namespace, name)]
        cert, key = _secret_bytes(secret, "tls.crt"), _secret_bytes(secret, "tls.key")
        why = _pem_problem(cert, key) if cert and key else "Secret lacks tls.crt or tls.key"
        if why is None and cert is not None and key is not None:
            return TLSConfig(certificate_pem=cert, key_pem=key), None
        problem = f"Secret {namespace}/{name}: {why}"
    if faults.on(ft.BACKEND_CLIENT_CERT_REF_UNCHECKED):
        return None, None
    return None, Cond("ResolvedRefs", False, reason, problem)


def gateway_tls(gateway: JSONObject, snapshot: Snapshot, faults: ActiveFaults) -> GatewayTLS:
    client, problem = backend_client_certificate(gateway, snapshot, faults)
    insecure = insecure_mode_condition(gateway, faults)
    return GatewayTLS(client, problem, (insecure,) if insecure else ())
