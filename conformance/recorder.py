"""Turns pytest's per-phase reports into one upstream outcome per conformance test, and keeps results.json.

Everything arrives through ``pytest_runtest_logreport``, which also sees subtest reports and, under
pytest-xdist, the workers' reports on the controller. A test's identity travels in its reports'
``user_properties`` (``conformance.short_name`` ...), so the recorder never needs the test items.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from conformance.__about__ import __version__
from conformance.results import Outcome, RunRecord, TestRecord, write_json_atomic

if TYPE_CHECKING:
    from pathlib import Path

    from conformance.options import Options
    from conformance.session import RunFacts

PROP_SHORT_NAME = "conformance.short_name"
PROP_FEATURES = "conformance.features"
PROP_PROVISIONAL = "conformance.provisional"
PROP_DESCRIPTION = "conformance.description"
PROP_GATE = "conformance.gate"
"""Set when the plugin skipped the test on purpose: the upstream outcome to record (NOT_SUPPORTED, ...)."""

MAX_REASON = 2000


def new_run_id(now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now()
    return now.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)


def now_rfc3339() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(slots=True)
class _Pending:
    short_name: str
    features: tuple[str, ...]
    provisional: bool
    description: str
    gate: str = ""
    failure: str = ""
    skip: str = ""
    duration: float = 0.0


def _text(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        message = str(report.longrepr[2])
        return message.removeprefix("Skipped: ")
    text = getattr(report, "longreprtext", "") or str(report.longrepr or "")
    return text[-MAX_REASON:]


def _summary(text: str) -> str:
    """The lines of a failure that say what went wrong (pytest's 'E   ' lines), else the tail."""
    lines = [line[4:] for line in text.splitlines() if line.startswith("E   ")]
    chosen = "\n".join(lines) if lines else "\n".join(text.strip().splitlines()[-8:])
    return chosen[:MAX_REASON]


@dataclass(slots=True)
class Recorder:
    run: RunRecord
    directory: Path
    _pending: dict[str, _Pending] = field(default_factory=dict)

    @classmethod
    def create(cls, options: Options, base: Path, *, run_id: str = "") -> Recorder:
        run_id = run_id or options.run_id or new_run_id()
        run = RunRecord(
            run_id=run_id,
            started=now_rfc3339(),
            mode=options.mode,
            cluster=str(options.cluster),
            gateway_class=options.gateway_class,
            profiles=[str(p) for p in options.conformance_profiles],
            exempt_features=sorted(str(f) for f in options.exempt_features),
            skip_tests=sorted(options.skip_tests),
            run_test=options.run_test,
            harness_version=__version__,
        )
        return cls(run, base / run_id)

    @property
    def results_path(self) -> Path:
        return self.directory / "results.json"

    def set_facts(self, facts: RunFacts) -> None:
        run = self.run
        info = facts.implementation
        run.implementation = {
            "organization": info.organization,
            "project": info.project,
            "url": info.url,
            "version": info.version,
            "contact": list(info.contact),
        }
        run.cluster = facts.cluster
        run.gateway_class = facts.gateway_class
        run.controller_name = facts.controller_name
        run.gateway_api_version = facts.gateway_api_version
        run.gateway_api_channel = facts.gateway_api_channel
        run.profiles = [str(p) for p in facts.supported.profiles]
        run.supported_features = sorted(str(f) for f in facts.supported.features)
        run.features_source = str(facts.supported.source)

    def observe(self, report: pytest.TestReport) -> TestRecord | None:
        """Feed one report; returns the finished record after the test's teardown."""
        props = dict(report.user_properties)
        pending = self._pending.get(report.nodeid)
        if pending is None:
            if PROP_SHORT_NAME not in props:
                return None
            pending = _Pending(
                short_name=str(props[PROP_SHORT_NAME]),
                features=tuple(f for f in str(props.get(PROP_FEATURES, "")).split(",") if f),
                provisional=str(props.get(PROP_PROVISIONAL)) == "true",
                description=str(props.get(PROP_DESCRIPTION, "")),
            )
            self._pending[report.nodeid] = pending
        if PROP_GATE in props:
            pending.gate = str(props[PROP_GATE])
        if not isinstance(report, pytest.SubtestReport):
            # A subtest's time is already inside its test's call phase: adding it again counts it twice.
            pending.duration += report.duration
        if report.failed and not pending.failure:
            phase = "" if report.when == "call" else f"{report.when} failed: "
            pending.failure = phase + _summary(_text(report))
        elif report.skipped and not pending.skip:
            pending.skip = _text(report)
        if report.when != "teardown":
            return None
        del self._pending[report.nodeid]
        if pending.failure:
            outcome, reason = Outcome.FAILED, pending.failure
        elif pending.skip:
            outcome = Outcome(pending.gate) if pending.gate else Outcome.SKIPPED
            reason = pending.skip
        else:
            outcome, reason = Outcome.SUCCEEDED, ""
        record = TestRecord(
            short_name=pending.short_name,
            outcome=outcome,
            features=pending.features,
            provisional=pending.provisional,
            description=pending.description,
            reason=reason,
            duration=round(pending.duration, 3),
            nodeid=report.nodeid,
        )
        self.run.tests.append(record)
        self.flush()
        return record

    def flush(self) -> None:
        write_json_atomic(self.results_path, self.run.to_json())

    def finish(self, *, interrupted: bool = False) -> None:
        for nodeid, pending in list(self._pending.items()):
            # Tests that started but never reached teardown: the run stopped under them.
            self.run.tests.append(
                TestRecord(
                    short_name=pending.short_name,
                    outcome=Outcome.INTERRUPTED,
                    features=pending.features,
                    provisional=pending.provisional,
                    description=pending.description,
                    reason="the run was interrupted while this test ran",
                    duration=round(pending.duration, 3),
                    nodeid=nodeid,
                )
            )
        self._pending.clear()
        self.run.interrupted = interrupted
        self.run.finished = now_rfc3339()
        self.flush()
