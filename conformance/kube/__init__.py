"""Kubernetes access: the only package that imports the ``kubernetes`` client.

Everything else sees plain dicts, our own error types (``conformance.kube.errors``) and the ``Kube``
facade, whose helpers follow upstream's naming: ``*_must_*`` fails the test, ``wait_for_*`` returns
a value or raises.
"""
