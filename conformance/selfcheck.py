"""``gwconf selfcheck``: prove that every test can fail, and every fault is caught.

The suite runs once against the clean reference gateway and once per fault of the local environment.
A test is *killed* by a fault when it passes clean and fails (or errors) with the fault on. The kill
matrix shows which faults each test catches. It is only worth something if: the clean run passes
everything it ran, every test is killed by some fault, every fault kills some test, and no fault kills
more than a quarter of the tests (a fault that breaks everything proves nothing about any one test).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from conformance.local.faults import catalog
from conformance.recorder import new_run_id
from conformance.resources import suites_root
from conformance.results import Outcome, RunRecord, load, write_json_atomic

#: Against the local environment, status converges in milliseconds: a twentieth of upstream's timeouts
#: (9 s for 180 s, 1.5 s of eventual consistency) keeps a killed test from waiting minutes.
DEFAULT_TIMEOUT_SCALE = 0.05
MAX_KILL_SHARE = 0.25
CLEAN = "(clean)"


@dataclass(slots=True)
class SelfCheck:
    run_id: str
    faults: list[str]
    outcomes: dict[str, dict[str, str]] = field(default_factory=dict)
    """variant ('(clean)' or a fault) -> test short name -> outcome."""
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)

    def tests(self) -> list[str]:
        return sorted(self.outcomes.get(CLEAN, {}))

    def ran_clean(self) -> list[str]:
        return [t for t in self.tests() if self.outcomes[CLEAN][t] != Outcome.NOT_SUPPORTED]

    def killed(self, fault: str) -> list[str]:
        clean = self.outcomes.get(CLEAN, {})
        faulty = self.outcomes.get(fault, {})
        return [t for t in self.tests() if clean.get(t) == Outcome.SUCCEEDED and faulty.get(t) == Outcome.FAILED]

    def problems(self, *, strict: bool = False) -> list[str]:
        """What makes the self-check fail: a test failing clean, or a test no fault kills.

        ``strict`` also fails on the faults' own weaknesses (see ``fault_warnings``).
        """
        found: list[str] = []
        clean = self.outcomes.get(CLEAN, {})
        for test in self.ran_clean():
            if clean[test] != Outcome.SUCCEEDED:
                found.append(f"{test} does not pass on the clean reference gateway ({clean[test]})")
        ran = [t for t in self.ran_clean() if clean[t] == Outcome.SUCCEEDED]
        killers = {t: [f for f in self.faults if t in self.killed(f)] for t in ran}
        found += [f"{t} is killed by no fault" for t, by in killers.items() if not by]
        if strict:
            found += self.fault_warnings()
        return found

    def fault_warnings(self) -> list[str]:
        """Faults that prove little: caught by no test, or by more than a quarter of the tests."""
        clean = self.outcomes.get(CLEAN, {})
        ran = [t for t in self.ran_clean() if clean[t] == Outcome.SUCCEEDED]
        found = []
        for fault in self.faults:
            killed = self.killed(fault)
            if not killed:
                found.append(f"fault {fault} kills no test")
            elif ran and len(killed) / len(ran) > MAX_KILL_SHARE:
                found.append(f"fault {fault} kills {len(killed)} of {len(ran)} tests (more than a quarter)")
        return found

    def to_json(self) -> dict[str, object]:
        return {
            "runId": self.run_id,
            "faults": {name: _breaks(name) for name in self.faults},
            "outcomes": self.outcomes,
            "killedBy": {t: [f for f in self.faults if t in self.killed(f)] for t in self.tests()},
            "kills": {f: self.killed(f) for f in self.faults},
            "problems": self.problems(),
            "faultWarnings": self.fault_warnings(),
        }

    def render(self) -> str:
        tests = self.ran_clean()
        width = max((len(t) for t in tests), default=10)
        lines = ["Faults:"]
        lines += [f"  F{i + 1:<3} {name}: {_breaks(name)}" for i, name in enumerate(self.faults)]
        header = " " * (width + 2) + " ".join(f"F{i + 1:<3}" for i in range(len(self.faults)))
        lines += ["", "Kill matrix (x = the fault makes the test fail; clean = outcome without faults):", header]
        for test in tests:
            cells = " ".join(("x   " if test in self.killed(f) else ".   ") for f in self.faults)
            lines.append(f"{test:<{width}}  {cells} clean={self.outcomes[CLEAN][test]}")
        lines.append("")
        warnings = self.fault_warnings()
        if warnings:
            lines.append("Weak faults (errors with --strict; expected while the tests a fault targets are not ported):")
            lines += [f"  {warning}" for warning in warnings]
        ran = [t for t in tests if self.outcomes[CLEAN][t] == Outcome.SUCCEEDED]
        lines += [f"PROBLEM: {p}" for p in self.problems()] or [
            f"OK: the clean run passes and each of its {len(ran)} tests is killed by at least one fault"
        ]
        return "\n".join(lines)


def _breaks(fault: str) -> str:
    known = catalog().get(fault)
    return known.breaks if known else "(not a fault of this version)"


def _run_variant(fault: str | None, base: Path, run_id: str, pytest_args: Sequence[str], scale: float) -> RunRecord:
    name = "clean" if fault is None else fault
    variant_id = f"{run_id}-{name}"
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(suites_root()),
        "-p",
        "no:cacheprovider",
        "-q",
        "--no-header",
        f"--reports-dir={base}",
        f"--run-id={variant_id}",
        f"--timeout-scale={scale}",
        *pytest_args,
    ]
    if fault is not None:
        cmd.append(f"--local-faults={fault}")
    log = base / f"{variant_id}.log"
    with log.open("wb") as out:
        subprocess.run(
            cmd, stdout=out, stderr=subprocess.STDOUT, check=False, env={**os.environ, "PYTHONUNBUFFERED": "1"}
        )
    results = base / variant_id / "results.json"
    if not results.exists():
        tail = log.read_text(errors="replace").splitlines()[-20:]
        raise RuntimeError(f"the {name} run wrote no results.json; its output ended with:\n" + "\n".join(tail))
    return load(results)


def default_faults() -> list[str]:
    # Robustness faults break everything on purpose; they test the harness, not the tests. Faults awaiting
    # unported tests cannot be seen by any test yet.
    return [name for name, fault in catalog().items() if not fault.robustness and not fault.awaiting]


def left_out() -> list[str]:
    """Lines naming the faults the default self-check leaves out because no ported test can see them."""
    return [f"  {name}: waits for {fault.awaiting}" for name, fault in catalog().items() if fault.awaiting]


def run_selfcheck(
    *,
    faults: Sequence[str] | None,
    pytest_args: Sequence[str],
    reports_dir: Path,
    parallel: int,
    scale: float = DEFAULT_TIMEOUT_SCALE,
) -> tuple[SelfCheck, Path]:
    chosen = list(faults) if faults else default_faults()
    run_id = "selfcheck-" + new_run_id()
    base = reports_dir / run_id
    base.mkdir(parents=True, exist_ok=True)
    check = SelfCheck(run_id, chosen)
    variants: list[str | None] = [None, *chosen]
    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        runs = list(pool.map(lambda f: _run_variant(f, base, run_id, pytest_args, scale), variants))
    for fault, run in zip(variants, runs, strict=True):
        key = CLEAN if fault is None else fault
        check.outcomes[key] = {t.short_name: str(t.outcome) for t in run.tests}
        check.reasons[key] = {t.short_name: t.reason for t in run.tests if t.reason}
    path = base / "selfcheck.json"
    write_json_atomic(path, check.to_json())
    (base / "selfcheck.txt").write_text(check.render() + "\n", encoding="utf-8")
    return check, path


def main(
    faults: Sequence[str] | None, pytest_args: Sequence[str], reports_dir: Path, parallel: int, *, strict: bool = False
) -> int:
    check, path = run_selfcheck(faults=faults, pytest_args=pytest_args, reports_dir=reports_dir, parallel=parallel)
    print(check.render())
    if faults is None and left_out():
        print("\nLeft out (no ported test can see them yet; name them with --faults to run them anyway):")
        print("\n".join(left_out()))
    if strict:
        print("\n".join(f"PROBLEM (--strict): {w}" for w in check.fault_warnings()))
    print(f"\nwrote {path}")
    return 1 if check.problems(strict=strict) else 0


__all__ = ["SelfCheck", "main", "run_selfcheck"]
