"""The built-in (non-CRD) resource types of the local API: the part of kube-apiserver's table we need.

Enough for the harness, the local kubelet and the reference gateway (core v1, apps/v1,
discovery.k8s.io/v1 EndpointSlices, coordination.k8s.io/v1 Leases), for installers
(apiextensions.k8s.io/v1 CRDs, RBAC, the admissionregistration kinds the Gateway API bundle ships),
and for what ``kubectl apply`` of common manifests touches. Objects of these kinds are stored as sent
(no schema), with kube's metadata, status-subresource and naming rules.
"""

from __future__ import annotations

from conformance.local.api.kinds import NameRule, ResourceType, Version

_V1 = (Version("v1", served=True, storage=True),)


def _kind(
    group: str,
    kind: str,
    plural: str,
    *,
    namespaced: bool = True,
    short: tuple[str, ...] = (),
    status: bool = False,
    log: bool = False,
    name_rule: NameRule = "subdomain",
    categories: tuple[str, ...] = (),
) -> ResourceType:
    return ResourceType(
        group=group,
        kind=kind,
        plural=plural,
        namespaced=namespaced,
        versions=_V1,
        short_names=short,
        status=status,
        log=log,
        name_rule=name_rule,
        categories=categories,
    )


def builtin_types() -> list[ResourceType]:
    """Fresh ResourceType values for every built-in kind."""
    return [
        _kind("", "Namespace", "namespaces", namespaced=False, short=("ns",), status=True, name_rule="label"),
        _kind("", "Node", "nodes", namespaced=False, short=("no",), status=True),
        _kind("", "Pod", "pods", short=("po",), status=True, log=True, categories=("all",)),
        _kind("", "Service", "services", short=("svc",), status=True, name_rule="dns1035", categories=("all",)),
        _kind("", "Endpoints", "endpoints", short=("ep",)),
        _kind("", "ConfigMap", "configmaps", short=("cm",)),
        _kind("", "Secret", "secrets"),
        _kind("", "ServiceAccount", "serviceaccounts", short=("sa",)),
        _kind("", "Event", "events", short=("ev",), name_rule="path"),
        _kind("apps", "Deployment", "deployments", short=("deploy",), status=True, categories=("all",)),
        _kind("apps", "ReplicaSet", "replicasets", short=("rs",), status=True, categories=("all",)),
        _kind("apps", "DaemonSet", "daemonsets", short=("ds",), status=True, categories=("all",)),
        _kind("apps", "StatefulSet", "statefulsets", short=("sts",), status=True, categories=("all",)),
        _kind("discovery.k8s.io", "EndpointSlice", "endpointslices"),
        _kind("coordination.k8s.io", "Lease", "leases"),
        _kind(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            "customresourcedefinitions",
            namespaced=False,
            short=("crd", "crds"),
            status=True,
        ),
        _kind(
            "admissionregistration.k8s.io",
            "ValidatingAdmissionPolicy",
            "validatingadmissionpolicies",
            namespaced=False,
            status=True,
        ),
        _kind(
            "admissionregistration.k8s.io",
            "ValidatingAdmissionPolicyBinding",
            "validatingadmissionpolicybindings",
            namespaced=False,
        ),
        _kind("rbac.authorization.k8s.io", "Role", "roles", name_rule="path"),
        _kind("rbac.authorization.k8s.io", "RoleBinding", "rolebindings", name_rule="path"),
        _kind("rbac.authorization.k8s.io", "ClusterRole", "clusterroles", namespaced=False, name_rule="path"),
        _kind(
            "rbac.authorization.k8s.io",
            "ClusterRoleBinding",
            "clusterrolebindings",
            namespaced=False,
            name_rule="path",
        ),
    ]


#: Namespaces every cluster starts with.
INITIAL_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
