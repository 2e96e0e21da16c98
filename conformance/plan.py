"""A run's set-up as data: the ordered steps that create a cluster and install an implementation.

The same step list is printed by ``gwconf run --dry-run`` and executed by a real run, so the plan a
user reads is exactly what will happen. A step is either a ``Command`` (an external tool, run through
``conformance.process``) or an ``Action`` (work done in-process or depending on what an earlier step
found, e.g. a MetalLB pool carved from the docker network); dry-run prints both and runs neither.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conformance.process import Tools
    from conformance.progress import Progress


@dataclass(frozen=True, slots=True)
class Command:
    argv: tuple[str, ...]
    why: str
    """One phrase for the plan and the progress line, e.g. 'install Envoy Gateway with helm'."""
    stdin: str | None = None
    stdin_label: str = ""
    """What the piped document is, for the plan (the text itself may be long)."""
    retry_for: float = 0.0
    """Seconds to keep retrying a failing command (a webhook that is not serving yet)."""
    timeout: float | None = None
    long: bool = False
    """Show progress for it (cluster creation, helm --wait, readiness waits)."""

    def describe(self) -> str:
        text = shlex.join(self.argv)
        if self.stdin is not None:
            text += f"  <<< {self.stdin_label or 'manifest on stdin'}"
        return text

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(a for a in self.argv if a.startswith(("https://", "http://", "oci://")))


@dataclass(frozen=True, slots=True)
class Action:
    text: str
    """What happens, including any command it runs, e.g. 'docker network inspect kind -> MetalLB pool'."""
    run: Callable[[], None] = field(compare=False, repr=False)
    long: bool = False

    def describe(self) -> str:
        return f"[{self.text}]"


Step = Command | Action


def cmd(*argv: str, why: str, **kw: object) -> Command:
    return Command(tuple(argv), why, **kw)  # type: ignore[arg-type]


def execute(steps: Iterable[Step], tools: Tools, progress: Progress) -> None:
    for step in steps:
        if isinstance(step, Action):
            if step.long:
                with progress.step(step.text):
                    step.run()
            else:
                step.run()
            continue
        if step.long:
            with progress.step(step.why):
                _run(step, tools)
        else:
            _run(step, tools)


def _run(step: Command, tools: Tools) -> None:
    if step.retry_for:
        tools.run_until_ok(step.argv, stdin=step.stdin, within=step.retry_for, why=step.why)
    else:
        tools.run(step.argv, stdin=step.stdin, timeout=step.timeout, why=step.why)


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    steps: Sequence[Step]


def render(sections: Iterable[Section]) -> str:
    """The plan as text: numbered steps under headed sections, commands shell-quoted."""
    lines: list[str] = []
    number = 0
    for section in sections:
        lines.append(f"# {section.title}")
        if not section.steps:
            lines.append("   (nothing to do)")
        for step in section.steps:
            number += 1
            lines.append(f"{number:>3}. {step.describe()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
