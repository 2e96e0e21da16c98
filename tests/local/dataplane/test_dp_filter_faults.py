"""Each filter fault changes exactly the behaviour it is about, and nothing else.

A corpus of small scenarios (a rule and one request through a real data plane) is served clean and
under each fault of faults_filters.py; the scenarios whose outcome changes must be exactly the ones
listed for that fault.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Hashable, Iterator

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

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import faults_filters as FF
from conformance.local.gateway.config import HeaderMatch, Match

V1, V2, V3 = "infra-backend-v1", "infra-backend-v2", "infra-backend-v3"
Scenario = Callable[[FilterEnv, ActiveFaults], Hashable]


@pytest.fixture(scope="module")
def env() -> Iterator[FilterEnv]:
    yield from env_fixture()


def _seen(env: FilterEnv, faults: ActiveFaults, *filters: dict[str, object], **headers: str) -> Hashable:
    answer = env.send([rule(*filters, backends=[env.backend(V1)])], faults=faults, headers=headers)
    return tuple(sorted((k, tuple(v)) for k, v in answer.seen_headers.items() if k.startswith("X-H")))


def _location(env: FilterEnv, faults: ActiveFaults, **spec: object) -> Hashable:
    answer = env.send([rule(redirect(**spec), path="/from")], "/from/rest", faults=faults, host="gw.example")
    return answer.status, answer.header("location")


def _echo(env: FilterEnv, faults: ActiveFaults, spec: dict[str, object], field: str) -> Hashable:
    answer = env.send([rule(spec, backends=[env.backend(V1)], path="/from")], "/from/rest", faults=faults)
    return answer.status, answer.echo.get(field)


def _backend_filters(env: FilterEnv, faults: ActiveFaults, first_weight: int) -> Hashable:
    backends = [
        env.backend(V1, weight=first_weight, filters=[request_headers(set=[{"name": "X-H-Backend", "value": "one"}])]),
        env.backend(V2, filters=[request_headers(set=[{"name": "X-H-Backend", "value": "two"}])]),
    ]
    answer = env.send([rule(backends=backends)], faults=faults)
    return answer.pod.rsplit("-", 2)[0], tuple(answer.seen_headers.get("X-H-Backend", ()))


def _preflight(env: FilterEnv, faults: ActiveFaults, **spec: object) -> Hashable:
    rules = [rule(cors(**spec), backends=[env.backend(V1)])]
    answer = env.send(
        rules,
        method="OPTIONS",
        faults=faults,
        headers={"Origin": "https://a.example", "Access-Control-Request-Method": "GET"},
    )
    return answer.status, answer.header("access-control-allow-origin"), bool(answer.echo)


def _timed(env: FilterEnv, faults: ActiveFaults, delay: str, **timeouts: str) -> Hashable:
    return env.send([rule(backends=[env.backend(V1)], timeouts=timeouts)], f"/?delay={delay}", faults=faults).status


def _retried(env: FilterEnv, faults: ActiveFaults, query: str, **retry: object) -> Hashable:
    rules = [rule(backends=[env.backend(V3)], retry={"backoff": "1ms", **retry})]
    return env.send(rules, f"/retry/x?uuid={uuid.uuid4()}&{query}", faults=faults).status


def _precedence(env: FilterEnv, faults: ActiveFaults, *matches: Match, path: str = "/", **headers: str) -> Hashable:
    """Which of the rules (one per match, in order, to v1, v2, v3) serves the request."""
    services = (V1, V2, V3)
    rules = [rule(backends=[env.backend(services[i])], match=m, index=i) for i, m in enumerate(matches)]
    answer = env.send(rules, path, method="PATCH", faults=faults, headers=headers)
    return answer.pod.rsplit("-", 2)[0]


def _mirrored(env: FilterEnv, faults: ActiveFaults, *filters: dict[str, object], to: str = V2) -> Hashable:
    tag = uuid.uuid4().hex
    mirrors = [env.backend(V2), env.backend(V3)][: len(filters)]
    env.send([rule(*filters, backends=[env.backend(V1)], mirrors=mirrors)], f"/m?id={tag}", faults=faults)
    return env.log_count(to, f"/m?id={tag} ", settle=0.15)


SCENARIOS: dict[str, Scenario] = {
    "set-existing": lambda e, f: _seen(e, f, request_headers(set=[{"name": "X-H", "value": "new"}]), **{"X-H": "old"}),
    "set-other-case": lambda e, f: _seen(e, f, request_headers(set=[{"name": "X-H", "value": "new"}]), **{"x-h": "o"}),
    "remove-other-case": lambda e, f: _seen(e, f, request_headers(remove=["X-H"]), **{"x-h": "old"}),
    "add": lambda e, f: _seen(e, f, request_headers(add=[{"name": "X-H", "value": "more"}]), **{"X-H": "old"}),
    "response-add": lambda e, f: e.send(
        [rule(response_headers(add=[{"name": "X-H", "value": "gw"}]), backends=[e.backend(V1)])],
        faults=f,
        headers={"X-Echo-Set-Header": "X-H: backend"},
    ).header("x-h"),
    "backend-filter": lambda e, f: _backend_filters(e, f, 1),
    "backend-filter-second": lambda e, f: _backend_filters(e, f, 0),
    "redirect-status": lambda e, f: _location(e, f, statusCode=301),
    "redirect-scheme": lambda e, f: _location(e, f, scheme="https"),
    "redirect-port": lambda e, f: _location(e, f, port=8083),
    "redirect-hostname": lambda e, f: _location(e, f, hostname="example.org"),
    "redirect-prefix": lambda e, f: _location(e, f, path={"type": "ReplacePrefixMatch", "replacePrefixMatch": "/to"}),
    "redirect-full-path": lambda e, f: _location(e, f, path={"type": "ReplaceFullPath", "replaceFullPath": "/to"}),
    "rewrite-prefix": lambda e, f: _echo(
        e, f, rewrite(path={"type": "ReplacePrefixMatch", "replacePrefixMatch": "/to"}), "path"
    ),
    "rewrite-hostname": lambda e, f: _echo(e, f, rewrite(hostname="inside.example"), "host"),
    "cors-preflight": lambda e, f: _preflight(e, f, allowOrigins=["https://a.example"]),
    "cors-wildcard-credentials": lambda e, f: _preflight(e, f, allowOrigins=["*"], allowCredentials=True),
    "request-timeout": lambda e, f: _timed(e, f, "150ms", request="30ms"),
    "backend-timeout": lambda e, f: _timed(e, f, "150ms", backendRequest="30ms"),
    "zero-timeouts": lambda e, f: _timed(e, f, "10ms", request="0s", backendRequest="0s"),
    "retry-code": lambda e, f: _retried(e, f, "succeedAfter=1&responseCode=500", codes=[500], attempts=2),
    "retry-attempts": lambda e, f: _retried(e, f, "succeedAfter=2&responseCode=500", codes=[500], attempts=2),
    "retry-unlisted-code": lambda e, f: _retried(e, f, "succeedAfter=1&responseCode=503", codes=[500], attempts=1),
    "retry-reset": lambda e, f: _retried(e, f, "succeedAfter=1", codes=[500], attempts=2),
    "mirror": lambda e, f: _mirrored(e, f, mirror(V2)),
    "mirror-second": lambda e, f: _mirrored(e, f, mirror(V2), mirror(V3), to=V3),
    "mirror-none-of-them": lambda e, f: _mirrored(e, f, mirror(V2, percent=0)),
    "method-over-headers": lambda e, f: _precedence(
        e, f, Match(headers=(HeaderMatch("Exact", "version", "four"),)), Match(method="PATCH"), version="four"
    ),
    "headers-over-query": lambda e, f: _precedence(
        e,
        f,
        Match(query_params=(HeaderMatch("Exact", "animal", "hydra"),)),
        Match(headers=(HeaderMatch("Exact", "version", "four"),)),
        path="/?animal=hydra",
        version="four",
    ),
    "longest-prefix": lambda e, f: _precedence(e, f, Match(path_value="/a"), Match(path_value="/a/b"), path="/a/b/c"),
}

CHANGES = {
    FF.HEADER_SET_APPENDS: {"set-existing", "set-other-case"},
    FF.HEADER_MODIFIER_NAMES_CASE_SENSITIVE: {"set-other-case", "remove-other-case"},
    FF.RESPONSE_HEADER_ADD_REPLACES: {"response-add"},
    FF.BACKEND_FILTERS_IGNORED: {"backend-filter", "backend-filter-second"},
    FF.BACKEND_FILTERS_OF_FIRST_BACKEND: {"backend-filter-second"},
    FF.REDIRECT_STATUS_ALWAYS_302: {"redirect-status"},
    FF.REDIRECT_SCHEME_KEEPS_PORT: {"redirect-scheme"},
    FF.REDIRECT_PORT_IGNORED: {"redirect-port"},
    FF.REDIRECT_HOSTNAME_IGNORED: {"redirect-hostname"},
    FF.REDIRECT_PREFIX_DROPS_REMAINDER: {"redirect-prefix"},
    FF.REWRITE_PREFIX_DROPS_REMAINDER: {"rewrite-prefix"},
    FF.REWRITE_HOSTNAME_IGNORED: {"rewrite-hostname"},
    FF.CORS_PREFLIGHT_FORWARDED: {"cors-preflight", "cors-wildcard-credentials"},
    FF.CORS_WILDCARD_WITH_CREDENTIALS: {"cors-wildcard-credentials"},
    FF.REQUEST_TIMEOUT_IGNORED: {"request-timeout"},
    FF.BACKEND_TIMEOUT_IGNORED: {"backend-timeout"},
    FF.ZERO_TIMEOUT_NOT_DISABLED: {"zero-timeouts"},
    FF.RETRIES_IGNORED: {"retry-code", "retry-attempts", "retry-reset"},
    FF.RETRY_ATTEMPTS_COUNT_FIRST_TRY: {"retry-attempts"},
    FF.RETRY_ANY_STATUS: {"retry-unlisted-code"},
    FF.CONNECTION_ERRORS_NOT_RETRIED: {"retry-reset"},
    FF.MIRROR_NOT_SENT: {"mirror", "mirror-second"},
    FF.MIRROR_FIRST_ONLY: {"mirror-second"},
    FF.MIRROR_PERCENTAGE_IGNORED: {"mirror-none-of-them"},
    FF.METHOD_BELOW_HEADERS: {"method-over-headers"},
    FF.QUERY_ABOVE_HEADERS: {"headers-over-query"},
    FF.PREFIX_LENGTH_IGNORED: {"longest-prefix"},
    FF.NAMED_RULES_DROPPED: set(),  # a controller fault: see tests/local/gateway/test_gw_filter_checks.py
}

CLEAN_OUTCOMES: dict[str, Hashable] = {
    "set-existing": (("X-H", ("new",)),),
    "set-other-case": (("X-H", ("new",)),),
    "remove-other-case": (),
    "add": (("X-H", ("old", "more")),),
    "response-add": "backend,gw",
    "backend-filter": None,  # the two backends alternate: compared by the fault runs only
    "backend-filter-second": (V2, ("two",)),
    "redirect-status": (301, "http://gw.example:8080/from/rest"),
    "redirect-scheme": (302, "https://gw.example/from/rest"),
    "redirect-port": (302, "http://gw.example:8083/from/rest"),
    "redirect-hostname": (302, "http://example.org:8080/from/rest"),
    "redirect-prefix": (302, "http://gw.example:8080/to/rest"),
    "redirect-full-path": (302, "http://gw.example:8080/to"),
    "rewrite-prefix": (200, "/to/rest"),
    "rewrite-hostname": (200, "inside.example"),
    "cors-preflight": (204, "https://a.example", False),
    "cors-wildcard-credentials": (204, "https://a.example", False),
    "request-timeout": 504,
    "backend-timeout": 504,
    "zero-timeouts": 200,
    "retry-code": 200,
    "retry-attempts": 200,
    "retry-unlisted-code": 503,
    "retry-reset": 200,
    "mirror": 1,
    "mirror-second": 1,
    "mirror-none-of-them": 0,
    "method-over-headers": V2,
    "headers-over-query": V2,
    "longest-prefix": V2,
}


def _outcomes(env: FilterEnv, faults: ActiveFaults) -> dict[str, Hashable]:
    found = {name: scenario(env, faults) for name, scenario in SCENARIOS.items()}
    # The rule's two backendRefs alternate; only which filters travel with which backend is compared.
    found["backend-filter"] = found["backend-filter"] in ((V1, ("one",)), (V2, ("two",)))
    return found


@pytest.fixture(scope="module")
def clean(env: FilterEnv) -> dict[str, Hashable]:
    return _outcomes(env, ActiveFaults())


def test_every_fault_is_covered() -> None:
    assert set(CHANGES) == {fault.name for fault in FF.FILTERS_FAULTS}


def test_faults_are_well_formed() -> None:
    for fault in FF.FILTERS_FAULTS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", fault.name), fault.name
        assert fault.breaks.endswith(".")


def test_clean_outcomes_follow_the_spec(clean: dict[str, Hashable]) -> None:
    expected = {**CLEAN_OUTCOMES, "backend-filter": True}
    assert clean == expected


@pytest.mark.parametrize("fault", sorted(CHANGES))
def test_fault_changes_exactly_its_behaviour(fault: str, env: FilterEnv, clean: dict[str, Hashable]) -> None:
    broken = _outcomes(env, ActiveFaults(frozenset({fault})))
    assert {name for name in SCENARIOS if broken[name] != clean[name]} == CHANGES[fault]
