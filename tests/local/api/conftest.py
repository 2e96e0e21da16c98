"""Fixtures for the local API's own tests: one server per session, driven through the real client.

The server loads the Gateway API v1.6.1 experimental CRD files, so schema defaulting and validation
are on, as they would be on a cluster with that bundle installed. Every test that writes gets a
namespace of its own, so tests never see each other's objects.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from kubernetes import client
from kubernetes.dynamic import DynamicClient
from localapi_support import EXPERIMENTAL, fake_log_source

from conformance.local.api.server import ApiServer
from conformance.local.api.store import Store

_names = itertools.count(1)


@pytest.fixture(scope="session")
def store() -> Store:
    return Store.from_crd_paths([EXPERIMENTAL])


@pytest.fixture(scope="session")
def server(store: Store) -> Iterator[ApiServer]:
    with ApiServer(store, log_source=fake_log_source, bookmark_interval=0.2) as running:
        yield running


@pytest.fixture(scope="session")
def api(server: ApiServer) -> Iterator[client.ApiClient]:
    with client.ApiClient(client.Configuration(host=server.url)) as api_client:
        yield api_client


@pytest.fixture(scope="session")
def core(api: client.ApiClient) -> client.CoreV1Api:
    return client.CoreV1Api(api)


@pytest.fixture(scope="session")
def apps(api: client.ApiClient) -> client.AppsV1Api:
    return client.AppsV1Api(api)


@pytest.fixture(scope="session")
def custom(api: client.ApiClient) -> client.CustomObjectsApi:
    return client.CustomObjectsApi(api)


@pytest.fixture(scope="session")
def dyn(api: client.ApiClient, tmp_path_factory: pytest.TempPathFactory) -> DynamicClient:
    return DynamicClient(api, cache_file=str(tmp_path_factory.mktemp("discovery") / "cache.json"))


@pytest.fixture
def ns(core: client.CoreV1Api) -> str:
    """A fresh namespace for one test."""
    name = f"t{next(_names)}"
    core.create_namespace({"metadata": {"name": name}})
    return name
