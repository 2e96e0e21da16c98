from __future__ import annotations

from pathlib import Path

from conformance.grouping import Footprint, groups, shared_gateways

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
    assert shared_gateways([route]) == {(INFRA, "same-namespace"), (INFRA, "all-namespaces")}
    other_ns = bundle(
        tmp_path,
        "o.yaml",
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: elsewhere}\n"
        "spec:\n  parentRefs:\n  - name: same-namespace\n",
    )
    assert shared_gateways([other_ns]) == set()


def test_tests_sharing_gateways_share_a_group_transitively() -> None:
    same, every, backend = (INFRA, "same-namespace"), (INFRA, "all-namespaces"), (INFRA, "backend-namespaces")
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
