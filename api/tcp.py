"""Small writes leave at once: TCP_NODELAY on the server's listening sockets.

Streamlit binds its socket itself with `socket.socket(family)` (protocol 0), and asyncio only
sets TCP_NODELAY on connections whose socket says IPPROTO_TCP, so every connection the app
server accepts keeps Nagle's algorithm. On a keep-alive connection a response written in two
parts (headers, then body; or the events of a stream) then waits for the client's delayed ACK:
~40 ms on Linux before a reply or a streamed token arrives. Linux copies TCP_NODELAY from a
listening socket to the connections it accepts, so setting it on the listener fixes them all.
"""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

FD_DIR = Path("/proc/self/fd")


def listening_tcp_fds() -> list[int]:
    """This process's listening IPv4/IPv6 TCP sockets (Linux; none elsewhere)."""
    try:
        names = os.listdir(FD_DIR)
    except OSError:
        return []
    found = []
    for name in names:
        with contextlib.suppress(OSError):
            if not os.readlink(FD_DIR / name).startswith("socket:"):
                continue
            fd = int(name)
            with socket.socket(fileno=os.dup(fd)) as sock:  # a duplicate: closing it is safe
                if (sock.family in (socket.AF_INET, socket.AF_INET6)
                        and sock.type == socket.SOCK_STREAM
                        and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)):
                    found.append(fd)
    return found


def set_nodelay_on_listeners() -> int:
    """Set TCP_NODELAY on every listening TCP socket of this process; how many were set."""
    count = 0
    for fd in listening_tcp_fds():
        with contextlib.suppress(OSError), socket.socket(fileno=os.dup(fd)) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            count += 1
    return count
