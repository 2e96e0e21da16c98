"""Names of objects as tests write them: ``NamespacedName`` and ``GatewayRef``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NamespacedName:
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


@dataclass(frozen=True, slots=True)
class GatewayRef:
    """A Gateway, optionally narrowed to listeners (upstream ``NewGatewayRef(nn, listenerNames...)``)."""

    nn: NamespacedName
    listener_names: tuple[str, ...] = ()

    @classmethod
    def of(cls, namespace: str, name: str, *listener_names: str) -> GatewayRef:
        return cls(NamespacedName(namespace, name), tuple(listener_names))

    def __str__(self) -> str:
        return str(self.nn) + (f" (listeners {', '.join(self.listener_names)})" if self.listener_names else "")
