"""Nothing in the harness or the suite waits a fixed time: waits follow watches or poll a condition.

A sleep whose length is a literal (``time.sleep(2)``, ``asyncio.sleep(0.5)``) is a guess at how long
something takes; it makes runs slower on fast implementations and flaky on slow ones. Polls sleep a
named interval from the timeout configuration, which this check does not flag.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def literal_sleeps(source: str) -> list[int]:
    """Line numbers of ``<anything>.sleep(<number>)`` and ``sleep(<number>)`` calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        first = node.args[0]
        if name == "sleep" and isinstance(first, ast.Constant) and isinstance(first.value, int | float):
            found.append(node.lineno)
    return found


def test_the_check_finds_literal_sleeps_and_passes_named_intervals() -> None:
    assert literal_sleeps("import time\ntime.sleep(2)\nawait_ = 1\n") == [2]
    assert literal_sleeps("async def f():\n    await asyncio.sleep(0.5)\n") == [2]
    assert literal_sleeps("clock.sleep(self.timeouts.default_poll_interval)\ntime.sleep(interval)\n") == []


@pytest.mark.parametrize("tree", ["conformance", "suites"])
def test_no_fixed_sleeps(tree: str) -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / tree).rglob("*.py"))
        for line in literal_sleeps(path.read_text())
    ]
    assert not offenders, f"fixed-length sleeps (wait for a condition instead): {', '.join(offenders)}"
