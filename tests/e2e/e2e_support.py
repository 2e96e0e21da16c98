"""Helpers for end-to-end tests that start child processes."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def checkout_env() -> dict[str, str]:
    """The environment for child processes: import ``conformance`` from this checkout, whatever is installed."""
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": str(REPO) + (os.pathsep + path if path else "")}
