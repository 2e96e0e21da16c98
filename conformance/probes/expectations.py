"""What a test expects from one request (upstream ``http.ExpectedResponse`` and friends)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from conformance.infra import INFRA_NS


@dataclass(frozen=True, slots=True)
class Request:
    """A request to send. ``path`` may carry a query string; ``host`` sets the Host header."""

    path: str = "/"
    host: str = ""
    method: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    unfollow_redirect: bool = False
    protocol: str = ""
    """``HTTP`` (default), ``HTTPS``, ``H2`` or ``H2C_PRIOR_KNOWLEDGE``."""
    body: str = ""
    sni: str = ""
    """Only inside ExpectedRequest: the SNI the backend must have seen."""
    client_cert: str = ""
    """Only inside ExpectedRequest: a PEM the backend must have seen among the peer certificates."""


@dataclass(frozen=True, slots=True)
class ExpectedRequest:
    """What must arrive at the backend (upstream ``ExpectedRequest``).

    ``path`` falls back to the path that was sent; ``method`` defaults to GET as upstream; other empty
    fields are not checked. Without an ExpectedRequest the sent Request itself is what must arrive.
    """

    path: str | None = None
    host: str = ""
    method: str = ""
    headers: Mapping[str, str] | None = None
    absent_headers: tuple[str, ...] = ()
    http_port: str = ""
    sni: str = ""
    client_cert: str = ""


@dataclass(frozen=True, slots=True)
class RedirectRequest:
    """Where a redirect must point; empty fields are not checked (or default as upstream does)."""

    scheme: str = ""
    host: str = ""
    port: str = ""
    path: str = ""


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int = 0
    """Deprecated single value, merged into status_codes (as upstream)."""
    status_codes: tuple[int, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    valid_header_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    absent_headers: tuple[str, ...] = ()
    protocol: str = ""
    ignore_whitespace: bool = False

    @property
    def codes(self) -> tuple[int, ...]:
        codes = tuple(self.status_codes)
        if self.status_code and self.status_code not in codes:
            codes += (self.status_code,)
        return codes or (200,)


@dataclass(frozen=True, slots=True)
class ExpectedResponse:
    """One traffic expectation: send ``request``; the round trip must satisfy everything else.

    Usage::

        ExpectedResponse(request=Request(path="/v2", host="example.com"),
                         response=Response(status_code=200),
                         backend="infra-backend-v2", namespace="gateway-conformance-infra")
    """

    request: Request = field(default_factory=Request)
    response: Response = field(default_factory=Response)
    expected_request: ExpectedRequest | None = None
    redirect_request: RedirectRequest | None = None
    backend: str = ""
    """Required prefix of the pod name that answered ("" matches any)."""
    namespace: str = ""
    """Required namespace of the pod that answered (checked on 200/204)."""
    backend_set_response_headers: Mapping[str, str] = field(default_factory=dict)
    """Headers the echo backend is asked to add to its response (X-Echo-Set-Header)."""
    test_case_name: str = ""

    def case_name(self, index: int) -> str:
        """Upstream GetTestCaseName: the subtest name."""
        if self.test_case_name:
            return self.test_case_name
        with_headers = " with headers" if self.request.headers else ""
        text = f"{index} request to '{self.request.host}{self.request.path}'{with_headers}"
        if self.backend:
            return f"{text} should go to {self.backend}"
        return f"{text} should receive one of {list(self.response.codes)}"


def redirect_case(
    path: str, status: int, where: RedirectRequest, *, method: str = "", namespace: str = INFRA_NS
) -> ExpectedResponse:
    """A request that must be answered with redirect ``status`` pointing ``where`` (not followed)."""
    return ExpectedResponse(
        request=Request(path=path, method=method, unfollow_redirect=True),
        response=Response(status_code=status),
        redirect_request=where,
        namespace=namespace,
    )
