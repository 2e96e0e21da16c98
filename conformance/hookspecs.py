"""Hooks the plugin offers to other plugins (registered in ``plugin.pytest_addhooks``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def pytest_gwconf_diagnostics(item: pytest.Item, directory: Path, files: list[Path]) -> None:
    """Diagnostics of a failed conformance test were saved under ``directory`` (redacted already).

    Implement it to attach the files elsewhere, e.g. to the test's Allure result.
    """
