"""One request and what came back, as captured from the echo backend's JSON answer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

REDIRECT_CODES = frozenset({300, 301, 302, 303, 304, 305, 307, 308})
TIMEOUT_CODES = frozenset({408, 504})


@dataclass(frozen=True, slots=True)
class SentRequest:
    method: str
    url: str
    """The URL as the suite saw it (gateway address), before any connect-to mapping."""
    host: str
    headers: Mapping[str, str]
    scheme: str
    path: str
    """Path without the query string (redirect defaults use it)."""
    protocol: str = "HTTP"

    def describe(self) -> str:
        shown = {k: v for k, v in self.headers.items() if k.lower() != "x-echo-set-header" or v}
        headers = f" headers {dict(shown)}" if shown else ""
        return f"{self.method} {self.url} (Host: {self.host}){headers}"


@dataclass(frozen=True, slots=True)
class CapturedRequest:
    """What the echo backend says it received (empty when the answer was not echo JSON)."""

    path: str = ""
    host: str = ""
    method: str = ""
    protocol: str = ""
    headers: Mapping[str, list[str]] = field(default_factory=dict)
    namespace: str = ""
    ingress: str = ""
    service: str = ""
    pod: str = ""
    http_port: str = ""
    tls: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_echo(cls, body: bytes, method_sent: str) -> CapturedRequest:
        """Parse echo-basic JSON; a body that is not JSON yields an empty capture (upstream behaviour)."""
        try:
            data = json.loads(body)
        except ValueError:
            return cls(method=method_sent)
        if not isinstance(data, dict):
            return cls(method=method_sent)
        raw_headers = data.get("headers")
        headers: dict[str, Any] = raw_headers if isinstance(raw_headers, dict) else {}
        raw_tls = data.get("tls")
        tls: dict[str, Any] = raw_tls if isinstance(raw_tls, dict) else {}
        return cls(
            path=str(data.get("path", "")),
            host=str(data.get("host", "")),
            method=str(data.get("method", "")),
            protocol=str(data.get("proto", "")),
            headers={
                str(k): [str(v) for v in (vals if isinstance(vals, list) else [vals])] for k, vals in headers.items()
            },
            namespace=str(data.get("namespace", "")),
            ingress=str(data.get("ingress", "")),
            service=str(data.get("service", "")),
            pod=str(data.get("pod", "")),
            http_port=str(data.get("httpPort", "")),
            tls=tls,
        )


@dataclass(frozen=True, slots=True)
class RedirectTarget:
    scheme: str
    host: str
    port: str
    path: str


@dataclass(frozen=True, slots=True)
class CapturedResponse:
    status_code: int
    headers: Mapping[str, list[str]]
    protocol: str
    redirect: RedirectTarget | None = None

    def header(self, name: str) -> list[str] | None:
        lowered = name.lower()
        for key, values in self.headers.items():
            if key.lower() == lowered:
                return values
        return None


def parse_location(location: str) -> RedirectTarget:
    """Split a Location header like upstream (scheme, hostname, port, path)."""
    parts = urlsplit(location)
    try:
        port = str(parts.port) if parts.port is not None else ""
    except ValueError as err:
        raise ValueError(f"unparsable Location header {location!r}: {err}") from None
    return RedirectTarget(parts.scheme, parts.hostname or "", port, parts.path)


@dataclass(frozen=True, slots=True)
class RoundTrip:
    sent: SentRequest
    request: CapturedRequest
    response: CapturedResponse
    elapsed: float

    def describe(self) -> str:
        text = f"{self.response.status_code}"
        if self.request.pod:
            text += f" from pod {self.request.pod} in {self.request.namespace or '(no namespace)'}"
        if self.response.redirect:
            r = self.response.redirect
            text += f" redirect to {r.scheme}://{r.host}{':' + r.port if r.port else ''}{r.path}"
        if self.request.path:
            text += f", backend saw {self.request.method} {self.request.path} Host {self.request.host}"
        return text
