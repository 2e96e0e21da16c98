"""The controller loop: watch the store, reconcile, program the data plane, write status.

One worker thread does all the work. Store events only mark the state dirty (listeners must return
quickly); the worker waits a few milliseconds so a burst of events (a whole manifest being applied)
costs one pass, takes a snapshot, reconciles, and queues the result. With a simulated ``latency`` the
queued result is applied (data plane first, then status) only once that many seconds (± jitter) have
passed since the event that caused it, and results are applied in the order they were computed, so a
slow implementation is imitated without ever showing changes out of order.

Status writes carry the resourceVersion of the snapshot: if the object changed since, the write fails
with a conflict and another pass is scheduled instead of overwriting newer state. Statuses equal to
what is stored are not written at all, so our own writes settle after one extra pass.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from conformance.local.api.protocol import (
    ConflictError,
    EventType,
    InvalidError,
    JSONObject,
    NotFoundError,
    ObjectStore,
)
from conformance.local.gateway import faults_controller as fc
from conformance.local.gateway import faults_misbehaviour as fm
from conformance.local.gateway.conditions import rfc3339
from conformance.local.gateway.config import ApplyResult, DataPlaneConfig, ListenerKey
from conformance.local.gateway.infrastructure import InfrastructureSync
from conformance.local.gateway.reconcile import AddressAllocator, Result, reconcile
from conformance.local.gateway.snapshot import (
    OPTIONAL_RESOURCES,
    REQUIRED_RESOURCES,
    Key,
    Snapshot,
    take_snapshot,
)
from conformance.local.metrics import METRICS

if TYPE_CHECKING:
    from collections.abc import Callable

    from conformance.local.faults import ActiveFaults

log = logging.getLogger(__name__)

#: How long the worker waits after the first event of a burst before taking a snapshot.
COALESCE_SECONDS = 0.005


class DataPlane(Protocol):
    """The data plane as the controller sees it: it serves exactly the config it is given."""

    def apply(self, config: DataPlaneConfig) -> ApplyResult: ...


@dataclass(frozen=True, slots=True)
class _Job:
    due: float
    snapshot: Snapshot
    result: Result
    now: str


def flipped(status: JSONObject) -> JSONObject:
    """A copy of a status whose True conditions (top level, listeners, route parents) read False."""
    out = copy.deepcopy(status)

    def flip(conditions: object) -> None:
        for condition in conditions if isinstance(conditions, list) else []:
            if isinstance(condition, dict) and condition.get("status") == "True":
                condition.update(status="False", reason="Flapping", message="the status flaps (status-flapping)")

    flip(out.get("conditions"))
    for entry in [*(out.get("listeners") or []), *(out.get("parents") or [])]:
        if isinstance(entry, dict):
            flip(entry.get("conditions"))
    return out


class ControllerRuntime:
    """Runs the reference gateway's controller against an object store and a data plane."""

    def __init__(
        self,
        store: ObjectStore,
        dataplane: DataPlane,
        addresses: AddressAllocator,
        faults: ActiveFaults,
        controller_name: str,
        latency: float = 0.0,
        jitter: float = 0.0,
        *,
        coalesce: float = COALESCE_SECONDS,
        rng: random.Random | None = None,
    ) -> None:
        self._store = store
        self._dataplane = dataplane
        self._addresses = addresses
        self._faults = faults
        self._controller_name = controller_name
        self._latency = max(0.0, latency)
        self._jitter = max(0.0, jitter)
        self._coalesce = max(0.0, coalesce)
        self._rng = rng or random.Random()

        self._cond = threading.Condition()
        self._dirty_since: float | None = None
        self._dirty_due = 0.0
        self._last_due = 0.0
        self._jobs: deque[_Job] = deque()
        self._busy = False
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._unsubscribe: list[Callable[[], None]] = []

        self._infrastructure = InfrastructureSync(store)
        self._last_config: DataPlaneConfig | None = None
        self._last_apply: ApplyResult | None = None
        self._flaps = 0
        # Only for the reference-grant-deletion-ignored fault: every grant ever seen.
        self._seen_grants: dict[Key, JSONObject] = {}

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the controller is already running")
        self._unsubscribe.append(self._store.subscribe(REQUIRED_RESOURCES, self._on_event))
        for resource in OPTIONAL_RESOURCES:
            try:
                self._unsubscribe.append(self._store.subscribe([resource], self._on_event))
            except NotFoundError:
                log.debug("the API does not serve %s; Services without selectors get no endpoints", resource)
        self._thread = threading.Thread(target=self._run, name="gateway-controller", daemon=True)
        self._thread.start()
        self.trigger()  # the initial full sync is a change like any other

    def stop(self, timeout: float | None = 10.0) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def trigger(self) -> None:
        """Schedule a pass as if an object had changed now."""
        with self._cond:
            self._mark_dirty_locked()

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is pending or running (True), or the timeout passes (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._dirty_since is not None or self._jobs or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    # -- events ----------------------------------------------------------------------------------

    def _on_event(self, event: EventType, resource: str, obj: JSONObject) -> None:
        with self._cond:
            self._mark_dirty_locked()

    def _mark_dirty_locked(self) -> None:
        now = time.monotonic()
        delay = self._latency
        if self._jitter:
            delay = max(0.0, delay + self._rng.uniform(-self._jitter, self._jitter))
        # A later change never becomes visible before an earlier one.
        due = max(now + delay, self._last_due)
        self._last_due = due
        if self._dirty_since is None:
            self._dirty_since = now
        self._dirty_due = max(self._dirty_due, due)
        self._cond.notify_all()

    # -- the worker ------------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                action = self._next_action_locked()
                if action is None:
                    return
                self._busy = True
                job = self._jobs.popleft() if action == "apply" else None
                due = self._dirty_due
                if action == "compute":
                    self._dirty_since, self._dirty_due = None, 0.0
            try:
                with METRICS.timed("controller"):
                    if job is not None:
                        self._apply(job)
                    else:
                        self._compute(due)
            except Exception:  # the loop must survive a bad pass; the next event retries
                log.exception("reference gateway controller pass failed")
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _next_action_locked(self) -> str | None:
        """Wait until there is something to do: "apply" a due job, "compute" a pass, or None to stop."""
        while not self._stopping:
            now = time.monotonic()
            deadlines: list[float] = []
            if self._jobs:
                if now >= self._jobs[0].due:
                    return "apply"
                deadlines.append(self._jobs[0].due)
            if self._dirty_since is not None:
                ready_at = self._dirty_since + self._coalesce
                if now >= ready_at:
                    return "compute"
                deadlines.append(ready_at)
            self._cond.wait(min(deadlines) - now if deadlines else None)
        return None

    def _snapshot(self) -> Snapshot:
        snapshot = take_snapshot(self._store)
        if not self._faults.on(fc.REFERENCE_GRANT_DELETION_IGNORED):
            return snapshot
        self._seen_grants.update(snapshot.reference_grants)
        return dataclasses.replace(snapshot, reference_grants=dict(self._seen_grants))

    def _reconcile(
        self,
        snapshot: Snapshot,
        now: str,
        errors: dict[ListenerKey, str] | None = None,
    ) -> Result:
        return reconcile(
            snapshot, self._controller_name, self._addresses, self._faults, listener_errors=errors, now=now
        )

    def _compute(self, due: float) -> None:
        snapshot = self._snapshot()
        now = rfc3339()
        job = _Job(due=due, snapshot=snapshot, result=self._reconcile(snapshot, now), now=now)
        with self._cond:
            self._jobs.append(job)
            self._cond.notify_all()

    def _program(self, config: DataPlaneConfig) -> ApplyResult:
        # Unchanged configs are not re-applied: our own status writes cause passes with the same config.
        if self._last_apply is not None and config == self._last_config:
            return self._last_apply
        try:
            outcome = self._dataplane.apply(config)
        except Exception as exc:
            log.exception("the data plane rejected the config")
            outcome = ApplyResult(
                errors={
                    ListenerKey(gw.namespace, gw.name, listener.name): f"data plane error: {exc}"
                    for gw in config.gateways
                    for listener in gw.listeners
                }
            )
            self._last_config, self._last_apply = None, None
            return outcome
        self._last_config, self._last_apply = config, outcome
        return outcome

    def _apply(self, job: _Job) -> None:
        outcome = self._program(job.result.config)
        result = job.result
        if outcome.errors:
            result = self._reconcile(job.snapshot, job.now, dict(outcome.errors))
        for update in result.updates:
            try:
                self._store.replace_status(update.resource, update.object)
            except ConflictError:
                # The object changed after the snapshot: reconcile again from fresh state.
                self.trigger()
            except NotFoundError:
                pass  # deleted meanwhile; its DELETED event already scheduled a pass
            except InvalidError:
                # A status the API rejects is a controller bug; the other objects still get theirs.
                where = f"{update.resource} {update.namespace}/{update.name}"
                log.exception("the API rejected the status of %s", where)
        # The objects generated per Gateway (infrastructure.py); a write that lost a race is retried.
        if not self._infrastructure.sync(result.objects):
            self.trigger()
        if self._faults.on(fm.STATUS_FLAPPING):
            self._flap(result)

    def _flap(self, result: Result) -> None:
        """The status-flapping fault: every other pass writes every condition as False, then passes again."""
        self._flaps += 1
        if self._flaps % 2:
            for (resource, namespace, name), status in result.statuses.items():
                current = self._store.get(resource, namespace or None, name)
                if current is None:
                    continue
                current["status"] = flipped(status)
                with contextlib.suppress(ConflictError, NotFoundError, InvalidError):
                    self._store.replace_status(resource, current)
        timer = threading.Timer(fm.FLAP_SECONDS, self.trigger)
        timer.daemon = True
        timer.start()
