"""Frontend client-certificate validation on the reference gateway's HTTPS ports.

The Gateway's ``spec.tls.frontend`` validation is per port, so it belongs to the port's server
context: with ``AllowValidOnly`` the port requires a client certificate that chains to the configured
CAs (``CERT_REQUIRED``); with ``AllowInsecureFallback`` it still asks for one but accepts any answer,
including none and a certificate that does not verify.

Python's ``ssl`` cannot express that last mode: ``CERT_OPTIONAL`` asks for a certificate but aborts the
handshake when a presented one fails verification, and there is no verify-callback API. OpenSSL has one
(``SSL_CTX_set_verify`` with a callback); :func:`accept_any_client_certificate` installs a callback
that accepts every chain through ``ctypes``, on the ``SSL_CTX`` CPython keeps right after the object
header of an ``SSLContext``. It checks that the pointer it found is that context (the verify mode read
back through OpenSSL must equal ``context.verify_mode``) and returns False when anything is not as
expected; the port then does not ask for certificates at all (logged), the closest safe behaviour.

Which listener answers is decided by SNI after the port context was chosen: OpenSSL keeps the verify
mode of the context a connection started with but verifies against the store of the context the SNI
callback switched to, so the CAs are loaded into both (:func:`configure`).
"""

from __future__ import annotations

import ctypes
import logging
import ssl
from typing import Any

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_tls as ft
from conformance.local.gateway.config import TLSConfig

log = logging.getLogger(__name__)

ALLOW_INSECURE_FALLBACK = "AllowInsecureFallback"
_SSL_VERIFY_PEER = 0x01

_VERIFY_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_void_p)


def _accept(preverify_ok: int, _store: int | None) -> int:
    if not preverify_ok:
        # The failed verification left errors on OpenSSL's per-thread queue; a later read on another
        # connection would report them as its own failure.
        _openssl().ERR_clear_error()
    return 1


_ACCEPT = _VERIFY_CALLBACK(_accept)
"""Kept for the life of the process: OpenSSL holds a raw pointer to it."""
_LIBRARY: list[Any] = []


def _openssl() -> Any:
    if not _LIBRARY:
        import _ssl

        library = ctypes.CDLL(_ssl.__file__)  # resolves libssl/libcrypto symbols through _ssl's dependencies
        library.SSL_CTX_set_verify.argtypes = [ctypes.c_void_p, ctypes.c_int, _VERIFY_CALLBACK]
        library.SSL_CTX_set_verify.restype = None
        library.SSL_CTX_get_verify_mode.argtypes = [ctypes.c_void_p]
        library.SSL_CTX_get_verify_mode.restype = ctypes.c_int
        library.ERR_clear_error.argtypes = []
        library.ERR_clear_error.restype = None
        _LIBRARY.append(library)
    return _LIBRARY[0]


def accept_any_client_certificate(context: ssl.SSLContext) -> bool:
    """Make ``context`` (verify mode CERT_OPTIONAL) accept every client certificate; False if not possible."""
    try:
        library = _openssl()
        pointer = ctypes.c_void_p.from_address(id(context) + object.__basicsize__).value
        if not pointer or library.SSL_CTX_get_verify_mode(pointer) != _SSL_VERIFY_PEER:
            return False
        library.SSL_CTX_set_verify(pointer, _SSL_VERIFY_PEER, _ACCEPT)
    except (OSError, AttributeError, ValueError) as exc:
        log.warning("local data plane: cannot install an accept-all client certificate check: %s", exc)
        return False
    return True


def validation_of(tls: TLSConfig | None, faults: ActiveFaults) -> tuple[bytes, str] | None:
    """(client CAs, mode) a port with this listener TLS config validates clients with; None: it does not."""
    if tls is None or not tls.client_ca_pem or faults.on(ft.CLIENT_CERT_NOT_REQUESTED):
        return None
    mode = tls.client_validation_mode
    if faults.on(ft.INSECURE_FALLBACK_ENFORCED):
        mode = "AllowValidOnly"
    return tls.client_ca_pem, mode


def configure(context: ssl.SSLContext, tls: TLSConfig | None, faults: ActiveFaults, *, port: bool) -> None:
    """Load the client CAs into ``context``; on the ``port`` context also set how clients are asked."""
    validation = validation_of(tls, faults)
    if validation is None:
        return
    ca_pem, mode = validation
    context.load_verify_locations(cadata=ca_pem.decode("ascii", errors="replace"))
    if not port:
        return
    if mode != ALLOW_INSECURE_FALLBACK:
        context.verify_mode = ssl.CERT_REQUIRED
        return
    context.verify_mode = ssl.CERT_OPTIONAL
    if not accept_any_client_certificate(context):
        log.warning("local data plane: AllowInsecureFallback served without asking for client certificates")
        context.verify_mode = ssl.CERT_NONE
