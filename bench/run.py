"""The benchmark: how much the harness costs, and how runs scale, against the local environment.

    python bench/run.py              # everything, 3 runs each, writes bench/RESULTS.md
    python bench/run.py --runs 5 --skip-latency

It is a script, not a test: numbers depend on the machine. Each figure is a median over --runs runs of
the whole suite as a user runs it (``pytest suites ...`` in a child process), timed from start to exit:

(a) per-test harness overhead at zero simulated latency: a test's wall time minus the time the local
    environment spent working for it (its controller and data plane report their busy seconds);
(b) the whole GATEWAY-HTTP profile at --local-latency 0, -n 0;
(c) the same with --local-latency 1 (jitter 0.2) at -n 0, -n 2 and -n 4, and the speed-ups;
(d) whether every run gave identical verdicts;
(e) the local API endpoint's writes/s and watch latency p50/p95;
(f) how wall time grows with the number of tests (10, 25, 50, all).

Where a target is missed, the report explains it from a measurement: a cProfile of the harness process
for (a) and (b), the schedule of the pytest-xdist groups for (c).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench import api_speed  # noqa: E402
from bench.overhead_plugin import OUTPUT_ENV  # noqa: E402

SCALING_SEED = 20261122
PROFILE = ("--conformance-profiles=GATEWAY-HTTP", "--all-features")
TARGETS = {
    "overhead_ms": 50.0,
    "suite_seconds": 60.0,
    "speedup_n4": 2.5,
    "writes_per_second": 500.0,
    "watch_p95_ms": 5.0,
}


@dataclass
class Runs:
    label: str
    walls: list[float] = field(default_factory=list)
    outcomes: list[dict[str, str]] = field(default_factory=list)
    durations: list[dict[str, float]] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    def spread(self) -> str:
        return f"{min(self.walls):.1f}-{max(self.walls):.1f}"


def env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": str(REPO) + (os.pathsep + path if path else "")}


def suite_run(args: Sequence[str], work: Path, *, extra_env: dict[str, str] | None = None) -> tuple[float, Path]:
    reports = Path(tempfile.mkdtemp(prefix="run-", dir=work))
    cmd = [sys.executable, "-m", "pytest", str(REPO / "suites"), "-p", "no:cacheprovider", "-q", "--no-header",
           f"--reports-dir={reports}", "--run-id=r", *args]  # fmt: skip
    start = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, env={**env(), **(extra_env or {})}, check=False)
    wall = time.monotonic() - start
    if not (reports / "r" / "results.json").exists():
        raise SystemExit(f"the run {' '.join(args)} wrote no results:\n{done.stdout[-3000:]}{done.stderr[-2000:]}")
    return wall, reports / "r" / "results.json"


def repeat(label: str, args: Sequence[str], runs: int, work: Path) -> Runs:
    result = Runs(label)
    for index in range(runs):
        wall, path = suite_run(args, work)
        data = json.loads(path.read_text())
        result.walls.append(wall)
        result.outcomes.append({t["short_name"]: t["outcome"] for t in data["tests"]})
        result.durations.append({t["short_name"]: float(t["duration"]) for t in data["tests"]})
        print(f"  {label} run {index + 1}/{runs}: {wall:.1f}s", flush=True)
    return result


def slowest(durations: list[dict[str, float]], top: int = 6) -> list[tuple[str, float]]:
    """The ``top`` tests with the longest median duration over several runs."""
    medians = {name: statistics.median(run[name] for run in durations if name in run) for name in durations[0]}
    return sorted(medians.items(), key=lambda item: item[1], reverse=True)[:top]


def overhead(work: Path) -> list[dict[str, float]]:
    out = work / "overhead.json"
    suite_run([*PROFILE, "-p", "bench.overhead_plugin"], work, extra_env={OUTPUT_ENV: str(out)})
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def profile_harness(args: Sequence[str], work: Path, top: int = 15) -> str:
    """cProfile of the pytest process (the harness) for one run; the top functions by own time."""
    reports = Path(tempfile.mkdtemp(prefix="prof-", dir=work))
    stats_file = work / "harness.prof"
    code = f"import sys, cProfile, pytest; cProfile.run('pytest.main(sys.argv[1:])', {str(stats_file)!r})"
    cmd = [sys.executable, "-c", code, str(REPO / "suites"), "-p", "no:cacheprovider", "-q", "--no-header",
           f"--reports-dir={reports}", "--run-id=r", *args]  # fmt: skip
    subprocess.run(cmd, capture_output=True, env=env(), check=False)
    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.sort_stats("tottime").print_stats(top)
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[start : start + top + 1])


def group_schedule(durations: dict[str, float]) -> tuple[float, str, float]:
    """(largest group's share of the serial time, its name, the best possible speed-up) from one run."""
    import importlib.util

    from conformance.grouping import footprint, groups
    from conformance.resources import bundle_path

    footprints = []
    for module_path in sorted((REPO / "suites").rglob("test_*.py")):
        spec = importlib.util.spec_from_file_location(f"bench_{module_path.stem}", module_path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        test = module.CONFORMANCE
        bundles = [bundle_path(module_path, name) for name in test.manifests]
        footprints.append(footprint(test.short_name, test.parallel, bundles))
    names = groups(footprints)
    totals: dict[str, float] = {}
    for test, seconds in durations.items():
        totals[names.get(test, test)] = totals.get(names.get(test, test), 0.0) + seconds
    group, biggest = max(totals.items(), key=lambda item: item[1])
    serial = sum(totals.values())
    return biggest / serial, group, serial / biggest


def render(results: dict[str, object]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {results['date']} on {results['machine']}, {results['runs']} runs per figure (median; min-max in brackets).",
        "",
    ]
    lines += ["| Figure | Result | Target | Reached |", "|---|---|---|---|"]
    for row in results["rows"]:  # type: ignore[attr-defined]
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    for title, body in results["sections"]:  # type: ignore[attr-defined]
        lines += [f"## {title}", "", body, ""]
    return "\n".join(lines)


def ok(good: bool) -> str:
    return "yes" if good else "**no**"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-latency", action="store_true", help="skip (c), the slowest part")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="gwconf-bench-"))
    rows: list[list[str]] = []
    sections: list[tuple[str, str]] = []

    print("(e) local API endpoint", flush=True)
    api = api_speed.measure()
    writes = min(api["creates_per_second"], api["patches_per_second"])
    rows.append(
        [
            "(e) local API writes/s (creates; patches)",
            f"{api['creates_per_second']:.0f}; {api['patches_per_second']:.0f}",
            ">= 500",
            ok(writes >= TARGETS["writes_per_second"]),
        ]
    )
    rows.append(
        [
            "(e) watch latency p50 / p95",
            f"{api['watch_p50_ms']:.2f} / {api['watch_p95_ms']:.2f} ms",
            "p95 <= 5 ms",
            ok(api["watch_p95_ms"] <= TARGETS["watch_p95_ms"]),
        ]
    )

    print("(a) per-test overhead", flush=True)
    per_test = overhead(work)
    overheads = [max(0.0, r["wall"] - r["busy"]) * 1000 for r in per_test]
    median_overhead = statistics.median(overheads)
    rows.append(
        [
            "(a) per-test harness overhead, latency 0",
            f"{median_overhead:.0f} ms (over {len(overheads)} tests)",
            "<= 50 ms",
            ok(median_overhead <= TARGETS["overhead_ms"]),
        ]
    )
    worst = sorted(per_test, key=lambda r: r["wall"] - r["busy"], reverse=True)[:5]
    sections.append(
        (
            "(a) Where the overhead goes",
            "Slowest tests by harness time (wall minus the environment's busy time):\n\n"
            + "\n".join(
                f"- `{r['test'].split('::')[-1]}`: {1000 * (r['wall'] - r['busy']):.0f} ms of {1000 * r['wall']:.0f} ms"
                for r in worst
            ),
        )
    )

    print("(b) GATEWAY-HTTP, latency 0, -n 0", flush=True)
    zero = repeat("latency 0, -n 0", [*PROFILE], args.runs, work)
    rows.append(
        [
            "(b) GATEWAY-HTTP (100 tests), latency 0, -n 0",
            f"{zero.median:.1f} s ({zero.spread()})",
            "<= 60 s",
            ok(zero.median <= TARGETS["suite_seconds"]),
        ]
    )
    if median_overhead > TARGETS["overhead_ms"] or zero.median > TARGETS["suite_seconds"]:
        sections.append(
            ("Profile of the harness process (latency 0)", "```\n" + profile_harness([*PROFILE], work) + "\n```")
        )

    all_runs = [zero]
    if not args.skip_latency:
        latency = ["--local-latency=1", "--local-jitter=0.2"]
        serial = repeat("latency 1, -n 0", [*PROFILE, *latency], args.runs, work)
        two = repeat("latency 1, -n 2", [*PROFILE, *latency, "-n", "2"], args.runs, work)
        four = repeat("latency 1, -n 4", [*PROFILE, *latency, "-n", "4"], args.runs, work)
        all_runs += [serial, two, four]
        for runs in (serial, two, four):
            rows.append([f"(c) GATEWAY-HTTP, {runs.label}", f"{runs.median:.1f} s ({runs.spread()})", "", ""])
        speed2, speed4 = serial.median / two.median, serial.median / four.median
        rows.append(
            [
                "(c) speed-up -n 2 / -n 4 over -n 0",
                f"{speed2:.2f}x / {speed4:.2f}x",
                "-n 4 >= 2.5x",
                ok(speed4 >= TARGETS["speedup_n4"]),
            ]
        )
        share, group, bound = group_schedule(serial.durations[0])
        sections.append(
            (
                "(c) What bounds the parallel speed-up",
                (
                    f"Tests that attach routes to the same shared Gateway, or apply the same object, take turns on one worker "
                    f"(README, *Parallel runs*). "
                    f"From the per-test times of a serial run at latency 1 s, the largest group (`{group}`) holds "
                    f"{share:.0%} of the serial time, so no number of workers can make the run more than {bound:.2f}x faster; "
                    f"-n 4 reached {speed4:.2f}x."
                ),
            )
        )

    reference = all_runs[0].outcomes[0]
    identical = all(o == reference for runs in all_runs for o in runs.outcomes)
    differing = sorted({t for runs in all_runs for o in runs.outcomes for t in o if o.get(t) != reference.get(t)})
    rows.append(
        [
            "(d) identical verdicts in every run",
            "yes" if identical else f"no: {', '.join(differing)}",
            "identical",
            ok(identical),
        ]
    )

    print("(f) scaling with the number of tests", flush=True)
    modules = sorted(str(p) for p in (REPO / "suites").rglob("test_*.py"))
    # A fixed shuffle, so that each size is a mix of the suite (in file order the first half is mostly
    # status-only tests and the traffic-heavy HTTPRoute tests all come last) and each set holds the smaller.
    random.Random(SCALING_SEED).shuffle(modules)
    scaling = []
    for count in (10, 25, 50, len(modules)):
        chosen = modules[:count]
        runs = Runs(f"{count} tests")
        for _ in range(args.runs):
            start = time.monotonic()
            cmd = [sys.executable, "-m", "pytest", *chosen, "-p", "no:cacheprovider", "-q", "--no-header", *PROFILE,
                   f"--reports-dir={tempfile.mkdtemp(dir=work)}"]  # fmt: skip
            subprocess.run(cmd, capture_output=True, env=env(), check=False)
            runs.walls.append(time.monotonic() - start)
        scaling.append((count, runs))
        print(f"  {count} tests: {runs.median:.1f}s", flush=True)
    base = scaling[0][1].median
    sections.append(
        (
            "(f) Wall time by number of tests (latency 0, -n 0)",
            "| tests | wall (s) | per test beyond the first 10 (s) |\n|---|---|---|\n"
            + "\n".join(
                f"| {count} | {runs.median:.1f} ({runs.spread()}) | {((runs.median - base) / (count - 10)) if count > 10 else 0:.2f} |"
                for count, runs in scaling
            )
            + "\n\nThe fixed cost (interpreter, local environment, base set-up with 14 generated certificates) is in the first row. "
            f"Each size is a prefix of one fixed shuffle of the test modules (seed {SCALING_SEED}). "
            "What a test costs beyond that is mostly what it tests, not the harness; the slowest at latency 0 "
            "(median of the (b) runs):\n\n"
            + "\n".join(f"- `{name}`: {seconds:.1f} s" for name, seconds in slowest(zero.durations)),
        )
    )

    results = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "runs": args.runs,
        "rows": rows,
        "sections": sections,
    }
    args.out.write_text(render(results) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
