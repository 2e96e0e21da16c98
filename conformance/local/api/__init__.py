"""The local Kubernetes API endpoint: an in-memory object store and the HTTP API in front of it.

Entry points (imported from their modules; this package imports nothing, so that importing
``protocol`` stays cheap):

- ``store.Store``: the objects, with kube-apiserver's storage semantics; implements ``protocol.ObjectStore``.
- ``server.ApiServer``: the store behind HTTP, for the ``kubernetes`` client, kubectl and client-go.
- ``crds.registry_from_crd_paths`` / ``kinds.TypeRegistry.validate``: offline validation of manifests.

Layers, from the wire inwards::

    server (HTTP, watch streaming) -> rest (verbs) -> routes, discovery, openapi
    store (writes) -> table (commits, history, watchers, deletion lifecycles) -> watch
    objects, builtin_defaults, apply, patches, selectors      (what a write does to an object)
    kinds (type registry) -> schema (prune, default) -> validation, cel   (admission of CRD kinds)
    crds, gateway_kinds, builtin_kinds                         (where the types come from)
"""
