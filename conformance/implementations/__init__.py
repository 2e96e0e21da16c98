"""Installers: put a Gateway API implementation on a cluster and say which GatewayClass it serves."""
