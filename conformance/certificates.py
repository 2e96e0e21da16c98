"""The TLS material the suite creates at setup (spec/infra.md a.6), generated with ``cryptography``.

Same shapes as upstream: RSA 2048 keys in PKCS#1 PEM, leaf certificates with CN ``default`` and O
``Acme Co`` valid for a year, CAs with serial 2024, and the same host-list rule (an IP becomes an IP SAN,
a DNS name a DNS SAN, anything else that parses as a URI a URI SAN — so the bare ``*`` is a URI SAN).
New keys are made for every run; nothing is stored.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conformance.infra import APP_BACKEND_NS, INFRA_NS, WEB_BACKEND_NS

JSONObject = dict[str, Any]
_DNS = re.compile(r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


@dataclass(frozen=True, slots=True)
class KeyPair:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def cert_pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _san(hosts: list[str]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
            continue
        except ValueError:
            pass
        if _DNS.match(host):
            names.append(x509.DNSName(host))
        elif urlsplit(host).path or urlsplit(host).scheme:
            names.append(x509.UniformResourceIdentifier(host))
    return names


def make_ca() -> KeyPair:
    key = _key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Kubernetes Gateway API"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.COMMON_NAME, "gatewayapi"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(2024)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(cert, key)


def make_leaf(hosts: list[str], *, ca: KeyPair | None = None, client: bool = False) -> KeyPair:
    """A server (or client) certificate for ``hosts``, self-signed unless a CA is given."""
    key = _key()
    subject = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme Co"), x509.NameAttribute(NameOID.COMMON_NAME, "default")]
    )
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject if ca else subject)
        .public_key(key.public_key())
        .serial_number(secrets.randbits(127))
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH]),
            critical=False,
        )
    )
    names = [] if client else _san(hosts)
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    cert = builder.sign(ca.key if ca else key, hashes.SHA256())
    return KeyPair(cert, key)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def tls_secret(namespace: str, name: str, pair: KeyPair) -> JSONObject:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"namespace": namespace, "name": name},
        "type": "kubernetes.io/tls",
        "data": {"tls.crt": _b64(pair.cert_pem), "tls.key": _b64(pair.key_pem)},
    }


def ca_config_map(namespace: str, name: str, ca: KeyPair) -> JSONObject:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"namespace": namespace, "name": name},
        "data": {"ca.crt": ca.cert_pem.decode("ascii")},
    }


def setup_objects() -> list[JSONObject]:
    """Every Secret and ConfigMap of spec/infra.md a.6, in upstream's order."""
    ca1, ca2, ca3, ca4 = make_ca(), make_ca(), make_ca(), make_ca()
    return [
        tls_secret(WEB_BACKEND_NS, "certificate", make_leaf(["*"])),
        tls_secret(INFRA_NS, "tls-validity-checks-certificate", make_leaf(["*", "*.org", "*.wildcard.org"])),
        ca_config_map(WEB_BACKEND_NS, "web-backend-cm", make_ca()),
        ca_config_map(INFRA_NS, "tls-validity-checks-ca-certificate", ca1),
        tls_secret(INFRA_NS, "tls-validity-checks-client-certificate", make_leaf([], ca=ca1, client=True)),
        ca_config_map(INFRA_NS, "tls-validity-checks-per-port-ca-certificate", ca2),
        tls_secret(INFRA_NS, "tls-validity-checks-per-port-client-certificate", make_leaf([], ca=ca2, client=True)),
        ca_config_map(INFRA_NS, "tls-checks-ca-certificate", ca3),
        tls_secret(
            INFRA_NS,
            "tls-checks-certificate",
            make_leaf(["abc.example.com", "spiffe://abc.example.com/test-identity", "other.example.com"], ca=ca3),
        ),
        tls_secret(INFRA_NS, "tls-checks-client-certificate", make_leaf([], ca=ca3, client=True)),
        tls_secret(INFRA_NS, "tls-passthrough-checks-certificate", make_leaf(["abc.example.com"], ca=ca3)),
        tls_secret(APP_BACKEND_NS, "tls-passthrough-checks-certificate", make_leaf(["abc.example.com"], ca=ca3)),
        tls_secret(INFRA_NS, "tls-terminate-checks-certificate", make_leaf(["tls.example.com"], ca=ca3)),
        ca_config_map(INFRA_NS, "mismatch-ca-certificate", ca4),
    ]
