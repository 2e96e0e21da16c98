from __future__ import annotations

import pytest

from conformance.timeouts import (
    TimeoutConfig,
    TimeoutConfigError,
    differences,
    from_mapping,
    from_overrides,
    parse_go_duration,
    scaled,
)


def test_defaults_are_upstreams() -> None:
    t = TimeoutConfig()
    assert t.gwc_must_be_accepted == 180
    assert t.max_time_to_consistency == 30
    assert t.namespaces_must_be_ready == 300
    assert t.default_poll_interval == 0.1
    assert t.required_consecutive_successes == 3
    assert t.test_isolation == 0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30s", 30), ("1m30s", 90), ("250ms", 0.25), ("1h", 3600), ("1.5s", 1.5), ("0", 0), ("2us", 2e-6)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "30", "3x", "s", "1m30"])
def test_bad_go_durations(text: str) -> None:
    with pytest.raises(ValueError, match="is not a duration"):
        parse_go_duration(text)


def test_overrides_use_go_names() -> None:
    t = from_overrides("MaxTimeToConsistency:60; RequiredConsecutiveSuccesses:5", base=TimeoutConfig())
    assert t.max_time_to_consistency == 60
    assert t.required_consecutive_successes == 5
    assert differences(t) == {"MaxTimeToConsistency": 60, "RequiredConsecutiveSuccesses": 5}


def test_zero_means_default_except_test_isolation() -> None:
    t = from_overrides("CreateTimeout:0;TestIsolation:0", base=TimeoutConfig(create_timeout=5))
    assert t.create_timeout == 60
    assert t.test_isolation == 0


def test_unknown_override_name_suggests() -> None:
    with pytest.raises(TimeoutConfigError, match="Did you mean MaxTimeToConsistency"):
        from_overrides("MaxTimeToConsistancy:5", base=TimeoutConfig())


def test_override_needs_whole_seconds() -> None:
    with pytest.raises(TimeoutConfigError, match="whole number of seconds"):
        from_overrides("CreateTimeout:1.5", base=TimeoutConfig())


def test_mapping_takes_go_durations_and_nanoseconds() -> None:
    t = from_mapping({"maxTimeToConsistency": "45s", "createTimeout": 2_000_000_000}, base=TimeoutConfig(), where="f")
    assert (t.max_time_to_consistency, t.create_timeout) == (45, 2)


def test_mapping_rejects_unknown_keys_and_bad_values() -> None:
    with pytest.raises(TimeoutConfigError, match="unknown timeoutConfig key 'maxTimeToConsistancy'"):
        from_mapping({"maxTimeToConsistancy": "1s"}, base=TimeoutConfig(), where="opts.yaml")
    with pytest.raises(TimeoutConfigError, match=r"opts.yaml: timeoutConfig.createTimeout"):
        from_mapping({"createTimeout": "soon"}, base=TimeoutConfig(), where="opts.yaml")


def test_scaled_keeps_counts_and_poll_interval() -> None:
    t = scaled(TimeoutConfig(), 0.1)
    assert t.gwc_must_be_accepted == pytest.approx(18)
    assert t.required_consecutive_successes == 3
    assert t.default_poll_interval == 0.1


def test_scaled_keeps_time_for_one_slow_request() -> None:
    assert scaled(TimeoutConfig(), 0.05).request_timeout == 5.0
    assert scaled(TimeoutConfig(request_timeout=2), 0.05).request_timeout == 2
    assert scaled(TimeoutConfig(), 3).request_timeout == 30
