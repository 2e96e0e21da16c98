from __future__ import annotations

from pathlib import Path

from conformance.grouping import Footprint, bundle_objects, footprint, groups, shared_gateways

INFRA = "gateway-conformance-infra"


def bundle(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_parent_refs_to_base_gateways_are_found(tmp_path: Path) -> None:
    route = bundle(
        tmp_path,
        "r.yaml",
        f"apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {{name: r, namespace: {INFRA}}}\n"
        "spec:\n  parentRefs:\n  - name: same-namespace\n  - name: own-gateway\n"
        f"  - {{name: all-namespaces, namespace: {INFRA}}}\n  - {{kind: ListenerSet, name: same-namespace}}\n",
    )
    assert shared_gateways([route]) == {("Gateway", INFRA, "same-namespace"), ("Gateway", INFRA, "all-namespaces")}
    other_ns = bundle(
        tmp_path,
        "o.yaml",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: elsewhere}\n"
        "spec:\n  parentRefs:\n  - name: same-namespace\n",
    )
    assert shared_gateways([other_ns]) == set()


def test_tests_sharing_gateways_share_a_group_transitively() -> None:
    same, every, backend = (("Gateway", INFRA, n) for n in ("same-namespace", "all-namespaces", "backend-namespaces"))
    tests = [
        Footprint("A", False, frozenset({same})),
        Footprint("B", False, frozenset({same, every})),
        Footprint("C", False, frozenset({every})),
        Footprint("D", False, frozenset({backend})),
        Footprint("E", True, frozenset()),
        Footprint("F", False, frozenset()),
    ]
    result = groups(tests)
    assert result["A"] == result["B"] == result["C"]
    assert result["D"] != result["A"]
    assert len({result["D"], result["E"], result["F"]}) == 3


def test_tests_applying_the_same_object_take_turns(tmp_path: Path) -> None:
    # Two upstream bundles both apply HTTPRoute backend-v1 to the infra namespace, each for a Gateway
    # of its own: run side by side, one would overwrite (and at cleanup delete) the other's route.
    route = (
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
        f"metadata: {{name: backend-v1, namespace: {INFRA}}}\n"
    )
    first = bundle(tmp_path, "a.yaml", route + "spec: {parentRefs: [{name: gw-a}]}\n")
    second = bundle(tmp_path, "b.yaml", route + "spec: {parentRefs: [{name: gw-b}]}\n")
    other = bundle(tmp_path, "c.yaml", f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {INFRA}-extra}}\n")
    assert bundle_objects([first]) == {("HTTPRoute", INFRA, "backend-v1")}
    assert bundle_objects([other]) == {("Namespace", "", f"{INFRA}-extra")}
    result = groups([footprint("A", True, [first]), footprint("B", True, [second]), footprint("C", True, [other])])
    assert result["A"] == result["B"]
    assert result["C"] not in (result["A"], "")
    assert result["C"] == "gwconf-own-C"


def test_every_ported_pair_that_shares_an_object_shares_a_group() -> None:
    # Guards the real suite: HTTPRouteListenerHostnameMatching and HTTPRouteListenerPortMatching reuse
    # route names, which made parallel runs flaky before objects counted.
    manifests = Path(__file__).resolve().parents[2] / "manifests" / "httproute"
    hostname = footprint("H", True, [manifests / "httproute-listener-hostname-matching.yaml"])
    port = footprint("P", True, [manifests / "httproute-listener-port-matching.yaml"])
    assert hostname.shared & port.shared
    result = groups([hostname, port])
    assert result["H"] == result["P"]
