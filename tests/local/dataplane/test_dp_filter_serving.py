"""Filters, timeouts, retries and mirrors, served by the data plane in front of real echo pods."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
from filter_support import (
    FilterEnv,
    cors,
    env_fixture,
    mirror,
    redirect,
    request_headers,
    response_headers,
    rewrite,
    rule,
)

V1, V2, V3 = "infra-backend-v1", "infra-backend-v2", "infra-backend-v3"


@pytest.fixture(scope="module")
def env() -> Iterator[FilterEnv]:
    yield from env_fixture()


def test_rule_and_backend_header_modifiers(env: FilterEnv) -> None:
    backend = env.backend(V1, filters=[request_headers(set=[{"name": "X-Backend", "value": "b"}])])
    answer = env.send(
        [
            rule(
                request_headers(set=[{"name": "X-Set", "value": "s"}], add=[{"name": "X-Add", "value": "a"}]),
                response_headers(add=[{"name": "X-Out", "value": "o"}], remove=["X-Echoed"]),
                backends=[backend],
            )
        ],
        headers={"x-set": "old", "X-Add": "first", "X-Echo-Set-Header": "X-Echoed: 1, X-Out: backend"},
    )
    assert answer.status == 200
    seen = answer.seen_headers
    assert seen["X-Set"] == ["s"]
    assert seen["X-Add"] == ["first", "a"]
    assert seen["X-Backend"] == ["b"]
    assert answer.header("x-out") == "backend,o"
    assert answer.header("x-echoed") is None


def test_backend_filters_only_apply_to_their_backend(env: FilterEnv) -> None:
    backends = [
        env.backend(name, filters=[request_headers(set=[{"name": "Backend", "value": name}])]) for name in (V1, V2)
    ]
    for _ in range(6):
        answer = env.send([rule(backends=backends)])
        assert answer.pod.startswith(answer.seen_headers["Backend"][0])


def test_redirects_answer_without_forwarding(env: FilterEnv) -> None:
    answer = env.send(
        [rule(redirect(statusCode=301, port=8443, scheme="https"), path="/old")], "/old/x?q=1", host="a.example:8080"
    )
    assert (answer.status, answer.header("location")) == (301, "https://a.example:8443/old/x?q=1")
    default = env.send([rule(redirect(hostname="b.example"))], "/p", host="a.example")
    assert (default.status, default.header("location")) == (302, "http://b.example:8080/p")


def test_backend_redirect_uses_the_rule_match(env: FilterEnv) -> None:
    spec = redirect(path={"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"})
    answer = env.send([rule(backends=[env.backend(V1, filters=[spec])], path="/old")], "/old/rest")
    assert (answer.status, answer.header("location")) == (302, "http://example.com:8080/new/rest")


def test_url_rewrite_of_host_and_path(env: FilterEnv) -> None:
    spec = rewrite(hostname="inside.example", path={"type": "ReplacePrefixMatch", "replacePrefixMatch": "/in"})
    answer = env.send([rule(spec, backends=[env.backend(V1)], path="/out")], "/out/a?b=c")
    assert (answer.echo["host"], answer.echo["path"]) == ("inside.example", "/in/a?b=c")
    full = rewrite(path={"type": "ReplaceFullPath", "replaceFullPath": "/only"})
    answer = env.send([rule(backends=[env.backend(V1, filters=[full])], path="/out")], "/out/a")
    assert answer.echo["path"] == "/only"


def test_cors_preflight_is_answered_and_actual_requests_decorated(env: FilterEnv) -> None:
    spec = cors(allowOrigins=["https://a.example"], allowMethods=["GET"], allowCredentials=True)
    rules = [rule(spec, backends=[env.backend(V1)])]
    preflight = env.send(
        rules, method="OPTIONS", headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status == 204 and preflight.echo == {}
    assert preflight.header("access-control-allow-methods") == "GET"
    actual = env.send(rules, headers={"Origin": "https://a.example"})
    assert actual.status == 200 and actual.pod
    assert actual.header("access-control-allow-origin") == "https://a.example"
    assert actual.header("access-control-allow-credentials") == "true"
    plain_options = env.send(rules, method="OPTIONS")
    assert plain_options.status == 200 and plain_options.echo["method"] == "OPTIONS"


def test_unavailable_filters_fail_closed(env: FilterEnv) -> None:
    extension = {"type": "ExtensionRef", "extensionRef": {"group": "x.example", "kind": "Filter", "name": "f"}}
    assert env.send([rule(extension, backends=[env.backend(V1)])]).status == 500


def test_mirrors_copy_the_modified_request(env: FilterEnv) -> None:
    tag = uuid.uuid4().hex
    rules = [
        rule(
            request_headers(set=[{"name": "X-Tag", "value": "t"}]),
            mirror(V2),
            mirror(V3, percent=0),
            backends=[env.backend(V1)],
            mirrors=[env.backend(V2), env.backend(V3)],
        )
    ]
    answer = env.send(rules, f"/m?id={tag}")
    assert answer.status == 200 and answer.pod.startswith(V1)
    assert env.log_count(V2, f"/m?id={tag} ") == 1
    assert env.log_count(V3, f"/m?id={tag} ", settle=0.1) == 0
    assert env.log_count(V1, f"/m?id={tag} ") == 1


def test_a_mirror_without_endpoints_is_skipped(env: FilterEnv) -> None:
    empty = env.backend(V2)
    empty = type(empty)("Service", "infra", "empty", 8080, 1)
    answer = env.send([rule(mirror("empty"), backends=[env.backend(V1)], mirrors=[empty])])
    assert answer.status == 200


def test_request_timeout(env: FilterEnv) -> None:
    rules = [rule(backends=[env.backend(V1)], timeouts={"request": "100ms"})]
    start = time.monotonic()
    assert env.send(rules, "/?delay=1s").status == 504
    assert time.monotonic() - start < 0.9
    assert env.send(rules, "/?delay=10ms").status == 200


def test_backend_timeout_and_zero_disables(env: FilterEnv) -> None:
    assert (
        env.send([rule(backends=[env.backend(V1)], timeouts={"backendRequest": "100ms"})], "/?delay=1s").status == 504
    )
    disabled = [rule(backends=[env.backend(V1)], timeouts={"backendRequest": "0s", "request": "0s"})]
    assert env.send(disabled, "/?delay=200ms").status == 200


def _retry_path(succeed_after: int, code: int | None = None, delay: str = "") -> str:
    path = f"/retry/x?uuid={uuid.uuid4()}&succeedAfter={succeed_after}"
    if code is not None:
        path += f"&responseCode={code}"
    return path + (f"&delayRetry={delay}" if delay else "")


def test_retries_of_listed_codes(env: FilterEnv) -> None:
    rules = [rule(backends=[env.backend(V3)], retry={"codes": [500], "attempts": 2, "backoff": "1ms"})]
    assert env.send(rules, _retry_path(2, 500)).status == 200
    assert env.send(rules, _retry_path(3, 500)).status == 500
    assert env.send(rules, _retry_path(1, 503)).status == 503


def test_retries_of_connection_errors(env: FilterEnv) -> None:
    rules = [rule(backends=[env.backend(V3)], retry={"attempts": 1, "backoff": "1ms"})]
    assert env.send(rules, _retry_path(1)).status == 200
    assert env.send(rules, _retry_path(2)).status == 503
    assert env.send([rule(backends=[env.backend(V3)])], _retry_path(1)).status == 502


def test_retries_of_backend_timeouts_within_the_request_timeout(env: FilterEnv) -> None:
    per_try = [rule(backends=[env.backend(V3)], retry={"attempts": 2}, timeouts={"backendRequest": "100ms"})]
    assert env.send(per_try, _retry_path(1, 500, "150ms")).status == 200
    overall = [
        rule(
            backends=[env.backend(V3)],
            retry={"codes": [500], "attempts": 5, "backoff": "1ms"},
            timeouts={"request": "150ms"},
        )
    ]
    assert env.send(overall, _retry_path(5, 500, "50ms")).status == 504
