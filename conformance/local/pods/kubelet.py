"""The local "kubelet": keeps Deployments' pods running as in-process echo servers.

It plays the Deployment controller, the ReplicaSet controller and a node's kubelet at once, because
the conformance suite only needs their visible result: for every Deployment, ``spec.replicas`` Pods
with real-looking names and labels, a pod IP on a loopback address where the container's servers
listen, Ready conditions once they do, pod logs, and a Deployment status that counts them.

Changes arrive as store events; the listener only queues a key, and one worker thread reconciles keys
one at a time (so reconciling needs no locking against itself, and a burst of events for one object
collapses into one pass). Servers run on the shared :class:`~conformance.local.loop.BackgroundLoop`.

Deviations from a real cluster, on purpose: pods are owned by their Deployment directly (there are no
ReplicaSet objects), pod deletion is immediate (no grace period), and a rollout starts the new pods
before removing the old ones (they are ready at once unless they cannot run).
"""

from __future__ import annotations

import contextlib
import logging
import random
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.local.addresses import LoopbackAddresses
from conformance.local.api.protocol import (
    ConflictError,
    EventType,
    JSONObject,
    NotFoundError,
    ObjectStore,
)
from conformance.local.faults import ActiveFaults
from conformance.local.loop import BackgroundLoop
from conformance.local.pods import podspec
from conformance.local.pods.runner import PodRunner
from conformance.local.pods.status import deployment_status, pod_is_ready

log = logging.getLogger(__name__)

Key = tuple[str, str, str]
"""(kind of work, namespace, name): ``deployment``, ``pod``, ``namespace`` (name only), ``config`` (namespace)."""

_WATCHED = ("deployments.apps", "pods", "namespaces", "secrets", "configmaps")


def _terminating(obj: dict[str, Any] | None) -> bool:
    return obj is None or bool(obj.get("metadata", {}).get("deletionTimestamp"))


class Kubelet:
    def __init__(
        self,
        store: ObjectStore,
        addresses: LoopbackAddresses,
        loop: BackgroundLoop,
        faults: ActiveFaults | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.addresses = addresses
        self.loop = loop
        self.faults = faults or ActiveFaults()
        self._rng = rng or random.Random()
        self._runner: PodRunner | None = None
        self._queue: dict[Key, None] = {}  # insertion-ordered set
        self._cond = threading.Condition()
        self._busy = False
        self._stopping = False
        self._worker: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._root: Path | None = None

    # --- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="gwconf-kubelet-"))
        self._runner = PodRunner(self.store, self.addresses, self.loop, self._root)
        self._stopping = False
        self._worker = threading.Thread(target=self._work, name="local-kubelet", daemon=True)
        self._worker.start()
        self._unsubscribe = self.store.subscribe(_WATCHED, self._on_event)
        for deployment in self.store.list("deployments.apps"):
            meta = deployment["metadata"]
            self._enqueue(("deployment", meta["namespace"], meta["name"]))

    def stop(self, timeout: float = 10.0) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._worker is not None:
            self._worker.join(timeout)
            self._worker = None
        if self._runner is not None:
            self._runner.stop_all()
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every queued change has been reconciled (for tests and orderly shutdown)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)

    # --- logs ------------------------------------------------------------------------------------------

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str | None = None,
        since_seconds: float | None = None,
        tail_lines: int | None = None,
        *,
        timestamps: bool = False,
    ) -> str | None:
        """The container's log as pods/log returns it; None if this kubelet runs no such pod/container.

        ``container`` may be omitted when the pod has exactly one container.
        """
        if self._runner is None:
            return None
        return self._runner.logs(namespace, pod, container, since_seconds, tail_lines, timestamps)

    # --- event intake ----------------------------------------------------------------------------------

    def _on_event(self, event: EventType, resource: str, obj: JSONObject) -> None:
        meta = obj.get("metadata", {})
        namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
        if resource == "deployments.apps":
            self._enqueue(("deployment", namespace, name))
        elif resource == "pods":
            self._enqueue(("pod", namespace, name))
            owner = podspec.owner_deployment(obj)
            if owner is not None:
                self._enqueue(("deployment", namespace, owner[0]))
        elif resource == "namespaces":
            if event == "DELETED" or _terminating(obj):
                self._enqueue(("namespace", "", name))
        else:
            self._enqueue(("config", namespace, ""))

    def _enqueue(self, key: Key) -> None:
        with self._cond:
            if not self._stopping:
                self._queue[key] = None
                self._cond.notify_all()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stopping)
                if self._stopping:
                    return
                key = next(iter(self._queue))
                del self._queue[key]
                self._busy = True
            try:
                self._reconcile(key)
            except Exception:
                log.exception("local kubelet: reconciling %s failed", key)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    @property
    def runner(self) -> PodRunner:
        if self._runner is None:
            raise RuntimeError("Kubelet.start() was not called")
        return self._runner

    def _reconcile(self, key: Key) -> None:
        kind, namespace, name = key
        if kind == "deployment":
            self._sync_deployment(namespace, name)
        elif kind == "pod":
            self._sync_pod(namespace, name)
        elif kind == "namespace":
            self._sync_namespace(name)
        else:
            self._retry_waiting(namespace)

    # --- deployments -----------------------------------------------------------------------------------

    def _namespace_active(self, namespace: str) -> bool:
        # A missing Namespace object is tolerated (minimal stores); a terminating one gets no new pods.
        obj = self.store.get("namespaces", None, namespace)
        if obj is None:
            return True
        return not _terminating(obj) and obj.get("status", {}).get("phase") != "Terminating"

    def _sync_deployment(self, namespace: str, name: str) -> None:
        deployment = self.store.get("deployments.apps", namespace, name)
        owned = [
            pod for pod in self.store.list("pods", namespace) if (podspec.owner_deployment(pod) or ("",))[0] == name
        ]
        if _terminating(deployment) or not self._namespace_active(namespace):
            for pod in owned:
                self._delete_pod(pod)
            return
        assert deployment is not None
        uid = deployment["metadata"].get("uid", "")
        spec = deployment.get("spec") or {}
        replicas = 1 if spec.get("replicas") is None else int(spec["replicas"])
        pod_hash = podspec.template_hash(spec.get("template") or {})
        current: list[JSONObject] = []
        stale: list[JSONObject] = []
        for pod in owned:
            if _terminating(pod):
                continue
            same = podspec.owner_deployment(pod) == (name, uid)
            labels = pod["metadata"].get("labels") or {}
            (current if same and labels.get("pod-template-hash") == pod_hash else stale).append(pod)
        for pod in current:
            if self.runner.get(namespace, pod["metadata"]["name"]) is None:
                self.runner.run(pod)  # in the store but not running here (e.g. a restarted kubelet)
        for _ in range(replicas - len(current)):
            created = self._create_pod(deployment, pod_hash)
            if created is None:
                break
            current.append(created)
        if len(current) > replicas:
            # Like a ReplicaSet scaling down: not-ready pods go first, then the newest.
            current.sort(key=self._age_rank)
            for pod in current[replicas:]:
                self._delete_pod(pod)
            current = current[:replicas]
        current = [self.store.get("pods", namespace, p["metadata"]["name"]) or p for p in current]
        updated_ready = len([pod for pod in current if pod_is_ready(pod)])
        recreate = (spec.get("strategy") or {}).get("type") == "Recreate"
        if stale and (recreate or updated_ready >= replicas):
            for pod in stale:
                self._delete_pod(pod)
            stale = []
        ready = updated_ready + len([pod for pod in stale if pod_is_ready(pod)])
        status = deployment_status(deployment, len(current) + len(stale), len(current), ready, updated_ready, pod_hash)
        if status != deployment.get("status"):
            fresh = dict(deployment, status=status)
            fresh["metadata"] = {k: v for k, v in deployment["metadata"].items() if k != "resourceVersion"}
            with contextlib.suppress(NotFoundError):
                self.store.replace_status("deployments.apps", fresh)

    def _age_rank(self, pod: JSONObject) -> tuple[bool, str, int]:
        """Ready pods rank first, then older ones: what a scale-down keeps."""
        meta = pod["metadata"]
        runtime = self.runner.get(meta["namespace"], meta["name"])
        return (not pod_is_ready(pod), meta.get("creationTimestamp", ""), runtime.sequence if runtime else 0)

    def _create_pod(self, deployment: JSONObject, pod_hash: str) -> JSONObject | None:
        name = deployment["metadata"]["name"]
        for _ in range(5):  # a random suffix may collide with a live pod; pick another
            pod = podspec.new_pod(deployment, pod_hash, f"{name}-{pod_hash}-{podspec.random_suffix(self._rng)}")
            try:
                created = self.store.create("pods", pod)
            except ConflictError:
                continue
            except Exception as exc:  # e.g. the namespace is being deleted: try again on the next event
                log.warning("local kubelet: cannot create a pod for %s: %s", name, exc)
                return None
            self.runner.run(created)
            return self.store.get("pods", created["metadata"]["namespace"], created["metadata"]["name"]) or created
        return None

    def _delete_pod(self, pod: JSONObject) -> None:
        meta = pod["metadata"]
        with contextlib.suppress(NotFoundError):
            self.store.delete("pods", meta["namespace"], meta["name"])
        self.runner.forget(meta["namespace"], meta["name"])

    # --- pods ------------------------------------------------------------------------------------------

    def _sync_pod(self, namespace: str, name: str) -> None:
        pod = self.store.get("pods", namespace, name)
        runtime = self.runner.get(namespace, name)
        if _terminating(pod):
            self.runner.forget(namespace, name)
            return
        assert pod is not None
        if runtime is not None and runtime.uid != pod["metadata"].get("uid", ""):
            self.runner.forget(namespace, name)  # deleted and re-created under the same name
            runtime = None
        if runtime is None and podspec.owner_deployment(pod) is not None:
            self.runner.run(pod)

    def _sync_namespace(self, namespace: str) -> None:
        if self._namespace_active(namespace) and self.store.get("namespaces", None, namespace) is not None:
            return
        for name in self.runner.names(namespace):
            pod = self.store.get("pods", namespace, name)
            if pod is not None:
                self._delete_pod(pod)
            self.runner.forget(namespace, name)

    def _retry_waiting(self, namespace: str) -> None:
        for runtime in self.runner.waiting_for_config(namespace):
            pod = self.store.get("pods", runtime.namespace, runtime.name)
            if pod is not None and not _terminating(pod):
                self.runner.run(pod)
