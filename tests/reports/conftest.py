"""Fixtures for the report tests: hand-made RunRecords and the checked-in sample data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from conformance.results import Outcome, RunRecord, TestRecord, load

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout, or ``$GWCONF_SHARED_DIR`` (for a checkout kept elsewhere, e.g. a worktree).

    Tests needing it skip without it, saying where it was looked for.
    """
    shared = Path(os.environ.get("GWCONF_SHARED_DIR") or REPO.parent / "shared")
    if not shared.is_dir():
        pytest.skip(f"{shared} is not present (the shared spec and data folder; set GWCONF_SHARED_DIR to use another)")
    return shared


RecordFactory = Callable[..., TestRecord]
RunFactory = Callable[..., RunRecord]


def _record(name: str, outcome: Outcome, *features: str, provisional: bool = False) -> TestRecord:
    return TestRecord(short_name=name, outcome=outcome, features=features, provisional=provisional)


def _run(tests: Sequence[TestRecord], **fields: Any) -> RunRecord:
    defaults: dict[str, Any] = {
        "run_id": "run-1",
        "started": "2026-03-02T09:15:00+01:00",
        "implementation": {
            "organization": "example.org",
            "project": "acme",
            "url": "https://example.org/acme",
            "version": "v1.0.0",
            "contact": ["@acme/maintainers"],
        },
        "gateway_api_version": "v1.6.1",
        "gateway_api_channel": "experimental",
        "profiles": ["GATEWAY-HTTP"],
        "supported_features": ["Gateway", "HTTPRoute", "ReferenceGrant"],
    }
    return RunRecord(**(defaults | fields), tests=list(tests))


@pytest.fixture
def record() -> RecordFactory:
    """``record(name, outcome, *features, provisional=False)``: one TestRecord."""
    return _record


@pytest.fixture
def make_run() -> RunFactory:
    """``make_run(tests, **RunRecord fields)``: a GATEWAY-HTTP run on v1.6.1 experimental unless told otherwise."""
    return _run


@pytest.fixture(scope="session")
def catalogue_head() -> dict[str, Any]:
    """The 162 upstream tests at HEAD after v1.6.1: short name -> {features, provisional}."""
    data: dict[str, Any] = json.loads((DATA / "catalogue-head.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def acme_run() -> RunRecord:
    """A realistic gateway-suite run: GATEWAY-HTTP/GRPC/TLS, some extended features, a few failures and skips."""
    return load(DATA / "run-acme-v1.6.1.json")
