"""``gwconf selfcheck`` end to end with two faults: the matrix shows what each fault kills."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from e2e_support import checkout_env


def test_selfcheck_marks_the_tests_each_fault_kills(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance.cli",
            "selfcheck",
            "--faults=header-matches-ignored,ignore-reference-grants",
            f"--reports-dir={tmp_path}",
            "-k",
            "HTTPRouteHeaderMatching or HTTPRouteInvalidCrossNamespaceBackendRef or HTTPRouteSimpleSameNamespace",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=checkout_env(),
    )
    output = done.stdout + done.stderr
    files = list(tmp_path.glob("selfcheck-*/selfcheck.json"))
    assert len(files) == 1, output[-3000:]
    result = json.loads(files[0].read_text())
    assert result["kills"]["header-matches-ignored"] == ["HTTPRouteHeaderMatching"]
    assert result["kills"]["ignore-reference-grants"] == ["HTTPRouteInvalidCrossNamespaceBackendRef"]
    assert set(result["outcomes"]["(clean)"].values()) == {"SUCCEEDED"}
    # HTTPRouteSimpleSameNamespace survives both faults: the run says so and fails.
    assert "HTTPRouteSimpleSameNamespace is killed by no fault" in result["problems"]
    assert done.returncode == 1
    assert "Kill matrix" in output
