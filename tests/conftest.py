"""Shared configuration of the harness's own tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
# ``../shared`` beside the checkout; GWCONF_SHARED_DIR points elsewhere (e.g. from a git worktree).
SHARED = Path(os.environ.get("GWCONF_SHARED_DIR") or REPO.parent / "shared")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout (spec, CRDs, upstream reports); tests needing it skip without it."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not present (the shared spec and data folder sits beside the checkout)")
    return SHARED


@pytest.fixture(scope="session")
def crd_dir(shared_dir: Path) -> Path:
    return shared_dir / "data" / "crds" / "v1.6.1" / "experimental"
