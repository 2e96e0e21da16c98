"""What the xdist controller hands to workers survives the trip through JSON."""

from __future__ import annotations

import json

from conformance.features import FeatureName
from conformance.options import ImplementationInfo, Options
from conformance.parallel import effective_from_json, effective_to_json, facts_from_json, facts_to_json
from conformance.profiles import ProfileName
from conformance.selection import FeaturesSource, SupportedFeatures
from conformance.session import RunFacts


def test_facts_round_trip() -> None:
    facts = RunFacts(
        cluster="local environment",
        gateway_class="gc",
        controller_name="example.net/ctrl",
        gateway_api_version="v1.6.1",
        gateway_api_channel="experimental",
        supported=SupportedFeatures(
            frozenset({FeatureName.GATEWAY, FeatureName.HTTP_ROUTE}),
            FeaturesSource.INFERRED,
            (ProfileName.GATEWAY_HTTP,),
            frozenset({"SomethingNew"}),
        ),
        implementation=ImplementationInfo("org", "proj", "https://x", "v1", ("a", "b")),
    )
    assert facts_from_json(json.loads(json.dumps(facts_to_json(facts)))) == facts


def test_effective_options_round_trip_onto_the_workers_own() -> None:
    controller = Options(
        gateway_class="from-profile",
        namespace_labels={"istio-injection": "enabled"},
        usable_address="127.64.0.2",
        skip_tests=frozenset({"X"}),
        connect_to={("127.64.1.1", 80): ("127.64.1.1", 40000)},
    )
    worker = effective_from_json(Options(mode="m"), json.loads(json.dumps(effective_to_json(controller))))
    assert worker.gateway_class == "from-profile"
    assert worker.namespace_labels == {"istio-injection": "enabled"}
    assert worker.usable_address == "127.64.0.2"
    assert worker.skip_tests == {"X"}
    assert worker.connect_to == {("127.64.1.1", 80): ("127.64.1.1", 40000)}
    assert worker.mode == "m", "what the controller does not send stays the worker's own"
