"""A TCP forwarder to the test PostgreSQL that a test can cut and restore: the database
'stops answering' for the app while the test itself still reaches it directly."""

from __future__ import annotations

import socket
import threading
from contextlib import suppress

from sqlalchemy import make_url


class Proxy:
    """Forwards 127.0.0.1:port to the server behind `database_url` (TCP or unix socket)."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        socket_dir = url.query.get("host")
        if isinstance(socket_dir, tuple):
            socket_dir = socket_dir[0]
        if socket_dir:
            self.target: str | tuple[str, int] = f"{socket_dir}/.s.PGSQL.{url.port or 5432}"
        else:
            self.target = (url.host or "127.0.0.1", url.port or 5432)
        self.url = url.set(host="127.0.0.1", query={})
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self.port = 0

    @property
    def database_url(self) -> str:
        return self.url.set(port=self.port).render_as_string(hide_password=False)

    def start(self) -> Proxy:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server would."""
        if self._listener is not None:
            with suppress(OSError):  # wakes the thread blocked in accept() (close alone does not)
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        for sock in self._open:
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
            server = socket.socket(family)
            server.connect(self.target)
            self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)
