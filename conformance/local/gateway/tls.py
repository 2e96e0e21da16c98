"""TLS termination of the reference gateway's HTTPS listeners: certificates and SNI selection.

All HTTPS listeners on one (address, port) share one socket and one server :class:`ssl.SSLContext`
(:meth:`TLSPort.server_context`). Its ``sni_callback`` picks the listener for the ClientHello's SNI with
the rule the HTTP path uses for the Host header (``Listener.hostname``: exact > wildcard with more
labels > wildcard > no hostname) and switches the connection to that listener's context, so the client
sees that listener's certificate ("the GatewayClass MUST use the longest matching SNI out of all
available certificates", ``Listener.tls``). A connection without SNI, or with one no listener
matches, gets the no-hostname listener if the port has one; otherwise the handshake fails (the
callback raises ``unrecognized_name``, but asyncio closes the connection without flushing the alert, so
clients see an EOF). Only ``http/1.1`` is offered by ALPN for now.

``ssl`` loads certificates from files only: :class:`CertificateStore` writes each PEM pair into a
private (0700) temporary directory, loads it, and deletes the files at once; the directory is removed
when the data plane stops. Key material is never logged.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import shutil
import ssl
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import client_auth, routing
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.config import ListenerConfig, TLSConfig

log = logging.getLogger(__name__)

ALPN_PROTOCOLS = ("h2", "http/1.1")
"""Offered to clients (the data plane serves HTTP/2 on ``h2`` connections)."""


class CertificateError(ValueError):
    """A listener's certificate or key cannot be loaded (the message never contains key material)."""


def _no_password() -> bytes:
    # Without a password callback OpenSSL would prompt on the terminal for an encrypted key.
    raise CertificateError("encrypted private keys are not supported")


def _base_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    # Each connection's ALPN choice is made by the context the SNI callback switched to, so every
    # context offers the same protocols.
    context.set_alpn_protocols(ALPN_PROTOCOLS)
    return context


def tls_digest(tls: TLSConfig) -> str:
    """Identifies a certificate/key pair (and its client validation) without keeping or showing it."""
    validation = (tls.client_ca_pem or b"") + b"\0" + tls.client_validation_mode.encode()
    return hashlib.sha256(tls.certificate_pem + b"\0" + tls.key_pem + b"\0" + validation).hexdigest()


class CertificateStore:
    """Server contexts by certificate/key pair, loaded once and reused across applies."""

    def __init__(self, faults: ActiveFaults | None = None) -> None:
        self._directory: str | None = None
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._faults = faults or ActiveFaults()

    @property
    def directory(self) -> str | None:
        """The private directory PEM files pass through (created on first use), or None."""
        return self._directory

    def context_for(self, tls: TLSConfig) -> ssl.SSLContext:
        digest = tls_digest(tls)
        context = self._contexts.get(digest)
        if context is None:
            context = self._load(tls)
            self._contexts[digest] = context
        return context

    def retain(self, in_use: Iterable[TLSConfig]) -> None:
        """Forget the contexts of certificates no listener uses any more."""
        keep = {tls_digest(tls) for tls in in_use}
        for digest in [d for d in self._contexts if d not in keep]:
            del self._contexts[digest]

    def close(self) -> None:
        self._contexts.clear()
        directory, self._directory = self._directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def _private_directory(self) -> str:
        if self._directory is None:
            self._directory = tempfile.mkdtemp(prefix="gwconf-tls-")  # mode 0700
        return self._directory

    def _load(self, tls: TLSConfig) -> ssl.SSLContext:
        context = _base_context()
        if self._faults.on(ft.DEFAULT_CERTIFICATE_SERVED):
            tls = replace(tls, certificate_pem=_default_pair()[0], key_pem=_default_pair()[1])
        directory = self._private_directory()
        paths: list[str] = []
        try:
            for suffix, data in (("crt", tls.certificate_pem), ("key", tls.key_pem)):
                fd, path = tempfile.mkstemp(suffix=f".{suffix}", dir=directory)  # mode 0600
                paths.append(path)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
            context.load_cert_chain(paths[0], paths[1], password=_no_password)
            client_auth.configure(context, tls, self._faults, port=False)
        except ssl.SSLError as exc:
            # The reason (e.g. KEY_VALUES_MISMATCH) names the problem, not the material.
            raise CertificateError(f"cannot load the certificate and key: {exc.reason or exc}") from None
        finally:
            for path in paths:
                with contextlib.suppress(OSError):
                    os.unlink(path)
        return context


@functools.lru_cache(maxsize=1)
def _default_pair() -> tuple[bytes, bytes]:
    """A self-signed ``localhost`` certificate (only for the tls-default-certificate-served fault)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return certificate.public_bytes(serialization.Encoding.PEM), key_pem


@dataclass(frozen=True, slots=True)
class TLSListener:
    listener: ListenerConfig
    context: ssl.SSLContext


@dataclass(frozen=True, slots=True)
class TLSSession:
    """What the handshake of one connection decided."""

    sni: str | None
    """The server name the client asked for (lower-cased), or None without SNI."""
    listener: ListenerConfig
    """The listener whose certificate the client was served."""


class TLSPort:
    """The TLS side of one shared (address, port): the server context and the SNI choice."""

    def __init__(self, listeners: Sequence[TLSListener], faults: ActiveFaults) -> None:
        self.listeners = tuple(listeners)
        """Replaced whole on apply; each handshake reads one snapshot."""
        self.faults = faults
        self._sessions: weakref.WeakKeyDictionary[ssl.SSLObject, TLSSession] = weakref.WeakKeyDictionary()
        self.server_context = _base_context()
        """Given to the listening server; it holds no certificate, the SNI callback always switches."""
        self.server_context.sni_callback = self._on_server_name
        first = self.listeners[0].listener.tls if self.listeners else None
        self.validation = client_auth.validation_of(first, faults)
        """(client CAs, mode) of the port's frontend validation; a change needs a new server context."""
        client_auth.configure(self.server_context, first, faults, port=True)

    def select(self, sni: str | None, *, honour_faults: bool = True) -> TLSListener | None:
        """The listener whose certificate answers a ClientHello with this SNI (None: fail)."""
        candidates = self.listeners
        if not candidates:
            return None
        if honour_faults and self.faults.on(F.TLS_LISTENER_SNI_IGNORED):
            return candidates[0]
        chosen = routing.select_listener([c.listener for c in candidates], (sni or "").lower(), self.faults)
        return next((c for c in candidates if c.listener is chosen), None)

    def session_of(self, ssl_object: object) -> TLSSession | None:
        """The handshake decision of the connection ``ssl_object`` belongs to (for 421 detection)."""
        if not isinstance(ssl_object, ssl.SSLObject):
            return None
        return self._sessions.get(ssl_object)

    def _on_server_name(self, ssl_object: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> int | None:
        try:
            chosen = self.select(server_name)
            if chosen is None:
                return ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
            ssl_object.context = chosen.context
            # The session remembers the listener the SNI names (a fault may only change the certificate).
            named = self.select(server_name, honour_faults=False) or chosen
            self._sessions[ssl_object] = TLSSession(server_name.lower() if server_name else None, named.listener)
        except Exception:  # an exception here would only reach sys.unraisablehook
            log.exception("local data plane: choosing a certificate for SNI %r failed", server_name)
            return ssl.ALERT_DESCRIPTION_INTERNAL_ERROR
        return None
