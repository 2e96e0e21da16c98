"""Reaching a Gateway address through another socket: port-forwards, NAT, unprivileged local ports.

The suite always talks about the address a Gateway publishes (``127.64.1.3:80``); where that address
cannot be dialled directly, a connect-to map says which socket to use instead (like curl's
``--connect-to``). The Host header, SNI and every expectation keep using the published address.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

Address = tuple[str, int]


class ConnectTo:
    """A static map (from ``--connect-to``) plus an optional live source (the local environment's file)."""

    def __init__(
        self,
        static: Mapping[Address, Address] | None = None,
        dynamic: Callable[[], Mapping[Address, Address]] | None = None,
    ) -> None:
        self._static = dict(static or {})
        self._dynamic = dynamic

    def resolve(self, host: str, port: int) -> Address:
        if (host, port) in self._static:
            return self._static[(host, port)]
        if self._dynamic is not None:
            mapped = self._dynamic().get((host, port))
            if mapped:
                return mapped
        return host, port


def file_source(path: Path) -> Callable[[], Mapping[Address, Address]]:
    """Read a JSON list of ``{"from": "ip:port", "to": "ip:port"}`` each time (it changes as Gateways come and go)."""
    cache: dict[str, object] = {"mtime": None, "map": {}}

    def read() -> Mapping[Address, Address]:
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if mtime != cache["mtime"]:
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as err:
                log.debug("cannot read connect-to map %s: %s", path, err)
                return {}
            mapping: dict[Address, Address] = {}
            for entry in entries:
                src_host, _, src_port = str(entry["from"]).rpartition(":")
                dst_host, _, dst_port = str(entry["to"]).rpartition(":")
                mapping[(src_host, int(src_port))] = (dst_host, int(dst_port))
            cache["mtime"], cache["map"] = mtime, mapping
        result = cache["map"]
        assert isinstance(result, dict)
        return result

    return read
