"""TLS for the traffic probes, verifying the way upstream's Go client does.

Upstream's round tripper (Go ``crypto/tls``) trusts exactly the PEM bundle a test gives it, sends the
test's server name as SNI and checks the certificate against that name. Two rules of OpenSSL, which
Python's ``ssl`` uses, would change verdicts, so this module reproduces Go's instead:

* **Hostnames.** Go matches a DNS SAN pattern label by label: a ``*`` left-most label matches one label
  of any value, so ``*.org`` matches ``example.org``. OpenSSL refuses wildcards directly above a single
  label and would fail the suite's HTTPS tests, whose certificate carries ``*.org``. Contexts here turn
  OpenSSL's hostname check off and run :func:`go_hostname_problem` right after every handshake (inside
  the handshake call, so a mismatch is a connection failure exactly as in Go). Go also never falls back
  to the subject CN; neither does this check.
* **Trust anchors.** Go accepts a chain that ends in *any* certificate of the trusted pool, including a
  CA-signed leaf trusted directly. OpenSSL needs ``VERIFY_X509_PARTIAL_CHAIN`` for that; it is set.

A test that supplies a client certificate also asserts that the server asked for one (Go's
``GetClientCertificate`` hook). Python has no such hook; :class:`HandshakeRecord` notices the server's
CertificateRequest message through ``SSLContext._msg_callback`` (CPython's TLS message tracing, present
since 3.8). Where that is missing the assertion is skipped and says so.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shutil
import ssl
import tempfile
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509

log = logging.getLogger(__name__)

_HANDSHAKE = 22
_CERTIFICATE_REQUEST = 13


@dataclass(frozen=True, slots=True)
class TLSClientOptions:
    """What upstream's TLS helpers get: server name (SNI and verified name), trust, client certificate."""

    server_name: str
    trusted_pem: bytes
    client_cert_pem: bytes | None = None
    client_key_pem: bytes | None = None

    @property
    def has_client_certificate(self) -> bool:
        return bool(self.client_cert_pem and self.client_key_pem)


@dataclass(slots=True)
class HandshakeRecord:
    """Whether any handshake made with a context saw the server ask for a client certificate."""

    client_certificate_requested: bool = False
    observable: bool = True
    """False where the Python build cannot trace TLS messages (the request cannot be seen)."""
    handshakes: list[str] = field(default_factory=list)


def go_hostname_matches(pattern: str, host: str) -> bool:
    """Go's ``matchHostnames``: case-insensitive, trailing dots ignored, ``*`` only as a whole left-most
    label standing for exactly one label; the label counts must be equal."""
    pattern, host = pattern.lower().rstrip("."), host.lower().rstrip(".")
    if not pattern or not host:
        return False
    pattern_labels, host_labels = pattern.split("."), host.split(".")
    if len(pattern_labels) != len(host_labels):
        return False
    for index, label in enumerate(pattern_labels):
        if index == 0 and label == "*":
            continue
        if label != host_labels[index]:
            return False
    return True


def go_hostname_problem(der: bytes | None, host: str) -> str | None:
    """Why the certificate ``der`` is not valid for ``host`` under Go's rules (None: it is)."""
    if not der:
        return "the server sent no certificate"
    try:
        certificate = x509.load_der_x509_certificate(der)
        try:
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            return f"x509: certificate is not valid for {host} (it has no subjectAltName)"
    except ValueError as exc:
        return f"x509: cannot parse the server certificate: {exc}"
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    if address is not None:
        if address in san.get_values_for_type(x509.IPAddress):
            return None
        return f"x509: certificate is not valid for IP address {host}"
    names = san.get_values_for_type(x509.DNSName)
    if any(go_hostname_matches(name, host) for name in names):
        return None
    return f"x509: certificate is valid for {', '.join(names) or 'no DNS name'}, not {host}"


class GoVerifiedSSLSocket(ssl.SSLSocket):
    """An SSLSocket whose handshake also runs Go's hostname check on ``server_hostname``."""

    def do_handshake(self, block: bool = False) -> None:
        super().do_handshake(block)
        name = self.server_hostname
        if name and self.context.verify_mode != ssl.CERT_NONE:
            problem = go_hostname_problem(self.getpeercert(binary_form=True), name)
            if problem is not None:
                raise ssl.SSLCertVerificationError(problem)


def _trace(record: HandshakeRecord) -> Any:
    def callback(
        _conn: object, direction: str, _version: object, content_type: int, msg_type: int, _data: object
    ) -> None:
        if direction == "read" and content_type == _HANDSHAKE and msg_type == _CERTIFICATE_REQUEST:
            record.client_certificate_requested = True

    return callback


def client_context(options: TLSClientOptions, record: HandshakeRecord | None = None) -> ssl.SSLContext:
    """A client context trusting only ``options.trusted_pem``, with Go's verification rules."""
    if not options.server_name:
        raise ValueError("an https request needs a server name")
    if not options.trusted_pem:
        raise ValueError("an https request needs trusted certificates")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False  # GoVerifiedSSLSocket checks the name instead
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.sslsocket_class = GoVerifiedSSLSocket
    try:
        context.load_verify_locations(cadata=options.trusted_pem.decode("ascii", errors="replace"))
    except ssl.SSLError as exc:
        raise ValueError(f"the trusted certificates cannot be loaded: {exc}") from None
    if options.has_client_certificate:
        assert options.client_cert_pem is not None and options.client_key_pem is not None
        _load_client_certificate(context, options.client_cert_pem, options.client_key_pem)
    if record is not None:
        if hasattr(context, "_msg_callback"):
            context._msg_callback = _trace(record)
        else:
            record.observable = False
    return context


def _load_client_certificate(context: ssl.SSLContext, cert_pem: bytes, key_pem: bytes) -> None:
    """``ssl`` loads key pairs from files only: write them to a private directory, load, delete."""
    directory = tempfile.mkdtemp(prefix="gwconf-probe-")  # mode 0700
    try:
        paths = []
        for name, data in (("client.crt", cert_pem), ("client.key", key_pem)):
            path = os.path.join(directory, name)
            with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as handle:
                handle.write(data)
            paths.append(path)
        context.load_cert_chain(paths[0], paths[1])
    except ssl.SSLError as exc:
        raise ValueError(f"the client certificate cannot be loaded: {exc.reason or exc}") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
