"""The local Kubernetes API endpoint: an in-memory object store and the HTTP API in front of it."""
