"""Mirrored requests, found in the mirror backends' logs (upstream ``ExpectMirroredRequest``, ``DumpEchoLogs``).

A mirrored request gets no answer anyone sees: the only evidence is the echo server's log line
``Echoing back request made to <request URI> to client (...)`` in the mirror backend's pods. The pods
are found by the label ``app=<backend>``; their container has the backend's name. Requests carry a
unique ``gateway-api-conformance-request-id`` query parameter so that a log line can only come from the
request a test sent.
"""

from __future__ import annotations

import logging
import math
import re
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode

from conformance.clock import Clock, RealClock
from conformance.kube.errors import KubeError
from conformance.probes.http import ProbeFailure

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from conformance.kube.facade import Kube

log = logging.getLogger(__name__)

REQUEST_ID_PARAM = "gateway-api-conformance-request-id"
#: Pause between two reads of the logs while waiting for a mirrored request.
POLL_INTERVAL = 0.5


@dataclass(frozen=True, slots=True)
class MirroredBackend:
    """A backend that must receive copies (upstream ``MirroredBackend``)."""

    name: str
    namespace: str
    percent: int | None = None
    """The share of requests it must get, for percentage mirrors."""


def with_request_id(path: str, request_id: str | None = None) -> str:
    """``path`` with the request-id query parameter set (a fresh uuid unless given), like upstream's
    ``AddRequestIDQueryParam``: other parameters are kept, the query is re-encoded sorted by name."""
    base, _, query = path.partition("?")
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != REQUEST_ID_PARAM]
    params.append((REQUEST_ID_PARAM, request_id or str(uuid.uuid4())))
    return f"{base}?{urlencode(sorted(params))}"


def mirror_log_pattern(path: str) -> re.Pattern[str]:
    """The echo server's log line for a request to ``path`` (request URI, query included)."""
    return re.compile(f"Echoing back request made to {re.escape(path)} to client")


class EchoLogs:
    """Reads echo backends' logs through the Kubernetes API."""

    def __init__(self, kube: Kube, *, clock: Clock | None = None, wall: Callable[[], float] = time.time) -> None:
        self.kube = kube
        self._clock = clock or RealClock()
        self._wall = wall

    def lines(self, backend: MirroredBackend, since: float) -> list[str]:
        """Log lines written since the wall-clock time ``since`` by every pod of ``backend`` (pods that
        failed or whose log cannot be read are skipped, as upstream does)."""
        seconds = max(1, math.ceil(self._wall() - since))
        found: list[str] = []
        for pod in self.kube.list("Pod", backend.namespace, label_selector=f"app={backend.name}"):
            if (pod.get("status") or {}).get("phase") == "Failed":
                continue
            name = str((pod.get("metadata") or {}).get("name", ""))
            try:
                text = self.kube.client.pod_logs(
                    backend.namespace, name, container=backend.name, since_seconds=seconds
                )
            except KubeError as err:
                log.debug("cannot read the log of %s/%s: %s", backend.namespace, name, err)
                continue
            found.extend(text.split("\n"))
        return found

    def count(self, backend: MirroredBackend, path: str, since: float) -> int:
        pattern = mirror_log_pattern(path)
        return sum(1 for line in self.lines(backend, since) if pattern.search(line))

    def expect_mirrored(
        self, backends: Sequence[MirroredBackend], path: str, *, since: float, timeout: float
    ) -> None:
        """Every backend logs a request to ``path`` within ``timeout`` seconds (reading from ``since``)."""
        __tracebackhide__ = True
        start = self._clock.monotonic()
        missing = list(backends)
        while True:
            missing = [b for b in missing if self.count(b, path, since) == 0]
            if not missing:
                return
            elapsed = self._clock.monotonic() - start
            if elapsed >= timeout:
                names = ", ".join(f"{b.namespace}/{b.name}" for b in missing)
                raise ProbeFailure(
                    f"no mirrored request to {path} in the logs of {names} after {elapsed:.1f}s "
                    f"(looked for {mirror_log_pattern(path).pattern!r})"
                )
            self._clock.sleep(POLL_INTERVAL)
