"""Mirror and retry probes: request ids, log reading through a fake Kube, shares, retry probes per uuid."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from conformance.clock import FakeClock
from conformance.kube.errors import ApiError
from conformance.probes.expectations import ExpectedRequest, ExpectedResponse, Request, Response
from conformance.probes.http import HTTPProbe, ProbeFailure
from conformance.probes.mirror import (
    REQUEST_ID_PARAM,
    EchoLogs,
    MirroredBackend,
    add_request_id,
    mirror_log_pattern,
    share_problem,
    with_request_id,
)
from conformance.probes.retry import expect_consistent_retry_behaviour, retry_path
from conformance.timeouts import TimeoutConfig

NS = "gateway-conformance-infra"


def test_request_ids_are_added_like_upstream() -> None:
    assert with_request_id("/mirror", "abc") == f"/mirror?{REQUEST_ID_PARAM}=abc"
    assert with_request_id(f"/m?z=1&{REQUEST_ID_PARAM}=old&a=2", "new") == f"/m?a=2&{REQUEST_ID_PARAM}=new&z=1"
    expected = ExpectedResponse(request=Request(path="/m"), expected_request=ExpectedRequest(path="/m"))
    tagged = add_request_id(expected, "id1")
    assert tagged.request.path == tagged.expected_request.path == f"/m?{REQUEST_ID_PARAM}=id1"  # type: ignore[union-attr]
    fresh = add_request_id(expected)
    assert fresh.request.path != tagged.request.path


def test_mirror_log_pattern_is_literal() -> None:
    pattern = mirror_log_pattern("/m?a=1")
    assert pattern.search("Echoing back request made to /m?a=1 to client (127.0.0.1:5)")
    assert not pattern.search("Echoing back request made to /mxa=1 to client (127.0.0.1:5)")


def test_share_band_is_three_standard_deviations() -> None:
    assert share_problem(100, 20) is None  # expected 100 +/- 26.8
    assert share_problem(126, 20) is None
    assert share_problem(74, 20) is None
    assert share_problem(127, 20) is not None
    assert share_problem(73, 20) is not None
    assert share_problem(500, 20) is not None
    assert "0 of 500" in (share_problem(0, 50) or "")


class FakeClient:
    def __init__(self, logs: dict[str, str]) -> None:
        self.logs = logs
        self.calls: list[tuple[str, str, str | None, int | None]] = []

    def pod_logs(
        self, namespace: str, pod: str, *, container: str | None = None, since_seconds: int | None = None
    ) -> str:
        self.calls.append((namespace, pod, container, since_seconds))
        if pod not in self.logs:
            raise ApiError("no logs", status=400)
        return self.logs[pod]


class FakeKube:
    def __init__(self, pods: list[dict[str, Any]], logs: dict[str, str]) -> None:
        self.pods = pods
        self.client = FakeClient(logs)
        self.selectors: list[str | None] = []

    def list(
        self, kind: str, namespace: str | None = None, *, label_selector: str | None = None
    ) -> list[dict[str, Any]]:
        assert kind == "Pod"
        self.selectors.append(label_selector)
        return self.pods


def pod(name: str, phase: str = "Running") -> dict[str, Any]:
    return {"metadata": {"name": name}, "status": {"phase": phase}}


LINE = "Echoing back request made to /m?id=1 to client (127.0.0.1:1234)"


def test_echo_logs_read_every_running_pod_of_the_backend() -> None:
    kube = FakeKube(
        [pod("v2-a"), pod("v2-b"), pod("v2-failed", "Failed"), pod("v2-silent")],
        {"v2-a": f"{LINE}\nother\n", "v2-b": f"{LINE}\n", "v2-failed": f"{LINE}\n"},
    )
    logs = EchoLogs(kube, wall=lambda: 1000.0)  # type: ignore[arg-type]
    backend = MirroredBackend("infra-backend-v2", NS)
    assert logs.count(backend, "/m?id=1", since=990.5) == 2
    assert kube.selectors == ["app=infra-backend-v2"]
    assert {call[2:] for call in kube.client.calls} == {("infra-backend-v2", 10)}


def test_expect_mirrored_waits_then_names_the_missing_backends() -> None:
    kube = FakeKube([pod("p")], {"p": ""})
    clock = FakeClock()
    logs = EchoLogs(kube, clock=clock, wall=lambda: 1000.0)  # type: ignore[arg-type]
    with pytest.raises(ProbeFailure, match=r"no mirrored request to /m\?id=1 in the logs of ns/one, ns/two"):
        logs.expect_mirrored(
            [MirroredBackend("one", "ns"), MirroredBackend("two", "ns")], "/m?id=1", since=0, timeout=3
        )
    assert clock.slept >= 3
    kube.client.logs["p"] = LINE
    logs.expect_mirrored([MirroredBackend("one", "ns")], "/m?id=1", since=0, timeout=3)


def test_retry_paths_carry_a_new_uuid() -> None:
    first, second = retry_path("/retry/x", {"succeedAfter": "2"}), retry_path("/retry/x", {"succeedAfter": "2"})
    assert first != second
    query = parse_qs(urlsplit(first).query)
    assert query["succeedAfter"] == ["2"] and len(query["uuid"][0]) == 36


def test_retry_probes_use_a_fresh_uuid_each_time() -> None:
    uuids: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        uuids.append(parse_qs(request.url.query.decode())["uuid"][0])
        return httpx.Response(
            200,
            json={
                "path": request.url.raw_path.decode(),
                "method": "GET",
                "namespace": NS,
                "pod": "infra-backend-v3-a-b",
            },
        )

    http = HTTPProbe(TimeoutConfig(), transport=httpx.MockTransport(handler), clock=FakeClock())
    expect_consistent_retry_behaviour(
        http,
        "10.0.0.1:80",
        "/retry/x",
        {"succeedAfter": "1"},
        Response(status_code=200),
        backend="infra-backend-v3",
        namespace=NS,
    )
    assert len(uuids) == 3 and len(set(uuids)) == 3


def test_retry_probes_fail_with_what_came_back() -> None:
    http = HTTPProbe(
        TimeoutConfig(max_time_to_consistency=1),
        transport=httpx.MockTransport(lambda request: httpx.Response(500)),
        clock=FakeClock(),
    )
    with pytest.raises(
        ProbeFailure, match=r"(?s)uuid=<new per probe>.*expected status code to be one of \[200\], got 500"
    ):
        expect_consistent_retry_behaviour(
            http, "10.0.0.1:80", "/retry/x", {"succeedAfter": "1"}, Response(status_code=200), backend="b", namespace=NS
        )
