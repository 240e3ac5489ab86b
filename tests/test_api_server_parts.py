"""The API server's small parts: TCP_NODELAY on its listening socket, the live-token cache."""

from __future__ import annotations

import socket

from api.tcp import set_nodelay_on_listeners
from api.token_cache import TokenCache


def test_connections_accepted_after_the_fix_send_small_writes_at_once() -> None:
    # Bound the way Streamlit binds its socket: protocol 0, so asyncio leaves Nagle on.
    with socket.socket(socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert set_nodelay_on_listeners() >= 1
        with socket.create_connection(listener.getsockname()) as _client:
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


def test_sockets_that_do_not_listen_are_left_alone() -> None:
    with socket.socket(socket.AF_INET) as idle:
        idle.bind(("127.0.0.1", 0))
        set_nodelay_on_listeners()
        assert idle.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_live_token_is_remembered_until_its_time_is_up_or_it_is_forgotten() -> None:
    clock = Clock()
    cache = TokenCache(ttl_s=60, clock=clock)
    assert cache.get("h1") is None
    cache.put("h1", 7, "ada@example.com")
    clock.now += 59.9
    assert cache.get("h1") == (7, "ada@example.com")
    clock.now += 0.1
    assert cache.get("h1") is None
    cache.put("h2", 8, "bob@example.com")
    cache.forget("h2")
    assert cache.get("h2") is None


def test_the_cache_keeps_at_most_its_size_dropping_the_oldest() -> None:
    cache = TokenCache(max_entries=3, clock=Clock())
    for n in range(5):
        cache.put(f"h{n}", n, f"u{n}@example.com")
    assert [cache.get(f"h{n}") for n in range(5)] == [
        None, None, (2, "u2@example.com"), (3, "u3@example.com"), (4, "u4@example.com")]
