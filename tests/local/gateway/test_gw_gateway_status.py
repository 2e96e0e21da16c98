"""GatewayClass and Gateway status from reconcile: conditions, addresses, listeners."""

from __future__ import annotations

from gwbuilders import (
    CONTROLLER,
    INFRA,
    KEYS,
    brief,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    https_listener,
    listener,
    listener_of,
    make_key_pair,
    namespace,
    parent,
    reference_grant,
    run,
    tls_secret,
)

from conformance.local.gateway.config import ListenerKey
from conformance.local.gateway.gatewayclass import SUPPORTED_FEATURES

GC = "gatewayclasses.gateway.networking.k8s.io"
GWS = "gateways.gateway.networking.k8s.io"


def test_gatewayclass_of_ours_is_accepted_with_supported_features() -> None:
    result = run(gateway_class("gc"))
    status = result.status(GC, None, "gc")
    assert status is not None
    assert brief(status["conditions"]) == {"Accepted": ("True", "Accepted")}
    assert status["supportedFeatures"] == [{"name": n} for n in sorted(SUPPORTED_FEATURES)]
    names = [f["name"] for f in status["supportedFeatures"]]
    assert {"Gateway", "HTTPRoute", "ReferenceGrant"} <= set(names) and names == sorted(names)


def test_gatewayclass_of_another_controller_is_left_alone() -> None:
    result = run(gateway_class("other", controller="example.org/else"), gateway(class_name="other"))
    assert result.status(GC, None, "other") is None
    assert result.status(GWS, INFRA, "gw") is None
    assert result.updates == ()
    assert result.config.gateways == ()


def test_gatewayclass_with_parameters_is_invalid_parameters() -> None:
    result = run(
        gateway_class("gc", parametersRef={"group": "", "kind": "ConfigMap", "name": "x"}),
        gateway(),
    )
    status = result.status(GC, None, "gc")
    assert status is not None
    assert brief(status["conditions"])["Accepted"] == ("False", "InvalidParameters")
    assert brief(gateway_status(result)["conditions"])["Accepted"] == ("False", "Invalid")


def test_simple_gateway_is_accepted_programmed_with_an_address() -> None:
    result = run(gateway_class(), gateway())
    status = gateway_status(result)
    assert brief(status["conditions"]) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("True", "Programmed"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
    }
    assert status["addresses"] == [{"type": "IPAddress", "value": "127.77.1.1"}]
    http = listener_of(result, "http")
    assert http["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
    assert http["attachedRoutes"] == 0
    assert brief(http["conditions"]) == {
        "Accepted": ("True", "Accepted"),
        "Programmed": ("True", "Programmed"),
        "ResolvedRefs": ("True", "ResolvedRefs"),
        "Conflicted": ("False", "NoConflicts"),
    }
    (config,) = result.config.gateways
    assert (config.namespace, config.name, config.address) == (INFRA, "gw", "127.77.1.1")
    assert [(item.name, item.port, item.protocol, item.hostname) for item in config.listeners] == [
        ("http", 80, "HTTP", None)
    ]


def test_every_condition_carries_the_generation_and_time() -> None:
    gw = gateway()
    gw["metadata"]["generation"] = 7
    status = gateway_status(run(gateway_class(), gw))
    for cond in [*status["conditions"], *status["listeners"][0]["conditions"]]:
        assert cond["observedGeneration"] == 7
        assert cond["lastTransitionTime"] == "2030-01-01T00:00:00Z"


def test_unsupported_protocol_listener() -> None:
    only_bad = gateway("only", listeners=[listener("invalid", 1111, "INVALID")])
    mixed = gateway("mixed", listeners=[listener("http"), listener("invalid", 1111, "INVALID")])
    result = run(gateway_class(), only_bad, mixed)

    bad = listener_of(result, "invalid", "only")
    assert bad["supportedKinds"] == []
    assert bad["attachedRoutes"] == 0
    assert brief(bad["conditions"])["Accepted"] == ("False", "UnsupportedProtocol")
    assert brief(bad["conditions"])["Programmed"] == ("False", "Invalid")
    assert brief(gateway_status(result, "only")["conditions"])["Accepted"] == ("False", "ListenersNotValid")
    assert brief(gateway_status(result, "only")["conditions"])["Programmed"] == ("False", "Invalid")

    mixed_status = brief(gateway_status(result, "mixed")["conditions"])
    assert mixed_status["Accepted"] == ("True", "ListenersNotValid")
    # A Gateway that can serve some listeners is programmed (readiness checks rely on it).
    assert mixed_status["Programmed"] == ("True", "Programmed")
    assert brief(listener_of(result, "http", "mixed")["conditions"])["Accepted"] == ("True", "Accepted")
    # Only the Gateway with a usable listener reaches the data plane, with only that listener.
    assert [(g.name, [x.name for x in g.listeners]) for g in result.config.gateways] == [("mixed", ["http"])]


def test_invalid_route_kinds() -> None:
    only_invalid = gateway("a", listeners=[listener(kinds=[{"kind": "InvalidRoute"}])])
    mixed = gateway("b", listeners=[listener(kinds=[{"kind": "InvalidRoute"}, {"kind": "HTTPRoute"}])])
    result = run(gateway_class(), only_invalid, mixed)
    a = listener_of(result, "http", "a")
    assert a["supportedKinds"] == []
    assert brief(a["conditions"])["ResolvedRefs"] == ("False", "InvalidRouteKinds")
    b = listener_of(result, "http", "b")
    assert b["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
    assert brief(b["conditions"])["ResolvedRefs"] == ("False", "InvalidRouteKinds")
    assert brief(gateway_status(result, "b")["conditions"])["ResolvedRefs"] == (
        "False",
        "ListenersNotResolved",
    )


def test_route_kind_in_the_core_group_is_not_httproute() -> None:
    result = run(gateway_class(), gateway(listeners=[listener(kinds=[{"group": "", "kind": "HTTPRoute"}])]))
    assert listener_of(result, "http")["supportedKinds"] == []


def test_https_listener_with_a_valid_certificate() -> None:
    result = run(gateway_class(), gateway(listeners=[https_listener()]), tls_secret())
    https = listener_of(result, "https")
    assert brief(https["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert brief(https["conditions"])["Programmed"] == ("True", "Programmed")
    (config,) = result.config.gateways
    tls = config.listeners[0].tls
    assert tls is not None
    assert (tls.certificate_pem, tls.key_pem) == (KEYS.cert_pem, KEYS.key_pem)


def test_https_listener_certificate_problems() -> None:
    other = make_key_pair("other.example")
    cases = {
        "missing": (https_listener(secret="nope"), "InvalidCertificateRef"),
        "group": (https_listener(secret="cert", group="wrong.group.io"), "InvalidCertificateRef"),
        "kind": (https_listener(secret="cert", kind="WrongKind"), "InvalidCertificateRef"),
        "malformed": (https_listener(secret="bad"), "InvalidCertificateRef"),
        "mismatch": (https_listener(secret="mismatch"), "InvalidCertificateRef"),
        "no-grant": (https_listener(secret="certificate", namespace="web"), "RefNotPermitted"),
    }
    bad_secret = tls_secret("bad")
    bad_secret["data"] = {"tls.crt": "SGVsbG8gd29ybGQ=", "tls.key": "SGVsbG8gd29ybGQ="}
    mismatch = tls_secret("mismatch")
    mismatch["data"]["tls.key"] = tls_secret(pair=other)["data"]["tls.key"]
    gateways = [gateway(name, listeners=[item]) for name, (item, _) in cases.items()]
    result = run(
        gateway_class(),
        *gateways,
        tls_secret(),
        bad_secret,
        mismatch,
        tls_secret("certificate", "web"),
    )
    for name, (_, reason) in cases.items():
        https = listener_of(result, "https", name)
        conds = brief(https["conditions"])
        assert conds["ResolvedRefs"] == ("False", reason), name
        assert conds["Programmed"] == ("False", "Invalid"), name
        assert conds["Accepted"] == ("True", "Accepted"), name
        assert https["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
        gw_conds = brief(gateway_status(result, name)["conditions"])
        assert gw_conds["Accepted"] == ("True", "Accepted"), name
        assert gw_conds["Programmed"] == ("True", "Programmed"), name
    # Unservable listeners are not handed to the data plane.
    assert all(g.listeners == () for g in result.config.gateways)


def test_certificate_in_another_namespace_with_reference_grant() -> None:
    def grant(grant_name: str, **to: str) -> dict[str, object]:
        sources = [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": INFRA}]
        return reference_grant(grant_name, "web", sources, [{"group": "", "kind": "Secret", **to}])

    gw = gateway(listeners=[https_listener(secret="certificate", namespace="web")])
    for grants in ([grant("all")], [grant("one", name="certificate")]):
        result = run(gateway_class(), gw, tls_secret("certificate", "web"), *grants)
        assert brief(listener_of(result, "https")["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    wrong = [
        grant("other-name", name="other"),
        reference_grant(
            "wrong-from",
            "web",
            [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": INFRA}],
            [{"group": "", "kind": "Secret"}],
        ),
        reference_grant(
            "wrong-ns",
            INFRA,
            [{"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": INFRA}],
            [{"group": "", "kind": "Secret"}],
        ),
    ]
    result = run(gateway_class(), gw, tls_secret("certificate", "web"), *wrong)
    assert brief(listener_of(result, "https")["conditions"])["ResolvedRefs"] == ("False", "RefNotPermitted")


def test_listener_with_unresolved_certificate_still_counts_attached_routes() -> None:
    gw = gateway(
        listeners=[
            https_listener(
                "tls",
                secret="does-not-exist",
            )
            | {
                "allowedRoutes": {
                    "kinds": [{"kind": "HTTPRoute"}],
                    "namespaces": {
                        "from": "Selector",
                        "selector": {"matchLabels": {"kubernetes.io/metadata.name": INFRA}},
                    },
                }
            }
        ]
    )
    result = run(gateway_class(), gw, namespace(INFRA), http_route(parents=[parent(section="tls")]))
    tls = listener_of(result, "tls")
    assert tls["attachedRoutes"] == 1
    assert brief(tls["conditions"])["Programmed"] == ("False", "Invalid")
    assert brief(tls["conditions"])["ResolvedRefs"] == ("False", "InvalidCertificateRef")


def test_protocol_conflict_on_a_shared_port() -> None:
    gw = gateway(
        listeners=[listener("http", 8443), https_listener("https") | {"port": 8443}, listener("ok", 80)],
    )
    result = run(gateway_class(), gw, tls_secret())
    for name in ("http", "https"):
        conds = brief(listener_of(result, name)["conditions"])
        assert conds["Conflicted"] == ("True", "ProtocolConflict")
        assert conds["Accepted"] == ("False", "ProtocolConflict")
        assert conds["Programmed"] == ("False", "ProtocolConflict")
    assert brief(listener_of(result, "ok")["conditions"])["Conflicted"] == ("False", "NoConflicts")
    assert brief(gateway_status(result)["conditions"])["Accepted"] == ("True", "ListenersNotValid")
    assert [item.name for item in result.config.gateways[0].listeners] == ["ok"]


def test_hostname_conflict_between_https_listeners() -> None:
    gw = gateway(listeners=[https_listener("a", hostname="x.com"), https_listener("b", hostname="x.com")])
    result = run(gateway_class(), gw, tls_secret())
    for name in ("a", "b"):
        conds = brief(listener_of(result, name)["conditions"])
        assert conds["Conflicted"] == ("True", "HostnameConflict")
        assert conds["Accepted"] == ("False", "HostnameConflict")
    assert brief(gateway_status(result)["conditions"])["Accepted"] == ("False", "ListenersNotValid")


def test_distinct_listeners_on_one_port_do_not_conflict() -> None:
    gw = gateway(
        listeners=[listener("a", hostname="bar.com"), listener("b", hostname="*.bar.com"), listener("c")],
    )
    result = run(gateway_class(), gw)
    for name in ("a", "b", "c"):
        assert brief(listener_of(result, name)["conditions"])["Conflicted"] == ("False", "NoConflicts")


def test_gateway_parameters_ref_is_invalid_parameters() -> None:
    gw = gateway(infrastructure={"parametersRef": {"group": "example.com", "kind": "Params", "name": "nope"}})
    conds = brief(gateway_status(run(gateway_class(), gw))["conditions"])
    assert conds["Accepted"] == ("False", "InvalidParameters")
    assert conds["Programmed"] == ("False", "Invalid")


def test_static_addresses() -> None:
    unsupported = gateway("a", addresses=[{"type": "test/fake-invalid-type", "value": "x"}])
    unusable = gateway("b", addresses=[{"type": "IPAddress", "value": "10.0.0.1"}])
    usable = gateway("c", addresses=[{"type": "IPAddress", "value": "127.55.1.9"}])
    empty = gateway("d", addresses=[{"type": "IPAddress"}])
    result = run(gateway_class(), unsupported, unusable, usable, empty)
    assert brief(gateway_status(result, "a")["conditions"])["Accepted"] == ("False", "UnsupportedAddress")
    b = brief(gateway_status(result, "b")["conditions"])
    assert (b["Accepted"], b["Programmed"]) == (("True", "Accepted"), ("False", "AddressNotUsable"))
    assert "addresses" not in gateway_status(result, "a")
    assert "addresses" not in gateway_status(result, "b")
    assert gateway_status(result, "c")["addresses"] == [{"type": "IPAddress", "value": "127.55.1.9"}]
    assert gateway_status(result, "d")["addresses"][0]["type"] == "IPAddress"
    assert sorted(g.name for g in result.config.gateways) == ["c", "d"]


def test_dataplane_errors_unprogram_listeners_and_then_the_gateway() -> None:
    gw = gateway(listeners=[listener("a", 80), listener("b", 8080)])
    one = run(gateway_class(), gw, errors={ListenerKey(INFRA, "gw", "a"): "port 80 is taken"})
    assert brief(listener_of(one, "a")["conditions"])["Programmed"] == ("False", "Pending")
    assert listener_of(one, "a")["conditions"][1]["message"] == "port 80 is taken"
    assert brief(listener_of(one, "b")["conditions"])["Programmed"] == ("True", "Programmed")
    assert brief(gateway_status(one)["conditions"])["Programmed"] == ("True", "Programmed")
    both = run(
        gateway_class(),
        gw,
        errors={ListenerKey(INFRA, "gw", "a"): "taken", ListenerKey(INFRA, "gw", "b"): "taken"},
    )
    assert brief(gateway_status(both)["conditions"])["Programmed"] == ("False", "NoResources")


def test_gateway_of_unknown_class_is_ignored() -> None:
    result = run(gateway_class(), gateway(class_name="missing"))
    assert result.status(GWS, INFRA, "gw") is None


def test_foreign_gateway_conditions_are_kept() -> None:
    gw = gateway()
    foreign = {
        "type": "example.com/Custom",
        "status": "True",
        "reason": "Mine",
        "message": "",
        "observedGeneration": 1,
        "lastTransitionTime": "2020-01-01T00:00:00Z",
    }
    gw["status"] = {"conditions": [foreign]}
    status = gateway_status(run(gateway_class(), gw))
    assert status["conditions"][0] == foreign
    assert [c["type"] for c in status["conditions"]] == [
        "example.com/Custom",
        "Accepted",
        "Programmed",
        "ResolvedRefs",
    ]


def test_controller_name_is_compared_exactly() -> None:
    result = run(gateway_class(controller=CONTROLLER + "-2"), gateway())
    assert result.statuses == {}


def test_overlapping_tls_hostnames_are_flagged() -> None:
    gw = gateway(
        listeners=[
            https_listener("a", hostname="foo.example.com"),
            https_listener("b", hostname="foo.example.org"),
            https_listener("c", hostname="*.example.com"),
            https_listener("other-port", hostname="*.example.com") | {"port": 8443},
        ]
    )
    result = run(gateway_class(), gw, tls_secret())
    flagged = {
        name: brief(listener_of(result, name)["conditions"]).get("OverlappingTLSConfig")
        for name in ("a", "b", "c", "other-port")
    }
    assert flagged == {
        "a": ("True", "OverlappingHostnames"),
        "b": None,
        "c": ("True", "OverlappingHostnames"),
        "other-port": None,
    }
    # Negative polarity: informative only.
    assert brief(listener_of(result, "a")["conditions"])["Accepted"] == ("True", "Accepted")
