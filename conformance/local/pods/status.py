"""Pod and Deployment status as the kubelet and the Deployment controller would write them.

Clients wait on these fields (``Ready`` conditions, ``podIP``, ``readyReplicas``), so they follow the
real shapes: conditions with ``lastTransitionTime`` kept while the status does not change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from conformance.local.api.protocol import JSONObject

HOST_IP = "127.0.0.1"


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class ContainerState:
    name: str
    image: str
    ready: bool
    reason: str = ""
    """Why the container is waiting (ErrImagePull, CreateContainerConfigError, ...); empty when running."""
    message: str = ""


def _condition(kind: str, ok: bool, since: str, reason: str = "", message: str = "") -> JSONObject:
    condition: JSONObject = {
        "type": kind,
        "status": "True" if ok else "False",
        "lastProbeTime": None,
        "lastTransitionTime": since,
    }
    if not ok and reason:
        condition["reason"] = reason
        condition["message"] = message
    return condition


def _keep_transition_times(conditions: list[JSONObject], previous: Sequence[Mapping[str, Any]]) -> None:
    before = {c.get("type"): c for c in previous}
    for condition in conditions:
        old = before.get(condition["type"])
        if old is not None and old.get("status") == condition["status"] and old.get("lastTransitionTime"):
            condition["lastTransitionTime"] = old["lastTransitionTime"]


def pod_status(
    pod_ip: str,
    containers: Sequence[ContainerState],
    started_at: str,
    previous: Mapping[str, Any] | None = None,
    uid: str = "",
) -> JSONObject:
    now = now_rfc3339()
    all_ready = bool(containers) and all(c.ready for c in containers)
    unready = [c.name for c in containers if not c.ready]
    mounted = not any(c.reason == "ContainerCreating" for c in containers)
    message = f"containers with unready status: [{' '.join(unready)}]"
    conditions = [
        _condition("PodReadyToStartContainers", mounted, now),
        _condition("Initialized", True, now),
        _condition("Ready", all_ready, now, "ContainersNotReady", message),
        _condition("ContainersReady", all_ready, now, "ContainersNotReady", message),
        _condition("PodScheduled", True, now),
    ]
    _keep_transition_times(conditions, (previous or {}).get("conditions") or [])
    statuses = []
    for c in containers:
        status: JSONObject = {
            "name": c.name,
            "image": c.image,
            "imageID": "",
            "ready": c.ready,
            "started": c.ready,
            "restartCount": 0,
        }
        if c.ready:
            status["imageID"] = c.image
            status["containerID"] = f"local://{uid}/{c.name}"
            status["state"] = {"running": {"startedAt": started_at}}
        else:
            status["state"] = {"waiting": {"reason": c.reason, "message": c.message}}
        statuses.append(status)
    return {
        "phase": "Running" if all_ready else "Pending",
        "conditions": conditions,
        "hostIP": HOST_IP,
        "hostIPs": [{"ip": HOST_IP}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": started_at,
        "qosClass": "BestEffort",
        "containerStatuses": statuses,
    }


def pod_is_ready(pod: Mapping[str, Any]) -> bool:
    for condition in pod.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return bool(condition.get("status") == "True")
    return False


def deployment_status(
    deployment: Mapping[str, Any], total: int, updated: int, ready: int, updated_ready: int, pod_hash: str
) -> JSONObject:
    """Status of a Deployment with ``total`` pods, ``updated`` of the current template, ``ready`` Ready."""
    spec = deployment.get("spec") or {}
    desired = spec.get("replicas")
    desired = 1 if desired is None else int(desired)
    previous = deployment.get("status") or {}
    now = now_rfc3339()
    available = ready >= desired
    complete = updated == desired and updated_ready == desired and total == desired
    name = f"{deployment['metadata']['name']}-{pod_hash}"  # the ReplicaSet a real controller would own
    conditions: list[JSONObject] = [
        {
            "type": "Available",
            "status": "True" if available else "False",
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
            "lastUpdateTime": now,
            "lastTransitionTime": now,
        },
        {
            "type": "Progressing",
            "status": "True",
            "reason": "NewReplicaSetAvailable" if complete else "ReplicaSetUpdated",
            "message": f'ReplicaSet "{name}" has successfully progressed.'
            if complete
            else f'ReplicaSet "{name}" is progressing.',
            "lastUpdateTime": now,
            "lastTransitionTime": now,
        },
    ]
    before = {c.get("type"): c for c in previous.get("conditions") or []}
    for condition in conditions:
        old = before.get(condition["type"])
        if old is not None and old.get("status") == condition["status"]:
            condition["lastTransitionTime"] = old.get("lastTransitionTime", now)
            if old.get("reason") == condition["reason"]:
                condition["lastUpdateTime"] = old.get("lastUpdateTime", now)
    status: JSONObject = {
        "observedGeneration": deployment["metadata"].get("generation", 1),
        "replicas": total,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "conditions": conditions,
    }
    if total - ready > 0:
        status["unavailableReplicas"] = total - ready
    # Real API servers omit zero counts; clients read a missing count as 0.
    return {key: value for key, value in status.items() if value != 0 or key == "observedGeneration"}
