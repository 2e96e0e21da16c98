"""Developer and CI entry points: ``nox -s conformance`` runs the suite, ``nox -s tests`` tests the harness."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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


ALLURE_HELP = """The Allure command line is not installed. It needs Java 17 and the npm package allure-commandline:
    npm install --prefix .tools/allure allure-commandline@2.46.1
    apt-get install openjdk-17-jre-headless      # if 'java -version' finds no Java
then run 'nox -s report' again (it also finds an 'allure' on PATH)."""


@nox.session(python=False)
def report(session: nox.Session) -> None:
    """Build the Allure HTML report, offline and without analytics: ``nox -s report -- [RESULTS_DIR] [OUT_DIR]``.

    RESULTS_DIR defaults to ``reports/allure-results`` (what ``nox -s conformance -- --alluredir=...`` writes);
    the single-file report goes to OUT_DIR (default ``reports/allure-report``).
    """
    results = Path(session.posargs[0] if session.posargs else "reports/allure-results")
    output = Path(session.posargs[1] if len(session.posargs) > 1 else "reports/allure-report")
    if not results.is_dir():
        session.error(f"{results}: no Allure results; run 'nox -s conformance -- --alluredir={results}' first")
    local = Path(".tools/allure/node_modules/.bin/allure")
    allure = str(local) if local.exists() else shutil.which("allure")
    if allure is None or shutil.which("java") is None:
        session.error(ALLURE_HELP)
    # ALLURE_NO_ANALYTICS must be "true" (not "1") for allure 2.46 to leave its analytics tag out.
    env = {"ALLURE_NO_ANALYTICS": "true", "PATH": os.environ.get("PATH", "")}
    session.run(allure, "generate", str(results), "-o", str(output), "--clean", "--single-file", env=env, external=True)
    session.log(f"open {output / 'index.html'}")
