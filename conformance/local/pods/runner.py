"""Running pods: the node half of the local kubelet.

For one Pod object it does what a node does: give it an IP (a loopback address), mount its
Secret/ConfigMap volumes (as files in a per-pod directory), resolve its containers' environment,
"pull" each image (find its in-process emulation), start the containers on the pod IP and publish the
outcome in ``status``. It keeps each container's log for pods/log. It never decides which pods should
exist; the Kubelet's Deployment logic does.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from conformance.local.addresses import LoopbackAddresses
from conformance.local.api.protocol import JSONObject, NotFoundError, ObjectStore
from conformance.local.loop import BackgroundLoop
from conformance.local.pods import images, podspec
from conformance.local.pods.logs import ContainerLog
from conformance.local.pods.status import ContainerState, now_rfc3339, pod_status

log = logging.getLogger(__name__)


@dataclass(slots=True)
class PodRuntime:
    namespace: str
    name: str
    uid: str
    address: str
    directory: Path
    started_at: str
    logs: dict[str, ContainerLog] = field(default_factory=dict)
    processes: list[images.ContainerProcess] = field(default_factory=list)
    retry_on_config: bool = False
    """Some container waits for a Secret/ConfigMap (or a key of one): retry when those change."""
    sequence: int = 0
    """Start order on this node; orders pods created within the same second (timestamps have seconds)."""


class PodRunner:
    """Thread-safe registry of running pods. Starting and stopping happen on the caller's thread,
    which blocks while the shared event loop binds or closes the containers' sockets."""

    def __init__(self, store: ObjectStore, addresses: LoopbackAddresses, loop: BackgroundLoop, root: Path) -> None:
        self.store = store
        self.addresses = addresses
        self.loop = loop
        self.root = root
        self._pods: dict[tuple[str, str], PodRuntime] = {}
        self._lock = threading.Lock()
        self._sequence = itertools.count(1)

    def get(self, namespace: str, name: str) -> PodRuntime | None:
        with self._lock:
            return self._pods.get((namespace, name))

    def names(self, namespace: str) -> list[str]:
        with self._lock:
            return [name for (ns, name) in self._pods if ns == namespace]

    def waiting_for_config(self, namespace: str) -> list[PodRuntime]:
        with self._lock:
            return [rt for rt in self._pods.values() if rt.namespace == namespace and rt.retry_on_config]

    def run(self, pod: JSONObject) -> None:
        """Start (or restart) every container of the pod and publish the result in its status."""
        meta = pod["metadata"]
        namespace, name = meta["namespace"], meta["name"]
        runtime = self.get(namespace, name)
        if runtime is not None:
            self._stop_processes(runtime)
        else:
            runtime = PodRuntime(
                namespace=namespace,
                name=name,
                uid=meta.get("uid", ""),
                address=self.addresses.pod_address(f"{namespace}/{name}"),
                directory=self.root / f"{namespace}_{name}",
                started_at=now_rfc3339(),
                sequence=next(self._sequence),
            )
            with self._lock:
                self._pods[(namespace, name)] = runtime
        # The downward API may expose the pod IP, so it is known before containers start.
        pod.setdefault("status", {}).update(podIP=runtime.address, hostIP="127.0.0.1")
        states = self._start_containers(pod, runtime)
        status = pod_status(runtime.address, states, runtime.started_at, pod.get("status"), runtime.uid)
        fresh = self.store.get("pods", namespace, name)
        if fresh is None or fresh["metadata"].get("uid") != runtime.uid:
            self.forget(namespace, name)
            return
        if fresh.get("status") != status:
            fresh["status"] = status
            fresh["metadata"].pop("resourceVersion", None)  # last writer wins: only this node writes it
            try:
                self.store.replace_status("pods", fresh)
            except NotFoundError:
                self.forget(namespace, name)

    def _start_containers(self, pod: JSONObject, runtime: PodRuntime) -> list[ContainerState]:
        containers = pod.get("spec", {}).get("containers") or []
        runtime.retry_on_config = False
        try:
            shutil.rmtree(runtime.directory, ignore_errors=True)
            volumes = podspec.materialise_volumes(pod, self.store, runtime.directory)
        except podspec.PodConfigError as exc:
            runtime.retry_on_config = True
            return [ContainerState(c["name"], c.get("image", ""), False, exc.reason, exc.message) for c in containers]
        states = []
        for container in containers:
            name, image = container["name"], container.get("image", "")
            container_log = runtime.logs.setdefault(name, ContainerLog())
            image_runtime = images.runtime_for(image)
            if image_runtime is None:
                states.append(ContainerState(name, image, False, "ErrImagePull", images.cannot_run_message(image)))
                continue
            try:
                remap = podspec.remapper(podspec.container_mounts(container, volumes))
                env = {key: remap(value) for key, value in podspec.resolve_env(container, pod, self.store).items()}
            except podspec.PodConfigError as exc:
                runtime.retry_on_config = True
                states.append(ContainerState(name, image, False, exc.reason, exc.message))
                continue
            argv = [remap(str(arg)) for arg in [*(container.get("command") or []), *(container.get("args") or [])]]
            process = image_runtime.factory(runtime.address, env, container_log, argv)
            try:
                self.loop.run(process.start())
            except (OSError, ValueError) as exc:
                container_log.write(f"local kubelet: container failed to start: {exc}")
                states.append(ContainerState(name, image, False, "RunContainerError", str(exc)))
                continue
            runtime.processes.append(process)
            states.append(ContainerState(name, image, True))
        return states

    def _stop_processes(self, runtime: PodRuntime) -> None:
        processes, runtime.processes = runtime.processes, []
        for process in processes:
            try:
                self.loop.run(process.stop())
            except Exception:
                log.exception("local kubelet: stopping a container of %s/%s failed", runtime.namespace, runtime.name)

    def forget(self, namespace: str, name: str) -> None:
        """Stop the pod's containers and drop everything the node kept for it."""
        with self._lock:
            runtime = self._pods.pop((namespace, name), None)
        if runtime is None:
            return
        self._stop_processes(runtime)
        shutil.rmtree(runtime.directory, ignore_errors=True)
        self.addresses.release_pod(f"{namespace}/{name}")

    def stop_all(self) -> None:
        with self._lock:
            keys = list(self._pods)
        for namespace, name in keys:
            self.forget(namespace, name)

    def logs(
        self,
        namespace: str,
        pod: str,
        container: str | None,
        since_seconds: float | None,
        tail_lines: int | None,
        timestamps: bool,
    ) -> str | None:
        runtime = self.get(namespace, pod)
        if runtime is None:
            return None
        if container is None:
            if len(runtime.logs) != 1:
                return None
            container = next(iter(runtime.logs))
        container_log = runtime.logs.get(container)
        if container_log is None:
            return None
        return container_log.read(since_seconds, tail_lines, timestamps)
