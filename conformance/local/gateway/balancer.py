"""Choosing the backendRef and the endpoint that serve one request.

Backends are picked by smooth weighted round robin (the nginx algorithm): over any window of
sum(weights) requests every backendRef gets exactly its share, interleaved, so traffic splits are
exact rather than statistically close. Endpoints of a Service are taken in plain round robin.

The failure answers follow HTTPRoute ``backendRefs``: a rule without usable weight, or a pick that
lands on an invalid backendRef, answers 500; a backend without ready endpoints answers 503 (the spec's
SHOULD for Services with no ready endpoints).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_dataplane as F
from conformance.local.gateway.config import Backend, Endpoint, ListenerConfig, Rule


@dataclass(frozen=True, slots=True)
class Failure:
    status: int
    message: str


@dataclass(frozen=True, slots=True)
class Target:
    backend: Backend
    endpoint: Endpoint


class Balancer:
    """Selection state of one rule: current weights of its backends, and an endpoint cursor per backend."""

    def __init__(self, backends: Sequence[Backend]) -> None:
        self.backends = tuple(backends)
        self._current = [0] * len(self.backends)
        self._cursor = [0] * len(self.backends)

    def _weights(self, faults: ActiveFaults) -> list[int]:
        if faults.on(F.WEIGHTS_IGNORED):
            return [1] * len(self.backends)
        return [max(0, backend.weight) for backend in self.backends]

    def _pick_index(self, weights: list[int]) -> int:
        total = sum(weights)
        for index, weight in enumerate(weights):
            self._current[index] += weight
        chosen = max(range(len(weights)), key=lambda i: (self._current[i], -i))
        self._current[chosen] -= total
        return chosen

    def choose(self, faults: ActiveFaults) -> Target | Failure:
        if not self.backends:
            return Failure(500, "no backends are configured for this route rule")
        weights = self._weights(faults)
        if sum(weights) == 0:
            return Failure(500, "every backend of this route rule has weight 0")
        index = self._pick_index(weights)
        backend = self.backends[index]
        if backend.invalid is not None or backend.port is None:
            status = 503 if faults.on(F.INVALID_BACKEND_503) else 500
            reason = backend.invalid or "no port"
            return Failure(status, f"backend {backend.namespace}/{backend.name} is invalid: {reason}")
        if not backend.endpoints:
            return Failure(503, f"no healthy upstream: {backend.namespace}/{backend.name} has no ready endpoints")
        endpoint = backend.endpoints[self._cursor[index] % len(backend.endpoints)]
        self._cursor[index] += 1
        return Target(backend, endpoint)


def _rule_key(rule: Rule) -> tuple[object, ...]:
    backends = tuple(
        (b.kind, b.namespace, b.name, b.port, b.weight, b.invalid, b.endpoints, b.app_protocol, b.tls)
        for b in rule.backends
    )
    return (rule.route.namespace, rule.route.name, rule.index, backends)


class Balancers:
    """Balancer state of every rule served on one port, kept across config swaps while a rule's backends
    stay the same: controllers re-apply often, and restarting the rotation each time would skew splits."""

    def __init__(self) -> None:
        self._by_rule: dict[tuple[object, ...], Balancer] = {}

    def for_rule(self, rule: Rule) -> Balancer:
        key = _rule_key(rule)
        found = self._by_rule.get(key)
        if found is None:
            found = self._by_rule[key] = Balancer(rule.backends)
        return found

    def retain(self, listeners: Iterable[ListenerConfig]) -> None:
        """Forget the state of rules no longer served."""
        keep = {_rule_key(rule) for listener in listeners for route in listener.routes for rule in route.rules}
        self._by_rule = {key: value for key, value in self._by_rule.items() if key in keep}
