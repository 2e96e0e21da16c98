"""Generate ``conformance/reports/data/catalogue.json``: upstream's tests per suite version, for grading reports.

Usage (from the checkout, with ``../shared`` beside it)::

    python tools/make_catalogue.py                  # rewrite the data file
    python tools/make_catalogue.py --check          # exit 1 if the data file is out of date

Why a generated file: the support matrix of anyone's ConformanceReport needs the list of tests the suite
that produced it could have run (support-matrix.md §1, §4), and the harness must work without ``../shared``.
The facts come from ``spec/catalog.yaml`` (one entry per upstream test at HEAD, just after v1.6.1) and, for
older suite versions, from the feature-introduction table of ``spec/report-schema.md`` §4, restated below.

How older suite versions are approximated (the catalogue has no history of its own):

* a test belongs to suite version V when every feature it needs existed at V (``FEATURE_SINCE``), and it is
  not one of the tests the catalogue marks "new since v1.6.1" (those belong to ``main`` only);
* features and provisional flags are HEAD's: a test that was renamed, re-tagged or made non-provisional
  later is seen with its HEAD shape, and a test added after its features existed is assumed to exist as
  soon as they did. Reconciling a report's statistics with the catalogue (``gwconf matrix`` prints it)
  shows where this guess is off.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT.parent / "shared" / "spec" / "catalog.yaml"
OUTPUT = ROOT / "conformance" / "reports" / "data" / "catalogue.json"

VERSIONS = ("v0.7", "v0.8", "v1.0", "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "main")
"""Suite minor versions with a catalogue; ``main`` is HEAD after v1.6.1."""

# report-schema.md §4, "Feature names added per release", by minor version (current names; the legacy
# names of v0.7/v0.8 are aliases the harness resolves).
_ADDED = {
    "v0.7": (
        "Gateway HTTPRoute HTTPRouteHostRewrite HTTPRouteMethodMatching HTTPRoutePathRedirect HTTPRoutePathRewrite "
        "HTTPRoutePortRedirect HTTPRouteQueryParamMatching HTTPRouteRequestMirror HTTPRouteSchemeRedirect "
        "HTTPRouteResponseHeaderModification Mesh ReferenceGrant HTTPRouteDestinationPortMatching TLSRoute"
    ),
    "v0.8": "GatewayPort8080 HTTPRouteRequestMultipleMirrors",
    "v1.0": (
        "GatewayStaticAddresses HTTPRouteBackendProtocolH2C HTTPRouteBackendProtocolWebSocket "
        "HTTPRouteBackendTimeout HTTPRouteRequestTimeout"
    ),
    "v1.1": (
        "GRPCRoute GatewayHTTPListenerIsolation HTTPRouteBackendRequestHeaderModification HTTPRouteParentRefPort "
        "MeshClusterIPMatching MeshConsumerRoute UDPRoute"
    ),
    "v1.2": "GatewayInfrastructurePropagation",
    "v1.3": "GatewayAddressEmpty HTTPRouteRequestPercentageMirror",
    "v1.4": (
        "BackendTLSPolicy BackendTLSPolicySANValidation GRPCRouteNamedRouteRule HTTPRouteCORS "
        "HTTPRouteNamedRouteRule MeshHTTPRouteBackendRequestHeaderModification MeshHTTPRouteNamedRouteRule "
        "MeshHTTPRouteQueryParamMatching MeshHTTPRouteRedirectPath MeshHTTPRouteRedirectPort "
        "MeshHTTPRouteRewritePath MeshHTTPRouteSchemeRedirect"
    ),
    "v1.5": (
        "GatewayBackendClientCertificate GatewayFrontendClientCertificateValidation "
        "GatewayFrontendClientCertificateValidationInsecureFallback GatewayHTTPSListenerDetectMisdirectedRequests "
        "HTTPRoute303RedirectStatusCode HTTPRoute307RedirectStatusCode HTTPRoute308RedirectStatusCode ListenerSet "
        "TLSRouteModeMixed TLSRouteModeTerminate"
    ),
    "v1.6": "HTTPRouteRetry HTTPRouteRetryBackendTimeout HTTPRouteRetryConnectionError TCPRoute",
    "main": "GRPCRouteRequestHeaderModifier HTTPRouteBackendURLRewrite HTTPRouteBackendRequestRedirect",
}
FEATURE_SINCE = {name: version for version, names in _ADDED.items() for name in names.split()}

# report-schema.md §4, "Profiles and feature catalogue by version". Before v1.1 the profiles had short
# names; each maps to the current profile with the same core features.
_OLD = ("HTTP", "TLS", "MESH")
_V11 = ("GATEWAY-GRPC", "GATEWAY-HTTP", "GATEWAY-TLS", "MESH-GRPC", "MESH-HTTP")
_V16 = (*_V11, "GATEWAY-TCP", "GATEWAY-UDP")
PROFILES = {v: _OLD for v in VERSIONS[:3]} | {v: _V11 for v in VERSIONS[3:8]} | {v: _V16 for v in VERSIONS[8:]}
PROFILE_ALIASES = {"HTTP": "GATEWAY-HTTP", "TLS": "GATEWAY-TLS", "MESH": "MESH-HTTP"}

NEW_SINCE_HEAD = "new since v1.6.1"


def build(catalog: dict[str, object]) -> dict[str, object]:
    tests: dict[str, dict[str, object]] = {}
    entries = catalog.get("tests")
    if not isinstance(entries, list):
        raise SystemExit(f"{SPEC}: no 'tests' list")
    for entry in entries:
        name = str(entry["short_name"])
        features = sorted(str(f) for f in entry["features"])
        unknown = [f for f in features if f not in FEATURE_SINCE]
        if unknown:
            raise SystemExit(f"{SPEC}: test {name}: features without an introduction version: {unknown}")
        text = f"{entry.get('description', '')} {entry.get('notes', '')}".lower()
        since = "main" if NEW_SINCE_HEAD in text else max((FEATURE_SINCE[f] for f in features), key=VERSIONS.index)
        tests[name] = {"features": features, "provisional": bool(entry.get("provisional")), "since": since}
    legend = catalog.get("legend")
    source = legend.get("source", "") if isinstance(legend, dict) else ""
    return {
        "comment": "Generated by tools/make_catalogue.py from spec/catalog.yaml and report-schema.md §4; do not edit.",
        "source": str(source).split(" (")[0],
        "versions": list(VERSIONS),
        "featureSince": dict(sorted(FEATURE_SINCE.items())),
        "profiles": {v: sorted(PROFILES[v]) for v in VERSIONS},
        "profileAliases": PROFILE_ALIASES,
        "tests": dict(sorted(tests.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=SPEC, help=f"spec catalogue (default {SPEC})")
    parser.add_argument("--check", action="store_true", help="fail if the data file is not up to date")
    args = parser.parse_args(argv)
    if not args.catalog.is_file():
        print(f"make_catalogue: {args.catalog} not found (it comes with ../shared/spec)", file=sys.stderr)
        return 2
    data = build(yaml.safe_load(args.catalog.read_text(encoding="utf-8")))
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.is_file() else ""
        if current != text:
            print(f"make_catalogue: {OUTPUT} is out of date; run python tools/make_catalogue.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(data['tests'])} tests)")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
