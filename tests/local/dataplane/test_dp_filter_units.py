"""The pure pieces of the filters: header modifiers, path modifiers, redirect locations, CORS, mirror
shares and the timeout/retry policy of a rule."""

from __future__ import annotations

import pytest
from filter_support import rule

from conformance.local.faults import ActiveFaults
from conformance.local.gateway import cors, mirrors, redirects, retries
from conformance.local.gateway.config import Match
from conformance.local.gateway.filters import modify_headers
from conformance.local.gateway.rewrites import modified_path, replace_prefix

CLEAN = ActiveFaults()


def test_header_set_add_remove() -> None:
    headers = [("X-Set", "old"), ("x-set", "older"), ("X-Add", "a"), ("X-Gone", "1"), ("x-gone", "2"), ("Keep", "k")]
    spec = {
        "set": [{"name": "X-Set", "value": "new"}, {"name": "x-SET", "value": "ignored: same name again"}],
        "add": [{"name": "x-add", "value": "b"}, {"name": "X-New", "value": "n"}],
        "remove": ["X-GONE"],
    }
    assert modify_headers(headers, spec, CLEAN, response=False) == [
        ("X-Add", "a"),
        ("Keep", "k"),
        ("X-Set", "new"),
        ("x-add", "b"),
        ("X-New", "n"),
    ]


def test_header_modifier_of_nothing_changes_nothing() -> None:
    assert modify_headers([("A", "1")], {}, CLEAN, response=True) == [("A", "1")]


@pytest.mark.parametrize(
    ("path", "prefix", "replacement", "result"),
    [
        ("/foo/bar", "/foo", "/xyz", "/xyz/bar"),
        ("/foo/bar", "/foo", "/xyz/", "/xyz/bar"),
        ("/foo/bar", "/foo/", "/xyz", "/xyz/bar"),
        ("/foo/bar", "/foo/", "/xyz/", "/xyz/bar"),
        ("/foo", "/foo", "/xyz", "/xyz"),
        ("/foo/", "/foo", "/xyz", "/xyz/"),
        ("/foo/bar", "/foo", "", "/bar"),
        ("/foo/", "/foo", "", "/"),
        ("/foo", "/foo", "", "/"),
        ("/foo/", "/foo", "/", "/"),
        ("/foo", "/foo", "/", "/"),
        ("/anything", "/", "/new", "/new/anything"),
    ],
)
def test_replace_prefix_follows_the_spec_table(path: str, prefix: str, replacement: str, result: str) -> None:
    assert replace_prefix(path, prefix, replacement) == result


def test_path_modifiers() -> None:
    prefix = Match(path_type="PathPrefix", path_value="/old")
    assert modified_path({"type": "ReplaceFullPath", "replaceFullPath": "/new"}, "/old/x", prefix) == "/new"
    assert modified_path({"type": "ReplacePrefixMatch", "replacePrefixMatch": "/new"}, "/old/x", prefix) == "/new/x"
    assert modified_path({"type": "SomethingElse"}, "/old/x", prefix) == "/old/x"


def _location(spec: dict[str, object], *, scheme: str = "http", port: int = 80, target: str = "/a/b?q=1") -> str:
    match = Match(path_type="PathPrefix", path_value="/a")
    return redirects.location(
        spec, scheme=scheme, host="gw.example", listener_port=port, target=target, match=match, faults=CLEAN
    )


@pytest.mark.parametrize(
    ("spec", "scheme", "port", "expected"),
    [
        ({}, "http", 80, "http://gw.example/a/b?q=1"),
        ({}, "http", 8080, "http://gw.example:8080/a/b?q=1"),
        ({}, "https", 443, "https://gw.example/a/b?q=1"),
        ({"hostname": "example.org"}, "http", 80, "http://example.org/a/b?q=1"),
        ({"scheme": "https"}, "http", 80, "https://gw.example/a/b?q=1"),
        ({"scheme": "https"}, "http", 8080, "https://gw.example/a/b?q=1"),
        ({"scheme": "http"}, "https", 443, "http://gw.example/a/b?q=1"),
        ({"port": 8083}, "http", 80, "http://gw.example:8083/a/b?q=1"),
        ({"port": 443, "scheme": "https"}, "http", 80, "https://gw.example/a/b?q=1"),
        ({"port": 80, "scheme": "https"}, "http", 80, "https://gw.example:80/a/b?q=1"),
        ({"path": {"type": "ReplacePrefixMatch", "replacePrefixMatch": "/z"}}, "http", 80, "http://gw.example/z/b?q=1"),
        ({"path": {"type": "ReplaceFullPath", "replaceFullPath": "/full"}}, "http", 80, "http://gw.example/full?q=1"),
    ],
)
def test_redirect_location(spec: dict[str, object], scheme: str, port: int, expected: str) -> None:
    assert _location(spec, scheme=scheme, port=port) == expected


def test_redirect_to_an_ipv6_host_brackets_it() -> None:
    where = redirects.location({}, scheme="http", host="::1", listener_port=80, target="/", match=Match(), faults=CLEAN)
    assert where == "http://[::1]/"


def test_redirect_status_defaults_to_302() -> None:
    assert redirects.status_code({}, CLEAN) == 302
    assert redirects.status_code({"statusCode": 308}, CLEAN) == 308
    assert redirects.status_code({"statusCode": 399}, CLEAN) == 302
    response = redirects.redirect_response({"statusCode": 301}, "http://x/", CLEAN)
    assert (response.status, response.headers) == (301, [("Location", "http://x/"), ("Content-Length", "0")])


@pytest.mark.parametrize(
    ("origins", "origin", "allowed"),
    [
        (["https://www.foo.com"], "https://www.foo.com", True),
        (["https://www.foo.com"], "https://www.foo.com:443", True),
        (["https://www.foo.com"], "http://www.foo.com", False),
        (["https://www.foo.com"], "https://www.foo.com:8443", False),
        (["https://*.bar.com"], "https://www.bar.com", True),
        (["https://*.bar.com"], "https://a.b.bar.com", True),
        (["https://*.bar.com"], "https://bar.com", False),
        (["https://*.bar.com"], "https://foobar.com", False),
        (["http://example.com:8080"], "http://example.com:8080", True),
        (["http://example.com:8080"], "http://example.com", False),
        (["*"], "https://anything.example:12345", True),
        (["https://www.foo.com"], "not an origin", False),
    ],
)
def test_cors_origin_matching(origins: list[str], origin: str, allowed: bool) -> None:
    assert cors.origin_allowed(cors.Policy(origins=tuple(origins)), origin) is allowed


def _preflight(policy: cors.Policy, origin: str = "https://a.example", **extra: str) -> dict[str, str]:
    headers = [("Origin", origin), ("Access-Control-Request-Method", "PUT"), *extra.items()]
    response = cors.preflight_response(policy, headers, CLEAN)
    assert response.status == 204
    return {name.lower(): value for name, value in response.headers}


def test_cors_preflight_lists_what_is_configured() -> None:
    policy = cors.Policy.from_spec(
        {
            "allowOrigins": ["https://a.example"],
            "allowMethods": ["GET", "PUT"],
            "allowHeaders": ["x-one"],
            "exposeHeaders": ["x-two"],
            "allowCredentials": True,
            "maxAge": 60,
        }
    )
    assert _preflight(policy) == {
        "vary": "Origin",
        "access-control-allow-origin": "https://a.example",
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": "x-two",
        "access-control-allow-methods": "GET, PUT",
        "access-control-allow-headers": "x-one",
        "access-control-max-age": "60",
    }


def test_cors_preflight_from_another_origin_gets_no_cors_headers() -> None:
    policy = cors.Policy(origins=("https://a.example",))
    assert _preflight(policy, origin="https://b.example") == {"vary": "Origin"}


def test_cors_wildcards_echo_the_request_with_credentials() -> None:
    policy = cors.Policy(origins=("*",), methods=("*",), headers=("*",), credentials=True)
    got = _preflight(policy, **{"Access-Control-Request-Headers": "x-a, x-b"})
    assert got["access-control-allow-origin"] == "https://a.example"
    assert got["access-control-allow-methods"] == "PUT"
    assert got["access-control-allow-headers"] == "x-a, x-b"
    assert got["access-control-max-age"] == str(cors.DEFAULT_MAX_AGE)


def test_cors_wildcard_headers_without_a_request_for_them() -> None:
    with_credentials = cors.Policy(origins=("*",), headers=("*",), credentials=True)
    assert "access-control-allow-headers" not in _preflight(with_credentials)
    without = cors.Policy(origins=("*",), headers=("*",))
    assert _preflight(without)["access-control-allow-headers"] == "*"


def test_cors_headers_on_actual_requests() -> None:
    policy = cors.Policy(origins=("https://a.example",), expose=("x-e",), credentials=True)
    assert cors.response_headers(policy, (("Origin", "https://a.example"),), CLEAN) == [
        ("Vary", "Origin"),
        ("Access-Control-Allow-Origin", "https://a.example"),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Expose-Headers", "x-e"),
    ]
    assert cors.response_headers(policy, (("Origin", "https://b.example"),), CLEAN) == []
    assert cors.response_headers(policy, (), CLEAN) == []


def test_preflight_detection() -> None:
    assert cors.is_preflight("OPTIONS", [("origin", "x"), ("access-control-request-method", "GET")])
    assert not cors.is_preflight("OPTIONS", [("origin", "x")])
    assert not cors.is_preflight("GET", [("origin", "x"), ("access-control-request-method", "GET")])


@pytest.mark.parametrize(
    ("spec", "share"),
    [
        ({}, 1.0),
        ({"percent": 20}, 0.2),
        ({"percent": 0}, 0.0),
        ({"fraction": {"numerator": 25, "denominator": 50}}, 0.5),
        ({"fraction": {"numerator": 1}}, 0.01),
    ],
)
def test_mirror_share(spec: dict[str, object], share: float) -> None:
    assert mirrors.share(spec) == pytest.approx(share)
    assert mirrors.chosen(spec, CLEAN, draw=0.0) is (share > 0)
    assert mirrors.chosen(spec, CLEAN, draw=0.999) is (share == 1.0)


@pytest.mark.parametrize(
    ("text", "seconds"), [("0s", 0.0), ("500ms", 0.5), ("1h30m", 5400.0), ("2m5s10ms", 125.01), ("10s", 10.0)]
)
def test_gateway_api_durations(text: str, seconds: float) -> None:
    assert retries.parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "1", "1.5s", "-1s", "1d", "s"])
def test_invalid_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        retries.parse_duration(text)


def test_retry_and_timeout_policy_of_a_rule() -> None:
    assert retries.Policy.of(rule(), CLEAN) == retries.Policy()
    policy = retries.Policy.of(
        rule(
            timeouts={"request": "2s", "backendRequest": "500ms"},
            retry={"attempts": 3, "codes": [500, 503], "backoff": "100ms"},
        ),
        CLEAN,
    )
    assert policy == retries.Policy(2.0, 0.5, 3, frozenset({500, 503}), 0.1)
    disabled = retries.Policy.of(rule(timeouts={"request": "0s", "backendRequest": "0s"}, retry={}), CLEAN)
    assert disabled == retries.Policy(None, None, retries.DEFAULT_ATTEMPTS, frozenset(), retries.DEFAULT_BACKOFF)
