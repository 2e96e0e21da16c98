"""Under ``-n N`` tests of one group run on one worker (pytest 9.2 broke xdist's own loadgroup)."""

from __future__ import annotations

import json
import textwrap

import pytest

pytest.importorskip("xdist")

SUITE = textwrap.dedent(
    """
    import json, os
    import pytest

    def record(name):
        with open(os.environ["WORKERS_LOG"], "a") as log:
            log.write(json.dumps([name, os.environ.get("PYTEST_XDIST_WORKER", "none")]) + "\\n")

    @pytest.mark.parametrize("n", range(6))
    @pytest.mark.xdist_group("together")
    def test_grouped(n):
        record(f"grouped-{n}")

    @pytest.mark.parametrize("n", range(6))
    def test_free(n):
        record(f"free-{n}")
    """
)


def test_a_group_runs_on_one_worker_and_the_rest_spreads(pytester: pytest.Pytester, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    log = pytester.path / "workers.jsonl"
    monkeypatch.setenv("WORKERS_LOG", str(log))
    pytester.makepyfile(test_groups=SUITE)
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=12)
    ran = [json.loads(line) for line in log.read_text().splitlines()]
    grouped = {worker for name, worker in ran if name.startswith("grouped")}
    assert len(grouped) == 1, f"the group was split across workers: {ran}"
    assert {worker for _, worker in ran} == {"gw0", "gw1"}, f"only one worker did anything: {ran}"
