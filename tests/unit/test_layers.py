"""The package's "only" rules (STYLE.md §1), checked on the source so that a shortcut shows up in CI."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "conformance"


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def users_of(module: str) -> set[str]:
    return {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if module in imports_of(p)}


def test_only_the_kube_package_uses_the_kubernetes_client() -> None:
    assert {p for p in users_of("kubernetes") if not p.startswith("kube/")} == set()


def test_only_probes_talk_http_to_gateways() -> None:
    assert {p for p in users_of("httpx") if not p.startswith("probes/")} == set()


def test_reports_do_not_depend_on_pytest() -> None:
    assert {p for p in users_of("pytest") if p.startswith("reports/")} == set()


def test_the_local_environment_does_not_use_the_harness_clients() -> None:
    local = {p for p in users_of("conformance") if p.startswith("local/")}
    for path in local:
        text = (PACKAGE / path).read_text()
        assert "conformance.kube" not in text, f"{path} reaches into the harness's kube layer"
        assert "conformance.probes" not in text, f"{path} reaches into the harness's probes"


def test_only_the_process_wrapper_runs_external_tools() -> None:
    """kind, kubectl, helm and docker only through conformance/process.py (local.py and selfcheck start Python)."""
    assert users_of("subprocess") - {"process.py", "clusters/local.py", "selfcheck.py"} == set()
    for path in PACKAGE.rglob("*.py"):
        assert "shell=True" not in path.read_text(), f"{path} runs a shell"
