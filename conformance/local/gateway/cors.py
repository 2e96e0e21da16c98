"""The CORS filter: the gateway answers preflights itself and decorates answers to cross-origin requests.

Spec (``HTTPCORSFilter``): an origin matches ``allowOrigins`` when scheme, host and port agree (ports
default to the scheme's: 80 for http, 443 for https); a ``*`` in a host is a greedy match to the left
(``https://*.bar.com`` matches ``https://a.b.bar.com``) and ``*`` alone matches every origin. A preflight
(``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is answered 204 by the gateway: with
the ``Access-Control-*`` headers when the origin is allowed, without them otherwise. Other requests with
an allowed ``Origin`` get ``Access-Control-Allow-Origin`` (plus credentials and expose headers) on the
backend's answer. With ``allowCredentials`` true a wildcard is never sent back: the origin, the
requested method and the requested headers are echoed instead. ``maxAge`` defaults to 5 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from conformance.local.gateway import faults_filters as FF
from conformance.local.messages import Response

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults

DEFAULT_MAX_AGE = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}
Headers = list[tuple[str, str]]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


@dataclass(frozen=True, slots=True)
class Policy:
    origins: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    expose: tuple[str, ...] = ()
    credentials: bool = False
    max_age: int = DEFAULT_MAX_AGE

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Policy:
        max_age = spec.get("maxAge")
        return cls(
            origins=_strings(spec.get("allowOrigins")),
            methods=_strings(spec.get("allowMethods")),
            headers=_strings(spec.get("allowHeaders")),
            expose=_strings(spec.get("exposeHeaders")),
            credentials=spec.get("allowCredentials") is True,
            max_age=max_age if isinstance(max_age, int) and not isinstance(max_age, bool) else DEFAULT_MAX_AGE,
        )


def _origin_parts(origin: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port if port is not None else _DEFAULT_PORTS[scheme]


def _pattern_parts(pattern: str) -> tuple[str, str, int] | None:
    scheme, sep, rest = pattern.strip().partition("://")
    if not sep or scheme.lower() not in _DEFAULT_PORTS:
        return None
    host, colon, port = rest.rstrip("/").rpartition(":")
    if not colon or not port.isdigit():
        host, port = rest.rstrip("/"), str(_DEFAULT_PORTS[scheme.lower()])
    return scheme.lower(), host.lower(), int(port)


def origin_allowed(policy: Policy, origin: str) -> bool:
    if "*" in policy.origins:
        return True
    parsed = _origin_parts(origin)
    if parsed is None:
        return False
    for pattern in policy.origins:
        wanted = _pattern_parts(pattern)
        if wanted is None or wanted[0] != parsed[0] or wanted[2] != parsed[2]:
            continue
        host = wanted[1]
        if host == parsed[1] or host == "*":
            return True
        if host.startswith("*") and parsed[1].endswith(host[1:]) and len(parsed[1]) > len(host) - 1:
            return True
    return False


def header_values(headers: Headers | tuple[tuple[str, str], ...], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def is_preflight(method: str, headers: Headers | tuple[tuple[str, str], ...]) -> bool:
    return (
        method == "OPTIONS"
        and bool(header_values(headers, "Origin"))
        and bool(header_values(headers, "Access-Control-Request-Method"))
    )


def _wildcard_answer(configured: tuple[str, ...], requested: str, policy: Policy, faults: ActiveFaults) -> str:
    """The value for a list that may be ``*``: the request's own value is echoed (a wildcard answer is
    only allowed without credentials, and "" means the header is left out)."""
    if "*" in configured:
        if faults.on(FF.CORS_WILDCARD_WITH_CREDENTIALS):
            return "*"
        return requested or ("" if policy.credentials else "*")
    return ", ".join(configured)


def _common(policy: Policy, origin: str, faults: ActiveFaults) -> Headers:
    allow_origin = _wildcard_answer(policy.origins, origin, policy, faults) if "*" in policy.origins else origin
    found: Headers = [("Access-Control-Allow-Origin", allow_origin)]
    if policy.credentials:
        found.append(("Access-Control-Allow-Credentials", "true"))
    expose = [h for h in policy.expose if h != "*" or not policy.credentials]
    if expose:
        found.append(("Access-Control-Expose-Headers", ", ".join(expose)))
    return found


def preflight_response(
    policy: Policy, headers: Headers | tuple[tuple[str, str], ...], faults: ActiveFaults
) -> Response:
    origin = header_values(headers, "Origin")[0]
    answer: Headers = [("Vary", "Origin")]
    if origin_allowed(policy, origin):
        answer += _common(policy, origin, faults)
        method = header_values(headers, "Access-Control-Request-Method")[0].strip()
        methods = _wildcard_answer(policy.methods, method, policy, faults)
        if methods:
            answer.append(("Access-Control-Allow-Methods", methods))
        requested = ", ".join(v.strip() for v in header_values(headers, "Access-Control-Request-Headers"))
        allow_headers = _wildcard_answer(policy.headers, requested, policy, faults)
        if allow_headers:
            answer.append(("Access-Control-Allow-Headers", allow_headers))
        answer.append(("Access-Control-Max-Age", str(policy.max_age)))
    return Response(204, answer, b"")


def response_headers(policy: Policy, request_headers: tuple[tuple[str, str], ...], faults: ActiveFaults) -> Headers:
    """Headers to add to the answer of an actual (not preflight) request; empty when it is not cross-origin
    from an allowed origin."""
    origins = header_values(request_headers, "Origin")
    if not origins or not origin_allowed(policy, origins[0]):
        return []
    return [("Vary", "Origin"), *_common(policy, origins[0], faults)]
