"""An existing cluster, reached through a kubeconfig. Nothing is installed or deleted by the provider."""

from __future__ import annotations

from pathlib import Path

from conformance.clusters.protocol import Cluster, ClusterError


class KubeconfigCluster:
    name = "kubeconfig"

    def __init__(self, kubeconfig: Path) -> None:
        self._kubeconfig = kubeconfig

    def start(self) -> Cluster:
        path = self._kubeconfig.expanduser()
        if not path.is_file():
            raise ClusterError(f"--kubeconfig: {path} does not exist or is not a file")
        try:
            path.read_bytes()
        except OSError as err:
            raise ClusterError(f"--kubeconfig: cannot read {path}: {err.strerror}") from None
        return Cluster(path, f"existing cluster from {path}")

    def stop(self) -> None:
        """An existing cluster is left as it was found."""
