"""Where the suite's own files are: the bundles under ``manifests/`` and the tests under ``suites/``.

In a source checkout they sit at the top of the repository; in an installed wheel they ship inside the
package (``conformance/_bundled/``), like upstream's embedded file system. A suite module finds its
bundles relative to itself first, so a checkout always uses its own, possibly edited, files.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _root(kind: str) -> Path:
    bundled = resources.files("conformance") / "_bundled" / kind
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = _PACKAGE_DIR.parent / kind
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"the suite's {kind}/ directory is missing (looked in {bundled} and {checkout})")


def manifests_root() -> Path:
    return _root("manifests")


def suites_root() -> Path:
    return _root("suites")


def bundle_path(suite_module: Path, name: str) -> Path:
    """``manifests/<resource>/<name>`` for a suite module in ``suites/<resource>/``."""
    resource = suite_module.parent.name
    beside = suite_module.resolve().parents[2] / "manifests" / resource / name
    if beside.is_file():
        return beside
    return manifests_root() / resource / name


def base_manifests() -> Path:
    return manifests_root() / "base" / "manifests.yaml"
