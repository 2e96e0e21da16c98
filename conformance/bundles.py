"""Checking manifest bundles against Gateway API CRD schemas without a cluster.

Each object is filled in the way it would be applied (so placeholders do not trip the schemas) and then
validated like kube-apiserver would, with defaulting, structural schema checks and CEL rules, plus the
strictness of ``kubectl apply`` (fields the schema does not declare are errors, not silently pruned).
Errors name the file, the document index, the object and the field path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from conformance.kube.apply import Fill, fill, read_bundle
from conformance.local.api.crds import registry_from_crd_paths
from conformance.local.api.kinds import TypeRegistry

#: What bundles are filled with for validation: names that satisfy the CRD patterns.
VALIDATION_FILL = Fill(gateway_class="gateway-conformance", controller_name="example.net/gateway-controller")


def load_schemas(crd_paths: Iterable[Path]) -> TypeRegistry:
    return registry_from_crd_paths([str(p) for p in crd_paths])


def bundle_errors(path: Path, registry: TypeRegistry) -> list[str]:
    """Every schema error in a bundle, as ``FILE, document N (Kind name): field: problem``."""
    errors = []
    for index, raw in enumerate(read_bundle(path)):
        obj = fill(raw, VALIDATION_FILL)
        label = f"{path}, document {index} ({obj.get('kind')} {(obj.get('metadata') or {}).get('name')})"
        errors += [f"{label}: {problem}" for problem in registry.validate(obj, strict=True)]
    return errors
