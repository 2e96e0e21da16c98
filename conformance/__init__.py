"""gateway-conformance: a Gateway API conformance suite and harness."""

from conformance.__about__ import __version__

__all__ = ["__version__"]
