"""Does a round trip satisfy an expectation? Upstream's ``CompareRoundTrip``, rule for rule.

Returns None when it does, else one sentence saying the first thing that differs (as upstream stops at
the first difference). The rules matter for verdicts, so they are kept exactly, including the quirks:
408 and 504 count as each other, backend and namespace are only checked on 200/204, and redirects are
only inspected when the test gave a RedirectRequest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.probes.roundtrip import REDIRECT_CODES, TIMEOUT_CODES

if TYPE_CHECKING:
    from collections.abc import Mapping

    from conformance.probes.expectations import ExpectedResponse
    from conformance.probes.roundtrip import RoundTrip


def _lower(headers: Mapping[str, list[str]]) -> dict[str, list[str]]:
    return {k.lower(): v for k, v in headers.items()}


def compare_round_trip(expected: ExpectedResponse, rt: RoundTrip) -> str | None:
    codes = expected.response.codes
    status = rt.response.status_code
    if status in TIMEOUT_CODES and any(c in TIMEOUT_CODES for c in codes):
        return None
    if status not in codes:
        return f"expected status code to be one of {list(codes)}, got {status}"
    if expected.response.protocol and expected.response.protocol != rt.response.protocol:
        return f"expected protocol to be {expected.response.protocol}, got {rt.response.protocol}"
    if status in (200, 204):
        return _compare_backend_view(expected, rt)
    if status in REDIRECT_CODES and expected.redirect_request is not None:
        return _compare_redirect(expected, rt)
    return None


def _compare_backend_view(expected: ExpectedResponse, rt: RoundTrip) -> str | None:
    sent = expected.request
    want = expected.expected_request
    want_host = want.host if want and want.host else ("" if want else sent.host)
    want_path = want.path if want and want.path is not None else sent.path
    want_method = (want.method if want and want.method else ("" if want else sent.method)) or "GET"
    want_headers = want.headers if want and want.headers is not None else (None if want else sent.headers or None)
    got = rt.request
    if want_host and want_host != got.host:
        return f"expected host to be {want_host}, got {got.host}"
    if want_path != got.path:
        return f"expected path to be {want_path}, got {got.path}"
    if want_method != got.method:
        return f"expected method to be {want_method}, got {got.method}"
    if expected.namespace != got.namespace:
        return f"expected namespace to be {expected.namespace!r}, got {got.namespace!r}"
    request_headers = _lower(got.headers)
    if want_headers:
        if not got.headers:
            return f"no headers captured, expected {len(want_headers)}"
        for name, value in want_headers.items():
            actual = request_headers.get(name.lower())
            if actual is None:
                return f"expected request header {name} to be set, backend saw {dict(got.headers)}"
            if ",".join(actual) != value:
                return f"expected request header {name} to be {value!r}, got {','.join(actual)!r}"
    if want and want.http_port and want.http_port != got.http_port:
        return f"expected httpPort {want.http_port!r}, got {got.http_port!r}"
    problem = _compare_response_headers(expected, rt)
    if problem:
        return problem
    for name in want.absent_headers if want else ():
        if name.lower() in request_headers:
            return f"expected request header {name} to be absent, got {request_headers[name.lower()]}"
    if not got.pod.startswith(expected.backend):
        return f"expected pod name to start with {expected.backend}, got {got.pod!r}"
    # Without an ExpectedRequest upstream compares against the Request itself, SNI and client cert included.
    want_sni = want.sni if want else sent.sni
    want_cert = want.client_cert if want else sent.client_cert
    if want_sni and want_sni != str(got.tls.get("serverName", "")):
        return f"expected SNI {want_sni!r}, backend saw {got.tls.get('serverName', '')!r}"
    if want_cert and want_cert not in (got.tls.get("peerCertificates") or []):
        return "expected client certificate was not seen by the backend"
    return None


def _compare_response_headers(expected: ExpectedResponse, rt: RoundTrip) -> str | None:
    response = expected.response
    headers = _lower(rt.response.headers)

    def normal(value: str) -> str:
        return value.replace(" ", "") if response.ignore_whitespace else value

    for name, allowed in response.valid_header_values.items():
        actual = headers.get(name.lower())
        if actual is None:
            return f"expected response header {name} to be set, got {dict(rt.response.headers)}"
        if normal(",".join(actual)) not in [normal(v) for v in allowed]:
            return f"expected response header {name} to be one of {list(allowed)}, got {','.join(actual)!r}"
    for name, value in response.headers.items():
        actual = headers.get(name.lower())
        if actual is None:
            return f"expected response header {name} to be set, got {dict(rt.response.headers)}"
        if normal(",".join(actual)) != normal(value):
            return f"expected response header {name} to be {value!r}, got {','.join(actual)!r}"
    for name in response.absent_headers:
        if name.lower() in headers:
            return f"expected response header {name} to be absent, got {headers[name.lower()]}"
    return None


def _compare_redirect(expected: ExpectedResponse, rt: RoundTrip) -> str | None:
    want = expected.redirect_request
    got = rt.response.redirect
    if want is None:
        return None
    if got is None:
        return f"expected a redirect with a Location header, got status {rt.response.status_code} without one"
    host = want.host or got.host
    scheme = want.scheme or rt.sent.scheme
    path = want.path or rt.sent.path
    if host != got.host:
        return f"expected redirected hostname to be {host!r}, got {got.host!r}"
    if not want.port:
        if got.scheme.lower() == "http" and got.port not in ("80", ""):
            return f"for http scheme, expected redirected port to be 80 or not set, got {got.port!r}"
        if got.scheme.lower() == "https" and got.port not in ("443", ""):
            return f"for https scheme, expected redirected port to be 443 or not set, got {got.port!r}"
    elif want.port != got.port:
        return f"expected redirected port to be {want.port!r}, got {got.port!r}"
    if scheme != got.scheme:
        return f"expected redirected scheme to be {scheme!r}, got {got.scheme!r}"
    if path != got.path:
        return f"expected redirected path to be {path!r}, got {got.path!r}"
    return None
