"""``HTTPProbe``: send requests to a Gateway and wait until the answers match (the ``http`` fixture)."""

from __future__ import annotations

import logging
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import httpx

from conformance.clock import Clock, RealClock
from conformance.probes.compare import compare_round_trip
from conformance.probes.connect import ConnectTo
from conformance.probes.roundtrip import (
    REDIRECT_CODES,
    TIMEOUT_CODES,
    CapturedRequest,
    CapturedResponse,
    RoundTrip,
    SentRequest,
    parse_location,
)
from conformance.probes.tls import HandshakeRecord, TLSClientOptions, client_context
from conformance.probes.websocket import WebSocketClient, WebSocketError

if TYPE_CHECKING:
    import pytest

    from conformance.probes.expectations import ExpectedResponse, Request
    from conformance.timeouts import TimeoutConfig

log = logging.getLogger(__name__)


class ProbeFailure(AssertionError):
    """Traffic never matched the expectation; the message says what was sent, expected and received."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """The outcome of one try inside a convergence wait."""

    ok: bool
    detail: str
    """What came back and, if not ok, why it does not match."""


def _split_address(address: str) -> tuple[str, int | None]:
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    host, sep, port = address.rpartition(":")
    if sep and port.isdigit() and host and ":" not in host:
        return host, int(port)
    return address, None


class HTTPProbe:
    """Traffic to Gateways. One per session: it holds the connection settings and timeouts."""

    def __init__(
        self,
        timeouts: TimeoutConfig,
        *,
        connect_to: ConnectTo | None = None,
        clock: Clock | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.timeouts = timeouts
        self._connect_to = connect_to or ConnectTo()
        self._clock = clock or RealClock()
        self._transport = transport
        # Upstream opens a fresh connection per request (keep-alives off): listener selection and load
        # balancing happen per connection in many proxies, so reuse would change what is measured.
        self._client = httpx.Client(
            transport=transport,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            timeout=timeouts.request_timeout,
        )

    def close(self) -> None:
        self._client.close()

    # --- one request -----------------------------------------------------------------------------

    def build(self, gateway_address: str, expected: ExpectedResponse, *, scheme: str = "http") -> SentRequest:
        """Upstream MakeRequest: the URL targets the Gateway address, the Host header says the hostname."""
        request = expected.request
        host, port = _split_address(gateway_address)
        default_port = 443 if scheme == "https" else 80
        netloc = f"[{host}]" if ":" in host else host
        if port is not None and port != default_port:
            netloc += f":{port}"
        path, _, query = request.path.partition("?")
        url = f"{scheme}://{netloc}{path or '/'}" + (f"?{query}" if query else "")
        headers = dict(request.headers)
        echo_set = ",".join(f"{k}:{v}" for k, v in expected.backend_set_response_headers.items())
        headers["X-Echo-Set-Header"] = echo_set
        return SentRequest(
            method=request.method or "GET",
            url=url,
            host=request.host or netloc,
            headers=headers,
            scheme=scheme,
            path=path,
            protocol=request.protocol or "HTTP",
        )

    def _client_for(
        self, sent: SentRequest, tls: TLSClientOptions | None, record: HandshakeRecord | None
    ) -> httpx.Client:
        """The shared plain HTTP/1.1 client, or a new one for TLS (its own trust and client certificate),
        HTTP/2 over TLS (``H2``) or HTTP/2 with prior knowledge (``H2C_PRIOR_KNOWLEDGE``)."""
        http2 = sent.protocol in ("H2", "H2C_PRIOR_KNOWLEDGE")
        if tls is None and not http2:
            return self._client
        if sent.protocol == "H2C_PRIOR_KNOWLEDGE" and tls is not None:
            raise ValueError("h2c prior knowledge is not encrypted: it takes no TLS settings")
        return httpx.Client(
            transport=self._transport,
            verify=client_context(tls, record) if tls is not None else True,
            http1=not http2,
            http2=http2,
            trust_env=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            timeout=self.timeouts.request_timeout,
        )

    def round_trip(
        self,
        sent: SentRequest,
        *,
        follow_redirects: bool = True,
        tls: TLSClientOptions | None = None,
        record: HandshakeRecord | None = None,
    ) -> RoundTrip:
        """Send once. Transport errors (refused, reset, timeout, TLS) raise httpx.TransportError.

        With ``tls`` the request goes over TLS with that SNI, trust and client certificate (upstream's
        ``HTTPS`` and ``H2`` protocols); ``record`` notes whether the server asked for a certificate.
        """
        parsed = httpx.URL(sent.url)
        default_port = 443 if parsed.scheme == "https" else 80
        target_host, target_port = self._connect_to.resolve(parsed.host, parsed.port or default_port)
        url = parsed.copy_with(host=target_host, port=None if target_port == default_port else target_port)
        headers = {"Host": sent.host, **{k: v for k, v in sent.headers.items() if k.lower() != "host"}}
        client = self._client_for(sent, tls, record)
        extensions = {"sni_hostname": tls.server_name} if tls is not None else None
        start = self._clock.monotonic()
        try:
            response = client.request(
                sent.method,
                url,
                headers=headers,
                follow_redirects=follow_redirects,
                extensions=extensions,
            )
        finally:
            if client is not self._client:
                client.close()
        elapsed = self._clock.monotonic() - start
        content_type = response.headers.get("content-type", "")
        body = response.content
        captured = (
            CapturedRequest.from_echo(body, sent.method)
            if content_type == "application/json"
            else CapturedRequest(method=sent.method)
        )
        redirect = None
        if response.status_code in REDIRECT_CODES and "location" in response.headers:
            redirect = parse_location(response.headers["location"])
        headers_seen: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            headers_seen.setdefault(name, []).append(value)
        protocol = {"HTTP/1.1": "HTTP/1.1", "HTTP/2": "HTTP/2.0", "HTTP/1.0": "HTTP/1.0"}.get(
            response.http_version, response.http_version
        )
        return RoundTrip(
            sent, captured, CapturedResponse(response.status_code, headers_seen, protocol, redirect), elapsed
        )

    # --- eventual consistency --------------------------------------------------------------------

    def await_convergence(self, attempt: Callable[[], Attempt], *, what: str) -> None:
        """Upstream AwaitConvergence: RequiredConsecutiveSuccesses in a row within MaxTimeToConsistency."""
        __tracebackhide__ = True
        need = self.timeouts.required_consecutive_successes
        limit = self.timeouts.max_time_to_consistency
        start = self._clock.monotonic()
        attempts = streak = best = 0
        last = "no attempt finished"
        while True:
            result = attempt()
            attempts += 1
            if result.ok:
                streak += 1
                best = max(best, streak)
                if streak >= need:
                    return
                continue  # successes are retried at once, as upstream
            streak = 0
            last = result.detail
            elapsed = self._clock.monotonic() - start
            if elapsed >= limit:
                raise ProbeFailure(
                    f"{what}\n  tried for {elapsed:.1f}s ({attempts} attempts, longest run of matches {best}/{need}; "
                    f"MaxTimeToConsistency {limit:g}s)\n  last result: {last}"
                )
            log.debug("not consistent yet after %.1fs: %s", elapsed, last)
            self._clock.sleep(self.timeouts.default_poll_interval)

    def expect_eventually_consistent_response(
        self, gateway_address: str, expected: ExpectedResponse, *, scheme: str = "http"
    ) -> None:
        """Send the request until the answer matches ``expected`` RequiredConsecutiveSuccesses times in a row."""
        __tracebackhide__ = True
        sent = self.build(gateway_address, expected, scheme=scheme)

        def attempt() -> Attempt:
            try:
                rt = self.round_trip(sent, follow_redirects=not expected.request.unfollow_redirect)
            except httpx.HTTPError as err:
                return Attempt(False, f"request failed: {type(err).__name__}: {err}")
            except ValueError as err:
                return Attempt(False, f"bad response: {err}")
            problem = compare_round_trip(expected, rt)
            return Attempt(problem is None, f"{rt.describe()}: {problem}" if problem else rt.describe())

        self.await_convergence(attempt, what=f"{sent.describe()}\n  expected: {describe_expectation(expected)}")

    def expect_each(
        self,
        gateway_address: str,
        cases: Sequence[ExpectedResponse],
        subtests: pytest.Subtests,
        *,
        scheme: str = "http",
    ) -> None:
        """Each case as its own subtest (named as upstream names it), so one mismatch does not hide the rest."""
        for i, case in enumerate(cases):
            with subtests.test(msg=case.case_name(i)):
                self.expect_eventually_consistent_response(gateway_address, case, scheme=scheme)

    def expect_eventually_consistent_tls_response(
        self, gateway_address: str, expected: ExpectedResponse, tls: TLSClientOptions
    ) -> None:
        """Upstream MakeTLSRequestAndExpectEventuallyConsistentResponse: HTTPS (or H2) with ``tls``; with a
        client certificate the server must also have asked for it."""
        __tracebackhide__ = True
        sent = self.build(gateway_address, expected, scheme="https")
        if sent.protocol == "HTTP":
            sent = replace(sent, protocol="HTTPS")
        record = HandshakeRecord()

        def attempt() -> Attempt:
            try:
                rt = self.round_trip(
                    sent, follow_redirects=not expected.request.unfollow_redirect, tls=tls, record=record
                )
            except httpx.HTTPError as err:
                return Attempt(False, f"request failed: {type(err).__name__}: {err}")
            except ValueError as err:
                return Attempt(False, f"bad response: {err}")
            problem = compare_round_trip(expected, rt)
            return Attempt(problem is None, f"{rt.describe()}: {problem}" if problem else rt.describe())

        what = f"{sent.describe()} over TLS (SNI {tls.server_name})\n  expected: {describe_expectation(expected)}"
        self.await_convergence(attempt, what=what)
        self._client_certificate_must_have_been_requested(tls, record, sent)

    def expect_eventually_consistent_tls_failure(
        self, gateway_address: str, expected: ExpectedResponse, tls: TLSClientOptions
    ) -> None:
        """Upstream MakeTLSRequestAndExpectEventuallyConsistentFailureResponse: every attempt must fail at
        the transport level (handshake refused, connection closed), RequiredConsecutiveSuccesses times."""
        __tracebackhide__ = True
        sent = self.build(gateway_address, expected, scheme="https")
        if sent.protocol == "HTTP":
            sent = replace(sent, protocol="HTTPS")
        record = HandshakeRecord()

        def attempt() -> Attempt:
            try:
                rt = self.round_trip(
                    sent, follow_redirects=not expected.request.unfollow_redirect, tls=tls, record=record
                )
            except httpx.HTTPError as err:
                return Attempt(True, f"failed as expected: {type(err).__name__}: {err}")
            return Attempt(False, f"unexpectedly answered: {rt.describe()}")

        what = f"{sent.describe()} over TLS (SNI {tls.server_name})\n  expected: the request to fail"
        self.await_convergence(attempt, what=what)
        self._client_certificate_must_have_been_requested(tls, record, sent)

    @staticmethod
    def _client_certificate_must_have_been_requested(
        tls: TLSClientOptions, record: HandshakeRecord, sent: SentRequest
    ) -> None:
        __tracebackhide__ = True
        if not tls.has_client_certificate:
            return
        if not record.observable:
            log.warning("this Python cannot trace TLS messages: not checking that a client certificate was asked for")
            return
        if not record.client_certificate_requested:
            raise ProbeFailure(f"{sent.describe()}: the server never asked for the client certificate")

    def expect_websocket_echo(
        self,
        gateway_address: str,
        *,
        path: str = "/ws",
        origin: str = "ws://gateway/",
        messages: tuple[str | bytes, ...] = ("Websocket Support!", bytes([1, 2, 3, 4, 5, 6, 7])),
    ) -> None:
        """Dial ``ws://<gateway><path>``, send each message, and want each back unchanged, consistently."""
        __tracebackhide__ = True
        host, port = _split_address(gateway_address)
        netloc = f"[{host}]" if ":" in host else host
        if port is not None and port != 80:
            netloc += f":{port}"
        target = self._connect_to.resolve(host, port or 80)

        def attempt() -> Attempt:
            try:
                client = WebSocketClient.connect(target, netloc, path, origin, self.timeouts.request_timeout)
            except (OSError, WebSocketError) as err:
                return Attempt(False, f"dial failed: {err}")
            try:
                for message in messages:
                    client.send(message)
                    reply = client.receive()
                    if reply != message:
                        return Attempt(False, f"sent {message!r}, got back {reply!r}")
            except (OSError, WebSocketError) as err:
                return Attempt(False, f"exchange failed: {err}")
            finally:
                client.close()
            return Attempt(True, "every message came back")

        self.await_convergence(
            attempt, what=f"WebSocket ws://{netloc}{path} (Origin {origin}) echoing {list(messages)}"
        )

    def expect_failure(self, gateway_address: str, request: Request, *, scheme: str = "http") -> None:
        """Upstream MakeRequestAndExpectFailure: consistently neither 200 nor a timeout code; a 200 fails at once."""
        __tracebackhide__ = True
        from conformance.probes.expectations import ExpectedResponse

        sent = self.build(gateway_address, ExpectedResponse(request=request), scheme=scheme)

        def attempt() -> Attempt:
            try:
                rt = self.round_trip(sent, follow_redirects=not request.unfollow_redirect)
            except httpx.HTTPError as err:
                return Attempt(False, f"request failed: {type(err).__name__}: {err}")
            if rt.response.status_code == 200:
                raise ProbeFailure(f"{sent.describe()} should fail, but returned 200: {rt.describe()}")
            if rt.response.status_code in TIMEOUT_CODES:
                return Attempt(False, f"{rt.response.status_code} (a timeout, not a failure)")
            return Attempt(True, rt.describe())

        self.await_convergence(attempt, what=f"{sent.describe()}\n  expected: a failure (any status but 200/408/504)")


def describe_expectation(expected: ExpectedResponse) -> str:
    parts = [f"status {' or '.join(str(c) for c in expected.response.codes)}"]
    if expected.backend:
        parts.append(f"from pod {expected.backend}*")
    if expected.namespace:
        parts.append(f"in {expected.namespace}")
    want = expected.expected_request
    if want is not None:
        if want.path is not None:
            parts.append(f"backend path {want.path}")
        if want.host:
            parts.append(f"backend Host {want.host}")
        if want.headers:
            parts.append(f"backend headers {dict(want.headers)}")
        if want.absent_headers:
            parts.append(f"without {', '.join(want.absent_headers)}")
    if expected.redirect_request is not None:
        parts.append(f"redirect {expected.redirect_request}")
    if expected.response.headers:
        parts.append(f"response headers {dict(expected.response.headers)}")
    return ", ".join(parts)


def with_entropy(expected: ExpectedResponse) -> ExpectedResponse:
    """Upstream AddEntropy: half the requests carry a random X-Jitter header (defeats response caches)."""
    if random.random() < 0.5:
        return expected
    headers = {**expected.request.headers, "X-Jitter": uuid.uuid4().hex}
    return replace(expected, request=replace(expected.request, headers=headers))
