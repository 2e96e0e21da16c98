"""Pure helpers: Go behaviour echo-basic depends on, pod naming, env and volume resolution, logs."""

from __future__ import annotations

import base64
import random
from pathlib import Path

import pytest
from fake_object_store import FakeStore

from conformance.local.pods import goisms, images, podspec
from conformance.local.pods.logs import ContainerLog


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("100ms", 0.1), ("1.5h", 5400.0), ("1h2m3s", 3723.0), ("0", 0.0), ("-2s", -2.0), (".5s", 0.5),
     ("10us", 1e-5), ("3\u00b5s", 3e-6), ("7ns", 7e-9), ("+1m", 60.0)],
)  # fmt: skip
def test_parse_duration(text: str, seconds: float) -> None:
    assert goisms.parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'time: invalid duration ""'),
        ("soon", 'time: invalid duration "soon"'),
        ("10", 'time: missing unit in duration "10"'),
        ("10x", 'time: unknown unit "x" in duration "10x"'),
        (".s", 'time: invalid duration ".s"'),
    ],
)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace(".", r"\.") + "$"):
        goisms.parse_duration(text)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("x-forwarded-for", "X-Forwarded-For"), ("CONTENT-type", "Content-Type"), ("x_under", "X_under"),
     ("a--b", "A--B"), ("bad name", "bad name"), ("dnt", "Dnt")],
)  # fmt: skip
def test_canonical_header_key(name: str, canonical: str) -> None:
    assert goisms.canonical_header_key(name) == canonical


@pytest.mark.parametrize(
    ("path", "clean"),
    [
        ("/", "/"),
        ("", "/"),
        ("/a/./b", "/a/b"),
        ("/a/../b/", "/b/"),
        ("/../x", "/x"),
        ("a/b", "/a/b"),
        ("/a/b/", "/a/b/"),
    ],
)
def test_clean_path(path: str, clean: str) -> None:
    assert goisms.clean_path(path) == clean


def test_json_is_html_escaped_and_indented_like_go() -> None:
    assert goisms.json_dumps({"a": "<&>", "b": ["x"]}) == b'{\n "a": "\\u003c\\u0026\\u003e",\n "b": [\n  "x"\n ]\n}'
    assert goisms.json_dumps({"message": "m"}, indent=False) == b'{"message":"m"}'


def test_atoi() -> None:
    assert [goisms.atoi(t) for t in ("5", "-3", "+2", " 5", "5_0", "", None, "x")] == [5, -3, 2] + [None] * 5


def test_template_hash_is_stable_and_name_safe() -> None:
    template = {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a", "image": "i"}]}}
    first = podspec.template_hash(template)
    assert first == podspec.template_hash({"spec": template["spec"], "metadata": template["metadata"]})
    assert len(first) == 10 and set(first) <= set(podspec.SAFE_ALPHABET)
    assert first != podspec.template_hash({**template, "spec": {"containers": []}})
    suffix = podspec.random_suffix(random.Random(1))
    assert len(suffix) == 5 and set(suffix) <= set(podspec.SAFE_ALPHABET)


@pytest.mark.parametrize(
    ("image", "runnable"),
    [
        ("registry.k8s.io/gateway-api/conformance/echo-basic:v0.1.0", True),
        ("registry.k8s.io/gateway-api/echo-basic:v1.5.1", True),
        ("gcr.io/k8s-staging-gateway-api/echo-basic:v20240101-abc", True),
        ("registry.k8s.io/gateway-api/echo-basic@sha256:0123", True),
        ("gcr.io/k8s-staging-gateway-api/echo-advanced:v1", False),
        ("registry.k8s.io/coredns/coredns:v1.14.6", False),
        ("localhost:5000/echo-basic:v1", False),
    ],
)
def test_runnable_images(image: str, runnable: bool) -> None:
    assert (images.runtime_for(image) is not None) == runnable


def test_env_resolution(tmp_path: Path) -> None:
    store = FakeStore()
    store.create(
        "secrets", {"metadata": {"name": "s", "namespace": "ns"}, "data": {"k": base64.b64encode(b"sv").decode()}}
    )
    store.create("configmaps", {"metadata": {"name": "c", "namespace": "ns"}, "data": {"k": "cv", "other": "o"}})
    pod = {
        "metadata": {"name": "p", "namespace": "ns", "labels": {"app": "x"}},
        "spec": {},
        "status": {"podIP": "1.2.3.4"},
    }
    container = {
        "envFrom": [{"configMapRef": {"name": "c"}, "prefix": "CM_"}],
        "env": [
            {"name": "A", "value": "plain"},
            {"name": "B", "value": "$(A)-x-$$(A)"},
            {"name": "NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
            {"name": "S", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}},
            {"name": "C", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}},
            {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "missing", "key": "k", "optional": True}}},
        ],
    }
    env = podspec.resolve_env(container, pod, store)
    assert env == {
        "CM_k": "cv", "CM_other": "o", "A": "plain", "B": "plain-x-$(A)", "NAME": "p", "NS": "ns", "IP": "1.2.3.4",
        "APP": "x", "S": "sv", "C": "cv",
    }  # fmt: skip
    with pytest.raises(podspec.PodConfigError, match="couldn't find key nope"):
        podspec.resolve_env(
            {"env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "s", "key": "nope"}}}]}, pod, store
        )


def test_volumes_are_materialised_and_paths_remapped(tmp_path: Path) -> None:
    store = FakeStore()
    data = {"tls.crt": base64.b64encode(b"CERT").decode(), "tls.key": base64.b64encode(b"KEY").decode()}
    store.create("secrets", {"metadata": {"name": "cert", "namespace": "ns"}, "data": data})
    store.create("configmaps", {"metadata": {"name": "core", "namespace": "ns"}, "data": {"Corefile": ". {}"}})
    pod = {
        "metadata": {"name": "p", "namespace": "ns"},
        "spec": {
            "volumes": [
                {"name": "sv", "secret": {"secretName": "cert", "items": [{"key": "tls.crt", "path": "crt"}]}},
                {"name": "cm", "configMap": {"name": "core"}},
                {"name": "scratch", "emptyDir": {}},
            ]
        },
    }
    volumes = podspec.materialise_volumes(pod, store, tmp_path)
    assert (volumes["sv"] / "crt").read_bytes() == b"CERT"
    assert not (volumes["sv"] / "tls.key").exists()
    assert (volumes["cm"] / "Corefile").read_text() == ". {}"
    mounts = podspec.container_mounts(
        {"volumeMounts": [{"name": "sv", "mountPath": "/etc/secret-volume"}, {"name": "cm", "mountPath": "/root"}]},
        volumes,
    )
    remap = podspec.remapper(mounts)
    assert remap("/etc/secret-volume/crt") == str(volumes["sv"] / "crt")
    assert remap("/root/Corefile") == str(volumes["cm"] / "Corefile")
    assert remap("/etc/secret-volume-other") == "/etc/secret-volume-other"
    with pytest.raises(podspec.PodConfigError, match='secret "absent" not found'):
        podspec.materialise_volumes(
            {"metadata": {"namespace": "ns"}, "spec": {"volumes": [{"name": "x", "secret": {"secretName": "absent"}}]}},
            store,
            tmp_path / "other",
        )


def test_container_log_since_and_tail() -> None:
    log = ContainerLog()
    log.write("one")
    log.write("two\nthree")
    assert log.read() == "one\ntwo\nthree\n"
    assert log.read(tail_lines=2) == "two\nthree\n"
    assert log.read(tail_lines=0) == ""
    assert log.read(since_seconds=10) == "one\ntwo\nthree\n"
    import time

    assert log.read(since_seconds=10, now=time.time() + 60) == ""
