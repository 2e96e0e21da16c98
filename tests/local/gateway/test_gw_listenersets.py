"""ListenerSets: which Gateway takes them, listener precedence, status, and routes attaching to them."""

from __future__ import annotations

from gwbuilders import (
    INFRA,
    brief,
    gateway,
    gateway_class,
    gateway_status,
    http_route,
    https_listener,
    listener,
    listener_of,
    namespace,
    parent,
    reference_grant,
    route_conditions,
    route_parent,
    run,
    service,
    tls_secret,
)
from gwsets import listener_set, open_gateway, served, set_listener, set_parent, set_status

from conformance.local.gateway.config import ListenerKey

ACCEPTED = {"Accepted": ("True", "Accepted"), "Programmed": ("True", "Programmed")}
NOT_ALLOWED = {"Accepted": ("False", "NotAllowed"), "Programmed": ("False", "NotAllowed")}
NOT_VALID = {"Accepted": ("False", "ListenersNotValid"), "Programmed": ("False", "ListenersNotValid")}


def conditions(result: object, name: str = "ls", ns: str = INFRA) -> dict[str, tuple[str, str]]:
    return brief(set_status(result, name, ns)["conditions"])  # type: ignore[arg-type]


def test_a_gateway_takes_no_listener_set_by_default() -> None:
    result = run(gateway_class(), gateway(), listener_set())
    assert conditions(result) == NOT_ALLOWED
    assert "listeners" not in set_status(result)
    assert gateway_status(result)["attachedListenerSets"] == 0
    assert "ls.example.com" not in str(result.config)


def test_allowed_listeners_none_takes_nothing() -> None:
    result = run(gateway_class(), open_gateway("None"), listener_set())
    assert conditions(result) == NOT_ALLOWED


def test_same_takes_listener_sets_of_the_gateway_namespace_only() -> None:
    objects = (gateway_class(), open_gateway("Same"), listener_set("here"), listener_set("there", "other"))
    result = run(*objects)
    assert conditions(result, "here") == ACCEPTED
    assert conditions(result, "there", "other") == NOT_ALLOWED
    assert gateway_status(result)["attachedListenerSets"] == 1


def test_selector_matches_the_listener_set_namespace_labels() -> None:
    gw = open_gateway("Selector", selector={"matchLabels": {"allowed": "ns"}})
    objects = (
        gateway_class(),
        gw,
        namespace("picked", {"allowed": "ns"}),
        namespace("ignored"),
        listener_set("a", "picked"),
        listener_set("b", "ignored"),
    )
    result = run(*objects)
    assert conditions(result, "a", "picked") == ACCEPTED
    assert conditions(result, "b", "ignored") == NOT_ALLOWED


def test_all_takes_every_namespace_and_listener_status_is_reported() -> None:
    result = run(gateway_class(), open_gateway("All"), listener_set("ls", "elsewhere"))
    assert conditions(result, "ls", "elsewhere") == ACCEPTED
    entry = set_listener(result, "ls-http", "ls", "elsewhere")
    assert entry["attachedRoutes"] == 0
    assert entry["supportedKinds"] == [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute"}]
    assert brief(entry["conditions"])["Accepted"] == ("True", "Accepted")
    # Served by the Gateway under a name that cannot collide with the Gateway's own listeners.
    assert served(result) == {"http": (), "elsewhere/ls/ls-http": ()}


def test_the_parent_ref_defaults_to_the_listener_set_namespace() -> None:
    result = run(gateway_class(), open_gateway("Same"), listener_set(gw_namespace=None))
    assert conditions(result) == ACCEPTED


def test_listener_sets_of_other_controllers_gateways_get_no_status() -> None:
    result = run(gateway_class(), open_gateway(class_name="theirs"), listener_set())
    assert result.status("listenersets.gateway.networking.k8s.io", INFRA, "ls") is None


def test_the_gateway_wins_a_hostname_conflict_and_an_empty_set_is_not_valid() -> None:
    shared = listener("clash", hostname="clash.example.com")
    gw = open_gateway(listeners=[listener(hostname="gw.example.com"), shared])
    objects = (
        gateway_class(),
        gw,
        listener_set("mixed", listeners=[listener("own", hostname="own.example.com"), shared]),
        listener_set("only-clash", listeners=[shared]),
    )
    result = run(*objects)
    assert brief(listener_of(result, "clash")["conditions"])["Accepted"] == ("True", "Accepted")
    lost = brief(set_listener(result, "clash", "mixed")["conditions"])
    assert lost["Accepted"] == ("False", "HostnameConflict")
    assert lost["Programmed"] == ("False", "HostnameConflict")
    assert lost["Conflicted"] == ("True", "HostnameConflict")
    assert conditions(result, "mixed") == {
        "Accepted": ("True", "ListenersNotValid"),
        "Programmed": ("True", "Programmed"),
    }
    assert conditions(result, "only-clash") == NOT_VALID
    assert gateway_status(result)["attachedListenerSets"] == 1
    assert set(served(result)) == {"http", "clash", "infra/mixed/own"}


def test_older_listener_sets_win_and_ties_go_by_namespace_and_name() -> None:
    shared = [listener("x", hostname="x.example.com")]
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set("b-older", listeners=shared, created="2029-01-01T00:00:00Z"),
        listener_set("a-newer", listeners=shared, created="2029-01-01T00:00:05Z"),
        listener_set("c-newer", listeners=shared, created="2029-01-01T00:00:05Z"),
    )
    result = run(*objects)
    assert conditions(result, "b-older") == ACCEPTED
    assert conditions(result, "a-newer") == NOT_VALID
    assert conditions(result, "c-newer") == NOT_VALID


def test_a_tcp_listener_on_an_http_port_is_a_protocol_conflict() -> None:
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set(listeners=[listener("web", hostname="web.example.com"), listener("tcp", protocol="TCP")]),
    )
    result = run(*objects)
    assert brief(set_listener(result, "tcp")["conditions"])["Conflicted"] == ("True", "ProtocolConflict")
    # The TCP listener lost before the set's own listeners were compared: the HTTP one is fine.
    assert brief(set_listener(result, "web")["conditions"])["Accepted"] == ("True", "Accepted")


def test_conflicts_inside_one_listener_set_have_no_winner() -> None:
    twins = [listener("one", hostname="same.example.com"), listener("two", hostname="same.example.com")]
    result = run(gateway_class(), open_gateway(), listener_set(listeners=twins))
    for name in ("one", "two"):
        assert brief(set_listener(result, name)["conditions"])["Conflicted"] == ("True", "HostnameConflict")
    assert conditions(result) == NOT_VALID


def test_a_rejected_gateway_rejects_its_listener_sets() -> None:
    gw = open_gateway(listeners=[listener("bad", protocol="INVALID")])
    result = run(gateway_class(), gw, listener_set())
    assert conditions(result) == {
        "Accepted": ("False", "ParentNotAccepted"),
        "Programmed": ("False", "ParentNotProgrammed"),
    }


def test_data_plane_errors_make_the_listener_set_not_programmed() -> None:
    errors = {ListenerKey(INFRA, "gw", "infra/ls/ls-http"): "port taken"}
    result = run(gateway_class(), open_gateway(), listener_set(), errors=errors)
    assert brief(set_listener(result, "ls-http")["conditions"])["Programmed"] == ("False", "Pending")
    assert conditions(result)["Programmed"] == ("False", "PortUnavailable")


def test_routes_reach_listener_set_listeners_only_through_the_listener_set() -> None:
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set(),
        service(),
        http_route("to-gateway"),
        http_route("to-set", parents=[set_parent()]),
        http_route("to-gateway-section", parents=[parent(section="ls-http")]),
        http_route("to-set-section", parents=[set_parent(section="ls-http")]),
    )
    result = run(*objects)
    assert served(result) == {"http": ("to-gateway",), "infra/ls/ls-http": ("to-set", "to-set-section")}
    assert route_conditions(result, "to-gateway-section")["Accepted"] == ("False", "NoMatchingParent")
    assert route_conditions(result, "to-set-section", gw="ls")["Accepted"] == ("True", "Accepted")
    assert listener_of(result, "http")["attachedRoutes"] == 1
    assert set_listener(result, "ls-http")["attachedRoutes"] == 2
    entry = route_parent(result, "to-set", gw="ls")
    assert entry["parentRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "ListenerSet",
        "namespace": INFRA,
        "name": "ls",
    }


def test_same_on_a_listener_set_listener_means_the_listener_set_namespace() -> None:
    same = [listener("ls-http", hostname="ls.example.com", namespaces={"from": "Same"})]
    objects = (
        gateway_class(),
        open_gateway(),
        listener_set("ls", "apps", listeners=same),
        service(),
        service(namespace="apps"),
        http_route("beside-gateway", parents=[set_parent("ls", "apps")]),
        http_route("beside-set", "apps", parents=[set_parent("ls", "apps")]),
    )
    result = run(*objects)
    assert route_conditions(result, "beside-set", "apps", gw="ls")["Accepted"] == ("True", "Accepted")
    assert route_conditions(result, "beside-gateway", gw="ls")["Accepted"] == ("False", "NotAllowedByListeners")


def test_routes_to_a_listener_set_the_gateway_refused_are_not_accepted() -> None:
    objects = (gateway_class(), gateway(), listener_set(), service(), http_route(parents=[set_parent()]))
    result = run(*objects)
    assert route_conditions(result, gw="ls")["Accepted"] == ("False", "NoMatchingParent")


def test_certificate_references_are_made_by_the_listener_set() -> None:
    https = [https_listener(secret="cert", namespace="certs", hostname="secure.example.com")]
    grant_for = {"group": "gateway.networking.k8s.io", "namespace": INFRA}
    to_secrets = [{"group": "", "kind": "Secret"}]
    base = (gateway_class(), open_gateway(), listener_set(listeners=https), tls_secret("cert", "certs"))

    gateway_grant = reference_grant("g", "certs", [{**grant_for, "kind": "Gateway"}], to_secrets)
    refused = run(*base, gateway_grant)
    assert brief(set_listener(refused, "https")["conditions"])["ResolvedRefs"] == ("False", "RefNotPermitted")
    assert conditions(refused) == NOT_VALID

    set_grant = reference_grant("s", "certs", [{**grant_for, "kind": "ListenerSet"}], to_secrets)
    granted = run(*base, set_grant)
    assert brief(set_listener(granted, "https")["conditions"])["ResolvedRefs"] == ("True", "ResolvedRefs")
    assert conditions(granted) == ACCEPTED
