"""Developer and CI entry points: ``nox -s conformance`` runs the suite, ``nox -s tests`` tests the harness."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["tests"]
nox.options.reuse_existing_virtualenvs = True

PYTHON = "3.11"


@nox.session(python=PYTHON)
def conformance(session: nox.Session) -> None:
    """Run the conformance suite (default: the local environment and its reference gateway).

    Arguments after ``--`` go to pytest, e.g. ``nox -s conformance -- -k Matching -x``.
    """
    session.install(".[kind]" if "--cluster=kind" in session.posargs or _implementation(session.posargs) else ".")
    # pytest-kind-ng (the 'kind' extra downloads kind with it) registers --kubeconfig as well: keep it unloaded.
    session.run("pytest", "suites", "-p", "no:cacheprovider", "-p", "no:pytest-kind-ng", *session.posargs)


def _implementation(args: list[str]) -> bool:
    """True when a real implementation is asked for (it runs on kind unless --kubeconfig is given)."""
    joined = " ".join(args)
    return "--implementation" in joined and "--implementation=local" not in joined and "--kubeconfig" not in joined


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the harness's own tests (unit, plugin, local environment, end to end)."""
    session.install("-e", ".[dev]")
    session.run("pytest", "tests", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy --strict on the harness."""
    session.install("-e", ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "conformance")
