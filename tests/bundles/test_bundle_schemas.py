"""Every bundle in manifests/ validates against the v1.6.1 experimental Gateway API CRD schemas."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.bundles import bundle_errors, load_schemas
from conformance.local.api.kinds import TypeRegistry

REPO = Path(__file__).resolve().parents[2]
BUNDLES = sorted((REPO / "manifests").rglob("*.yaml"))


@pytest.fixture(scope="module")
def schemas(crd_dir: Path) -> TypeRegistry:
    return load_schemas([crd_dir])


def test_there_are_bundles() -> None:
    assert len(BUNDLES) >= 18


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: str(p.relative_to(REPO / "manifests")))
def test_bundle_validates_against_crd_schemas(bundle: Path, schemas: TypeRegistry) -> None:
    assert bundle_errors(bundle, schemas) == []


def test_an_invalid_bundle_names_file_document_and_field(tmp_path: Path, schemas: TypeRegistry) -> None:
    bundle = tmp_path / "broken.yaml"
    bundle.write_text(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n"
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n"
        "metadata: {name: bad, namespace: ok}\n"
        "spec:\n  rules:\n  - matches:\n    - path: {type: Prefix, value: /}\n"
    )
    errors = bundle_errors(bundle, schemas)
    assert errors, "an invalid path match type must be reported"
    assert errors[0].startswith(f"{bundle}, document 1 (HTTPRoute bad): spec.rules[0].matches[0].path.type")
    assert '"Prefix"' in errors[0]


def test_unknown_fields_are_errors(tmp_path: Path, schemas: TypeRegistry) -> None:
    bundle = tmp_path / "typo.yaml"
    bundle.write_text(
        "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: n}\n"
        "spec:\n  parentRef: [{name: gw}]\n"
    )
    errors = bundle_errors(bundle, schemas)
    assert errors and "spec.parentRef" in errors[0]


def test_unknown_kind(tmp_path: Path, schemas: TypeRegistry) -> None:
    bundle = tmp_path / "kind.yaml"
    bundle.write_text("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoot\nmetadata: {name: r, namespace: n}\n")
    errors = bundle_errors(bundle, schemas)
    assert errors and "no resource type serves" in errors[0] and "HTTPRoot" in errors[0]
