"""The RequestRedirect filter: answer with a redirect instead of forwarding.

Spec (``HTTPRequestRedirectFilter``): the ``Location`` is built from the request, each part replaced
when the filter says so: scheme (default: the request's), hostname (default: the request's Host without
its port), path (a path modifier, see :mod:`rewrites`) and port. Without a port the redirect uses the
well-known port of the filter's scheme when it names one, else the listener's port; the port is left
out of ``Location`` when it is the default of the scheme (http 80, https 443). ``statusCode`` defaults
to 302.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway.rewrites import join_target, modified_path, split_target
from conformance.local.messages import Response

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.config import Match

DEFAULT_STATUS = 302
STATUS_CODES = frozenset({301, 302, 303, 307, 308})
SCHEMES = frozenset({"http", "https"})
WELL_KNOWN_PORTS = {"http": 80, "https": 443}


def location(
    spec: dict[str, Any],
    *,
    scheme: str,
    host: str,
    listener_port: int,
    target: str,
    match: Match,
    faults: ActiveFaults,
) -> str:
    """The ``Location`` for a request (``scheme``, ``host`` without port, origin-form ``target``)."""
    wanted_scheme = spec.get("scheme")
    new_scheme = wanted_scheme if isinstance(wanted_scheme, str) and wanted_scheme else scheme
    hostname = spec.get("hostname")
    if isinstance(hostname, str) and hostname and not faults.on(FF.REDIRECT_HOSTNAME_IGNORED):
        host = hostname
    port = spec.get("port")
    if not isinstance(port, int) or isinstance(port, bool) or faults.on(FF.REDIRECT_PORT_IGNORED):
        port = None
    if port is None:
        if wanted_scheme and not faults.on(FF.REDIRECT_SCHEME_KEEPS_PORT):
            port = WELL_KNOWN_PORTS.get(new_scheme, listener_port)
        else:
            port = listener_port
    path, query = split_target(target)
    modifier = spec.get("path")
    if isinstance(modifier, dict):
        path = modified_path(modifier, path, match, drop_remainder=faults.on(FF.REDIRECT_PREFIX_DROPS_REMAINDER))
    authority = f"[{host}]" if ":" in host else host
    if WELL_KNOWN_PORTS.get(new_scheme) != port:
        authority += f":{port}"
    return f"{new_scheme}://{authority}{join_target(path, query)}"


def status_code(spec: dict[str, Any], faults: ActiveFaults) -> int:
    code = spec.get("statusCode")
    if faults.on(FF.REDIRECT_STATUS_ALWAYS_302) or not isinstance(code, int) or code not in STATUS_CODES:
        return DEFAULT_STATUS
    return code


def redirect_response(spec: dict[str, Any], where: str, faults: ActiveFaults) -> Response:
    return Response(status_code(spec, faults), [("Location", where), ("Content-Length", "0")], b"")
