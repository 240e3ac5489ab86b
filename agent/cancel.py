"""Stopping a turn now: a flag, plus the model connections to shut when it is raised.

Blocked in a socket read, the thread streaming a reply notices a flag only when the next
bytes arrive, which may be seconds away (or never, before the first token). So the turn's
HTTP client records its sockets, and `cancel()` shuts them: the read fails at once and the
provider sees the connection closed.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from functools import lru_cache
from typing import Any, cast

import httpcore
import httpx
import openai


class TurnStopped(Exception):
    """The turn was stopped (Stop, or the app shutting down) while the model streamed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@lru_cache(maxsize=1)
def ssl_context() -> ssl.SSLContext:
    """One TLS context for every turn's client (building one costs milliseconds)."""
    return ssl.create_default_context()


class TrackingBackend(httpcore.SyncBackend):
    """httpcore's network backend, keeping the sockets it opens so they can be shut."""

    def __init__(self, cancel: Cancel) -> None:
        self.cancel = cancel

    def connect_tcp(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        stream = super().connect_tcp(*args, **kwargs)
        self.cancel.track(stream.get_extra_info("socket"))
        return stream


class Cancel:
    """A turn's stop flag and the sockets its model calls use."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._clients: list[httpx.Client] = []
        self.reason = "stopped"

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, waking early when the turn is cancelled."""
        return self._event.wait(seconds)

    def stopped(self) -> TurnStopped:
        return TurnStopped(self.reason)

    def cancel(self, reason: str = "stopped") -> None:
        """Raise the flag and shut every socket the turn opened."""
        with self._lock:
            if not self._event.is_set():
                self.reason = reason
            self._event.set()
            sockets = list(self._sockets)
        for sock in sockets:
            shut(sock)

    def track(self, sock: socket.socket | None) -> None:
        """Remember a new connection; one opened after the cancel is shut straight away."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            cancelled = self._event.is_set()
        if cancelled:
            shut(sock)

    def openai_client(self, *, api_key: str | None, base_url: str | None,
                      timeout: float) -> openai.OpenAI:
        """An OpenAI SDK client whose connections this cancel can shut."""
        transport = httpx.HTTPTransport(verify=ssl_context())
        # httpx has no public hook for the network backend; the pool is its only holder.
        transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
            ssl_context=ssl_context(), network_backend=TrackingBackend(self))
        http = httpx.Client(transport=transport, timeout=timeout, follow_redirects=True)
        with self._lock:
            self._clients.append(http)
        # The SDK types its client as its own httpx fork; litellm hands it httpx clients too.
        return openai.OpenAI(api_key=api_key or "not-needed", base_url=base_url,
                             http_client=cast(Any, http), max_retries=0, timeout=timeout)

    def close(self) -> None:
        """Release the turn's HTTP clients once it is over."""
        with self._lock:
            clients, self._clients = self._clients, []
        for http in clients:
            http.close()


def shut(sock: socket.socket) -> None:
    """Shut a socket both ways; a blocked read in another thread returns at once."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
