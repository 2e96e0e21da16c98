"""Lint of the suite itself: every module declares a valid CONFORMANCE matching upstream's catalogue."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from conformance.kube.apply import bundle_features, read_bundle
from conformance.metadata import ConformanceTest
from conformance.resources import bundle_path

REPO = Path(__file__).resolve().parents[2]
SUITE_FILES = sorted((REPO / "suites").rglob("test_*.py"))


def load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"suite_{path.parent.name}_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MODULES = {path: load(path) for path in SUITE_FILES}


@pytest.fixture(scope="module")
def catalog(shared_dir: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    data = yaml.safe_load((shared_dir / "spec" / "catalog.yaml").read_text())
    return {t["short_name"]: t for t in data["tests"]}


def test_there_are_suites() -> None:
    assert len(SUITE_FILES) >= 17


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_module_declares_one_conformance_test(path: Path) -> None:
    module = MODULES[path]
    test = getattr(module, "CONFORMANCE", None)
    assert isinstance(test, ConformanceTest), f"{path} has no CONFORMANCE = ConformanceTest(...)"
    functions = [
        n
        for n, f in inspect.getmembers(module, inspect.isfunction)
        if n.startswith("test_") and f.__module__ == module.__name__
    ]
    assert len(functions) == 1, f"{path}: one upstream test must be one pytest item, found {functions}"
    assert (module.__doc__ or "").startswith("Port of conformance/tests/"), f"{path}: first line must cite upstream"


def test_short_names_are_unique() -> None:
    names = [m.CONFORMANCE.short_name for m in MODULES.values()]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_metadata_matches_upstream_catalog(path: Path, catalog: dict[str, dict]) -> None:  # type: ignore[type-arg]
    test: ConformanceTest = MODULES[path].CONFORMANCE
    assert test.short_name in catalog, f"{test.short_name} is not an upstream test"
    facts = catalog[test.short_name]
    assert sorted(test.features) == sorted(facts["features"]), f"{test.short_name}: features differ from upstream"
    assert test.provisional == facts["provisional"], f"{test.short_name}: provisional flag differs from upstream"
    assert test.parallel == facts["parallel"], f"{test.short_name}: parallel flag differs from upstream"
    go_file = facts["go_file"]
    assert (MODULES[path].__doc__ or "").startswith(f"Port of {go_file} "), f"{path} should cite {go_file}"
    stems = {Path(go_file).stem}
    if sum(1 for t in catalog.values() if t["go_file"] == go_file) > 1:
        # A Go file declaring several tests: one module each, named after the Go file or the test's bundle.
        stems |= {Path(m).stem for m in facts["manifests"]}
    allowed = {"test_" + stem.replace("-", "_") for stem in stems}
    assert path.stem in allowed, f"{path.name} should be named after {go_file} (one of {sorted(allowed)})"
    expected_manifests = [Path(m).name for m in facts["manifests"]]
    assert list(test.manifests) == expected_manifests


@pytest.mark.parametrize("path", SUITE_FILES, ids=lambda p: p.stem)
def test_bundles_exist_parse_and_carry_their_feature_tag(path: Path) -> None:
    test: ConformanceTest = MODULES[path].CONFORMANCE
    for name in test.manifests:
        bundle = bundle_path(path, name)
        assert bundle.is_file(), f"{test.short_name}: missing bundle {bundle}"
        assert read_bundle(bundle), f"{bundle} holds no objects"
        tag = bundle_features(bundle.read_text())
        assert tag is not None, f"{bundle} lacks its '# features:' tag"
        assert sorted(tag) == sorted(test.features), f"{bundle}: tag {tag} differs from {test.short_name}'s features"
