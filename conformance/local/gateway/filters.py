"""Serving a request by the rule routing chose: HTTPRoute filters, backend choice, forwarding.

Spec (``HTTPRouteRule.filters``, ``HTTPBackendRef.filters``): the rule's filters run in the order they
are listed, then a backendRef is chosen and its own filters run (only for requests sent to it), then the
request is forwarded under the rule's timeouts and retry policy (:mod:`retries`). What each filter does:

- ``RequestHeaderModifier`` / ``ResponseHeaderModifier``: ``set`` replaces every value of a header,
  ``add`` appends a value, ``remove`` drops the header; names are case-insensitive, and of several
  entries with equivalent names only the first counts. Response modifiers apply to whatever answer the
  rule produces.
- ``RequestRedirect``: answer with a redirect (:mod:`redirects`), nothing is forwarded.
- ``URLRewrite``: replace the Host header and/or the path (:mod:`rewrites`) of the forwarded request.
- ``RequestMirror``: send a copy of the request as it is at that point to the mirror backend
  (:mod:`mirrors`).
- ``CORS``: preflights are answered by the gateway, other answers get the CORS headers (:mod:`cors`).
- ``ExtensionRef`` and ``ExternalAuth``: not implemented here; requests they would process get a 500
  (the spec: such a filter must not be skipped, and external auth fails closed).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conformance.local.gateway import cors, mirrors, proxy, redirects, retries
from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway.balancer import Failure, Target
from conformance.local.gateway.rewrites import join_target, modified_path, split_target
from conformance.local.messages import DEFAULT_TIMEOUTS, Request, Response, Timeouts, text_response

if TYPE_CHECKING:
    from conformance.local.faults import ActiveFaults
    from conformance.local.gateway.balancer import Balancers
    from conformance.local.gateway.config import Backend, ListenerConfig, Rule
    from conformance.local.gateway.routing import RequestFacts, Selection

JSONObject = dict[str, Any]
Headers = list[tuple[str, str]]

#: Filter types whose behaviour this gateway cannot provide: requests they apply to get a 500.
FAIL_CLOSED = frozenset({"ExtensionRef", "ExternalAuth"})


def _dict(value: Any) -> JSONObject:
    return value if isinstance(value, dict) else {}


def _entries(value: Any) -> list[tuple[str, str]]:
    """(name, value) of a header modifier's ``set``/``add`` list, first of equivalent names only."""
    seen: set[str] = set()
    found = []
    for item in value if isinstance(value, list) else ():
        name, text = _dict(item).get("name"), _dict(item).get("value")
        if not isinstance(name, str) or not name or name.lower() in seen:
            continue
        seen.add(name.lower())
        found.append((name, text if isinstance(text, str) else ""))
    return found


def modify_headers(
    headers: Sequence[tuple[str, str]], spec: JSONObject, faults: ActiveFaults, *, response: bool
) -> Headers:
    """``headers`` after an HTTPHeaderFilter (``requestHeaderModifier`` / ``responseHeaderModifier``)."""
    sensitive = faults.on(FF.HEADER_MODIFIER_NAMES_CASE_SENSITIVE)

    def same(a: str, b: str) -> bool:
        return a == b if sensitive else a.lower() == b.lower()

    result = list(headers)
    for name, value in _entries(spec.get("set")):
        if not faults.on(FF.HEADER_SET_APPENDS):
            result = [(n, v) for n, v in result if not same(n, name)]
        result.append((name, value))
    for name, value in _entries(spec.get("add")):
        if response and faults.on(FF.RESPONSE_HEADER_ADD_REPLACES):
            result = [(n, v) for n, v in result if not same(n, name)]
        result.append((name, value))
    removed = [n for n in spec.get("remove") or () if isinstance(n, str)]
    return [(n, v) for n, v in result if not any(same(n, r) for r in removed)]


@dataclass(slots=True)
class _Exchange:
    """One request on its way through a rule."""

    request: Request
    facts: RequestFacts
    listener: ListenerConfig
    selection: Selection
    outgoing: proxy.Outgoing
    faults: ActiveFaults
    timeouts: Timeouts
    response_modifiers: list[JSONObject] = field(default_factory=list)
    mirrored: int = 0
    """RequestMirror filters of the rule met so far (the index into ``rule.mirrors``)."""

    def apply(self, spec: JSONObject, *, rule_level: bool) -> Response | None:
        """Run one filter on the request; a Response ends the exchange (redirects, unsupported filters)."""
        kind = spec.get("type")
        faults = self.faults
        if kind == "RequestHeaderModifier":
            modifier = _dict(spec.get("requestHeaderModifier"))
            self.outgoing.headers = modify_headers(self.outgoing.headers, modifier, faults, response=False)
        elif kind == "ResponseHeaderModifier":
            self.response_modifiers.append(_dict(spec.get("responseHeaderModifier")))
        elif kind == "URLRewrite":
            self._rewrite(_dict(spec.get("urlRewrite")))
        elif kind == "RequestRedirect":
            return self._redirect(_dict(spec.get("requestRedirect")))
        elif kind == "RequestMirror" and rule_level:
            self._mirror(_dict(spec.get("requestMirror")))
        elif kind in FAIL_CLOSED:
            return text_response(500, f"the {kind} filter is not available on this gateway\n")
        return None

    def _rewrite(self, spec: JSONObject) -> None:
        hostname = spec.get("hostname")
        if isinstance(hostname, str) and hostname and not self.faults.on(FF.REWRITE_HOSTNAME_IGNORED):
            kept = [(n, v) for n, v in self.outgoing.headers if n.lower() != "host"]
            self.outgoing.headers = [("Host", hostname), *kept]
        modifier = spec.get("path")
        if isinstance(modifier, dict):
            path, query = split_target(self.outgoing.target)
            drop = self.faults.on(FF.REWRITE_PREFIX_DROPS_REMAINDER)
            path = modified_path(modifier, path, self.selection.match, drop_remainder=drop)
            self.outgoing.target = join_target(path, query)

    def _redirect(self, spec: JSONObject) -> Response:
        where = redirects.location(
            spec,
            scheme=self.request.scheme,
            host=self.facts.host,
            listener_port=self.listener.port,
            target=self.outgoing.target,
            match=self.selection.match,
            faults=self.faults,
        )
        return redirects.redirect_response(spec, where, self.faults)

    def _mirror(self, spec: JSONObject) -> None:
        index, self.mirrored = self.mirrored, self.mirrored + 1
        mirrors_ = self.selection.rule.mirrors
        if index >= len(mirrors_) or self.faults.on(FF.MIRROR_NOT_SENT):
            return
        if index > 0 and self.faults.on(FF.MIRROR_FIRST_ONLY):
            return
        mirrors.mirror(self.outgoing, mirrors_[index], spec, self.faults, self.timeouts)

    def finish(self, response: Response, cors_headers: Headers) -> Response:
        headers = response.headers
        for modifier in self.response_modifiers:
            headers = modify_headers(headers, modifier, self.faults, response=True)
        if cors_headers:
            names = {name.lower() for name, _ in cors_headers}
            headers = [(n, v) for n, v in headers if n.lower() not in names or n.lower() == "vary"] + cors_headers
        response.headers = headers
        return response


def _backend_filters(rule: Rule, backend: Backend, faults: ActiveFaults) -> tuple[JSONObject, ...]:
    if faults.on(FF.BACKEND_FILTERS_IGNORED):
        return ()
    if faults.on(FF.BACKEND_FILTERS_OF_FIRST_BACKEND) and rule.backends:
        return rule.backends[0].filters
    return backend.filters


def _cors_policy(rule: Rule) -> cors.Policy | None:
    for spec in rule.filters:
        if spec.get("type") == "CORS":
            return cors.Policy.from_spec(_dict(spec.get("cors")))
    return None


async def serve(
    request: Request,
    facts: RequestFacts,
    listener: ListenerConfig,
    selection: Selection,
    balancers: Balancers,
    faults: ActiveFaults,
    *,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    sender: Callable[[Target], retries.Send] | None = None,
) -> Response:
    """The answer to ``request``, which routing gave to ``selection`` on ``listener``.

    ``sender`` gives, for the backend chosen, how to deliver one try (the data plane passes its
    protocol-aware upstreams); by default plain HTTP/1.1.
    """
    rule = selection.rule
    policy = _cors_policy(rule)
    cors_headers: Headers = []
    if policy is not None:
        if cors.is_preflight(request.method, request.headers) and not faults.on(FF.CORS_PREFLIGHT_FORWARDED):
            return cors.preflight_response(policy, request.headers, faults)
        cors_headers = cors.response_headers(policy, request.headers, faults)
    exchange = _Exchange(
        request, facts, listener, selection, proxy.outgoing_request(request, request.scheme), faults, timeouts
    )
    for spec in rule.filters:
        early = exchange.apply(spec, rule_level=True)
        if early is not None:
            return exchange.finish(early, cors_headers)
    balancer = balancers.for_rule(rule)
    choice = balancer.choose(faults)
    if isinstance(choice, Failure):
        return exchange.finish(text_response(choice.status, choice.message + "\n"), cors_headers)
    # Balancer state outlives config swaps that keep the backends (it is keyed without their filters):
    # take the filters from the config this request was routed by.
    backend = next(
        (b for b, kept in zip(rule.backends, balancer.backends, strict=False) if kept is choice.backend), None
    )
    backend_modifiers: list[JSONObject] = []
    rule_modifiers, exchange.response_modifiers = exchange.response_modifiers, backend_modifiers
    for spec in _backend_filters(rule, backend or choice.backend, faults):
        early = exchange.apply(spec, rule_level=False)
        if early is not None:
            exchange.response_modifiers = [*backend_modifiers, *rule_modifiers]
            return exchange.finish(early, cors_headers)
    # The backend's own response modifiers run first (closest to the backend), then the rule's.
    exchange.response_modifiers = [*backend_modifiers, *rule_modifiers]
    send = sender(choice) if sender is not None else None
    response = await retries.forward(exchange.outgoing, choice.endpoint, rule, faults, timeouts=timeouts, send=send)
    return exchange.finish(response, cors_headers)
