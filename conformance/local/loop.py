"""An asyncio event loop running in a background thread.

The local environment's servers (echo servers in pods, the reference gateway's data plane) are asyncio
code, while the components that drive them (the kubelet's worker, the gateway controller, the API
server) are plain threads. One shared loop per environment keeps every socket on one thread; the
other threads hand it coroutines with :meth:`BackgroundLoop.run` and wait for the result.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

#: How long start() waits for the loop thread to come up; it only creates a loop, so this is generous.
_START_TIMEOUT = 10.0


class BackgroundLoop:
    """Owns one event loop and the daemon thread that runs it."""

    def __init__(self, name: str = "local-loop") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError(f"{self.name}: the loop is not running (call start() first)")
        return self._loop

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def in_loop_thread(self) -> bool:
        return self._thread is not None and threading.current_thread() is self._thread

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.name}: already started")
        self._ready.clear()
        self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT):
            raise RuntimeError(f"{self.name}: the event loop thread did not start")

    def _main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)
            loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop and return a thread-safe future for its result."""
        if self._loop is None or not self.running:
            coro.close()  # never awaited otherwise, which would warn
            raise RuntimeError(f"{self.name}: the loop is not running")
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 60.0) -> T:
        """Run ``coro`` on the loop from another thread and return its result (or raise its exception)."""
        if self.in_loop_thread():
            coro.close()
            # Blocking the loop on itself would deadlock; callers on the loop must simply await.
            raise RuntimeError(f"{self.name}: run() called from the loop thread; await the coroutine instead")
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{self.name}: coroutine did not finish within {timeout}s") from None

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel every task still on the loop, let them unwind, then stop and join the thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if thread.is_alive():
            future = asyncio.run_coroutine_threadsafe(_cancel_all(), loop)
            # On a timeout, stop anyway: the thread is a daemon.
            with contextlib.suppress(concurrent.futures.TimeoutError):
                future.result(timeout)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)
        self._thread = None
        self._loop = None

    def __enter__(self) -> BackgroundLoop:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


async def _cancel_all() -> None:
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    # Exceptions of cancelled tasks are collected here so that none is reported as "never retrieved".
    await asyncio.gather(*tasks, return_exceptions=True)
