"""Cluster providers: where the suite runs (the built-in local environment, kind, or an existing cluster)."""
