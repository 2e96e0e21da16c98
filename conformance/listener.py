"""Collects conformance outcomes during the run and writes results.json and the reports at the end.

A plugin object (registered by ``conformance.plugin``) rather than module-level hooks, because
``pytest_runtest_logreport`` gets no config: the object holds it. It sees every report, including
subtest reports and, under pytest-xdist, the workers' reports on the controller.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conformance.recorder import PROP_SHORT_NAME, Recorder, new_run_id

if TYPE_CHECKING:
    from conformance.options import Options
    from conformance.results import RunRecord, TestRecord
    from conformance.session import RunFacts


class ResultsListener:
    def __init__(self, config: pytest.Config, options: Options, *, run_id: str = "", worker: bool = False) -> None:
        self._config = config
        self._options = options
        self.run_id = run_id or options.run_id or new_run_id()
        """Decided up front, so that pytest-xdist workers write diagnostics into the controller's directory."""
        self.worker = worker
        """On a pytest-xdist worker the controller records results and writes reports; this one only
        knows where the report directory is."""
        self._recorder: Recorder | None = None
        self.records: list[TestRecord] = []
        self.written: list[Path] = []
        self._finished = False
        self.catalogue: dict[str, dict[str, object]] = {}
        """Every conformance test collected (set at collection), for the support matrix."""
        self.implementation_specific: dict[str, dict[str, list[str]]] = {}
        """The implementation-specific declaration (``--implementation-specific``), kept in results.json."""

    @property
    def recorder(self) -> Recorder:
        """Created on first use: only runs with conformance tests get a report directory."""
        if self._recorder is None:
            base = self._options.reports_dir
            if not base.is_absolute():
                base = Path(self._config.invocation_params.dir) / base
            self._recorder = Recorder.create(self._options, base, run_id=self.run_id)
            self._recorder.run.catalogue = dict(self.catalogue)
            self._recorder.run.implementation_specific = dict(self.implementation_specific)
        return self._recorder

    @property
    def run(self) -> RunRecord | None:
        """The run's record so far; None while no conformance test has reported."""
        return self._recorder.run if self._recorder is not None else None

    def features_of(self, short_name: str) -> frozenset[str]:
        entry = self.catalogue.get(short_name) or {}
        features = entry.get("features")
        return frozenset(str(f) for f in features) if isinstance(features, list) else frozenset()

    @property
    def report_dir(self) -> Path:
        if self.worker:
            base = self._options.reports_dir
            if not base.is_absolute():
                base = Path(self._config.invocation_params.dir) / base
            return base / self.run_id
        return self.recorder.directory

    def set_facts(self, facts: RunFacts) -> None:
        self.recorder.set_facts(facts)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.worker:
            return
        if self._recorder is None and not any(name == PROP_SHORT_NAME for name, _ in report.user_properties):
            return
        record = self.recorder.observe(report)
        if record is not None:
            self.records.append(record)

    def _write(self, *, interrupted: bool) -> None:
        if self._recorder is None or self._finished:
            return
        self._finished = True
        self._recorder.finish(interrupted=interrupted)
        from conformance.reports.output import write_reports

        self.written = [
            self._recorder.results_path,
            *write_reports(self._recorder.run, self._recorder.directory, report_output=self._options.report_output),
        ]

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # After every other finisher (fixture teardown has stopped the cluster), before the summary prints.
        self._write(interrupted=exitstatus == pytest.ExitCode.INTERRUPTED)

    def write_after_abort(self) -> None:
        """Called when the end of the run itself was interrupted (a second Ctrl-C during cleanup)."""
        self._write(interrupted=True)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self._recorder is None:
            return
        terminalreporter.section("gateway-conformance")
        colours = {"SUCCEEDED": {"green": True}, "FAILED": {"red": True}, "INTERRUPTED": {"red": True}}
        width = max((len(r.outcome) for r in self.records), default=9)
        for record in self.records:
            line = f"{record.outcome:<{width}}  {record.short_name} ({record.duration:.1f}s)"
            if record.outcome not in ("SUCCEEDED", "FAILED") and record.reason:
                line += f": {record.reason.splitlines()[0]}"
            terminalreporter.write_line(line, **colours.get(record.outcome, {"yellow": True}))
        counts: dict[str, int] = {}
        for record in self.records:
            counts[record.outcome] = counts.get(record.outcome, 0) + 1
        summary = ", ".join(f"{n} {k.lower()}" for k, n in sorted(counts.items()))
        terminalreporter.write_line(summary or "no conformance test ran")
        for path in self.written:
            terminalreporter.write_line(f"wrote {path}")
