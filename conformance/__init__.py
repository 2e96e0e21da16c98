"""gateway-conformance: a Gateway API conformance suite and harness.

The public API is what suite modules use: the test metadata, feature names, traffic expectations and
status expectations. Fixture types (``Kube``, ``HTTPProbe``) come from ``conformance.fixtures``.
"""

from conformance.__about__ import __version__
from conformance.features import FeatureName
from conformance.kube.status import Condition, ExpectedListener, ExpectedParent, SupportedKind
from conformance.metadata import ConformanceTest
from conformance.probes.expectations import (
    ExpectedRequest,
    ExpectedResponse,
    RedirectRequest,
    Request,
    Response,
    redirect_case,
)
from conformance.profiles import ProfileName
from conformance.refs import GatewayRef, NamespacedName

__all__ = [
    "Condition",
    "ConformanceTest",
    "ExpectedListener",
    "ExpectedParent",
    "ExpectedRequest",
    "ExpectedResponse",
    "FeatureName",
    "GatewayRef",
    "NamespacedName",
    "ProfileName",
    "RedirectRequest",
    "Request",
    "Response",
    "SupportedKind",
    "__version__",
    "redirect_case",
]
