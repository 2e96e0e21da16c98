"""The subprocess wrapper's messages, and progress output that stays quiet under CI and without a TTY."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from conformance.process import CommandFailed, ToolMissing, Tools
from conformance.progress import Progress, quiet_environment


def test_missing_tool_says_which_and_how_to_get_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ToolMissing) as err:
        Tools().run(["helm", "version"])
    assert str(err.value).startswith("program helm not found on PATH; install helm")
    assert "https://helm.sh" in str(err.value)


def test_pinned_tool_that_is_not_executable(tmp_path: Path) -> None:
    with pytest.raises(ToolMissing, match=r"program kind not found on .*not an executable file"):
        Tools({"kind": tmp_path / "kind"}).run(["kind", "version"])


def test_failure_shows_the_quoted_command_exit_code_and_stderr_tail() -> None:
    script = "import sys; [print(f'line {i}', file=sys.stderr) for i in range(40)]; sys.exit(3)"
    tools = Tools({"python": Path(sys.executable)})
    with pytest.raises(CommandFailed) as err:
        tools.run(["python", "-c", script, "it's quoted"], why="run a failing tool")
    text = str(err.value)
    assert text.startswith("run a failing tool: command failed with exit code 3: python -c ")
    assert "'it'\"'\"'s quoted'" in text  # shell-quoted, so it can be pasted into a shell
    assert "  | line 39" in text and "line 19" not in text  # the tail, not everything
    assert err.value.returncode == 3


def test_a_shell_string_is_refused() -> None:
    with pytest.raises(TypeError, match="argv list"):
        Tools().run("kind get clusters")  # type: ignore[arg-type]


def test_output_is_captured_and_commands_recorded() -> None:
    tools = Tools({"python": Path(sys.executable)})
    result = tools.run(["python", "-c", "print('hello')"])
    assert result.stdout == "hello\n" and result.returncode == 0
    assert tools.history == [("python", "-c", "print('hello')")]


@pytest.mark.parametrize(("value", "quiet"), [("true", True), ("1", True), ("false", False), ("", False)])
def test_ci_variable(value: str, quiet: bool) -> None:
    assert quiet_environment({"CI": value}) is quiet


def test_progress_prints_steps_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    times = iter([0.0, 61.0])
    progress = Progress.for_terminal(stream, is_tty=True)
    progress.clock = lambda: next(times)
    with progress.step("creating kind cluster x"):
        pass
    assert stream.getvalue().splitlines() == [
        "gateway-conformance: creating kind cluster x ...",
        "gateway-conformance: creating kind cluster x: done (61s)",
    ]


def test_progress_is_quiet_without_a_tty_or_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.delenv("CI", raising=False)
    assert not Progress.for_terminal(stream, is_tty=False).enabled
    monkeypatch.setenv("CI", "true")
    assert not Progress.for_terminal(stream, is_tty=True).enabled
    with Progress.for_terminal(stream, is_tty=True).step("x"):
        pass
    assert stream.getvalue() == ""
