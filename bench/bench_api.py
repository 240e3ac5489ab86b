"""The HTTP API under load: what the proxy adds to the first token, and 50 concurrent streams.

A real server (`streamlit run app.py`) on the embedded PostgreSQL in bench/.data/api (or
DATABASE_URL) proxies to the loopback fake model server. The `openai` client times the first
content chunk calling the fake server directly and through /v1 (auth, pending row, litellm).
Then N streams run at once through /v1 and every one must arrive whole and be recorded `ok`.
Wall times swing with the machine's load (printed); the server's CPU per proxied call
(user + sys of the `streamlit run` process, from /proc) does not.
Run: .venv/bin/python -m bench.bench_api [rounds] [concurrent]
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import openai  # noqa: E402
from sqlalchemy import select  # noqa: E402

from agent.llm import litellm_module  # noqa: E402
from db import migrate  # noqa: E402
from db.engine import make_engine, make_sessionmaker, normalize_url, start_embedded  # noqa: E402
from db.models import Interaction  # noqa: E402
from db.users import create_token, get_or_create_user  # noqa: E402
from tests.browser_support import streamlit_server  # noqa: E402
from tests.fake_llm import FakeLLM, Script  # noqa: E402

REPLY = "a short reply of a few words"
DATA = Path(__file__).resolve().parent / ".data" / "api"


def first_token_ms(client: openai.OpenAI, model: str) -> float:
    started = time.perf_counter()
    stream = client.chat.completions.create(
        model=model, messages=[{"role": "user", "content": "hi"}], stream=True)
    first = None
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = (time.perf_counter() - started) * 1000
    assert first is not None
    return first


async def litellm_first_token_ms(api_base: str) -> float:
    """The same call made with litellm in this process: what litellm alone costs."""
    started = time.perf_counter()
    stream = await litellm_module().acompletion(
        model="openai/fake", messages=[{"role": "user", "content": "hi"}], stream=True,
        stream_options={"include_usage": True}, api_base=api_base, api_key="x", max_retries=0)
    first = None
    async for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = (time.perf_counter() - started) * 1000
    assert first is not None
    return first


async def one_stream(client: openai.AsyncOpenAI, n: int) -> str:
    stream = await client.chat.completions.create(
        model="openai/fake", messages=[{"role": "user", "content": f"stream {n}"}], stream=True)
    parts = [c.choices[0].delta.content or "" async for c in stream if c.choices]
    return "".join(parts)


async def concurrent(base: str, token: str, count: int) -> tuple[list[str], float]:
    async with openai.AsyncOpenAI(base_url=f"{base}/v1", api_key=token, max_retries=0,
                                  timeout=120) as client:
        started = time.perf_counter()
        texts = await asyncio.gather(*(one_stream(client, n) for n in range(count)))
        return list(texts), time.perf_counter() - started


def children_cpu_s() -> float:
    """User + sys seconds of this process's live children (the app server), from /proc."""
    total, me, tick = 0.0, str(os.getpid()), os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def line(label: str, values: list[float]) -> str:
    p95 = statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]
    return f"{label:44}{statistics.median(values):>8.1f}ms{p95:>8.1f}ms"


def main(rounds: int = 40, count: int = 50) -> None:
    wall_started = time.perf_counter()
    url = os.environ.get("DATABASE_URL")
    url = normalize_url(url) if url else start_embedded(DATA)
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    with sessions() as session:
        user = get_or_create_user(session, "bench@example.com")
        _, token = create_token(session, user.id, "bench")
        session.commit()
        user_id = user.id
    fake = FakeLLM().start()
    env = {"DATABASE_URL": url, "MINI_AGENT_MODEL": "openai/fake",
           "MINI_AGENT_API_BASE": fake.api_base, "MINI_AGENT_DATA_DIR": str(DATA)}
    with streamlit_server(env, timeout_s=120) as base:
        direct = openai.OpenAI(base_url=fake.api_base, api_key="x", max_retries=0)
        proxied = openai.OpenAI(base_url=f"{base}/v1", api_key=token, max_retries=0)
        loop = asyncio.new_event_loop()
        plain, alone, through = [], [], []
        server_cpu = 0.0
        for n in range(rounds + 5):
            fake.queue(*[Script(text=REPLY, chunk_size=8)] * 3)
            a = first_token_ms(direct, "fake")
            b = loop.run_until_complete(litellm_first_token_ms(fake.api_base))
            before = children_cpu_s()
            c = first_token_ms(proxied, "openai/fake")
            spent = children_cpu_s() - before  # the whole call: relay, record, finalize
            if n >= 5:
                server_cpu += spent
            if n >= 5:  # warm-up: litellm's lazy imports, the pool's first connections
                plain.append(a)
                alone.append(b)
                through.append(c)
        loop.close()
        health = []
        with httpx.Client(base_url=base) as http:
            for _ in range(rounds):
                started = time.perf_counter()
                http.get("/_stcore/health").raise_for_status()
                health.append((time.perf_counter() - started) * 1000)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"first token, {rounds} rounds{'':19}{'median':>10}{'p95':>10}")
        print(line("fake server called directly", plain))
        print(line("litellm alone, in this process", alone))
        print(line("through Mini-Agent /v1 (proxy + record)", through))
        print(line("added by the proxy (target <= 10 ms)",
                   [b - a for a, b in zip(plain, through, strict=True)]))
        print(line("for scale: one round trip to /_stcore/health", health))
        print(f"server CPU per proxied streamed call (user+sys): "
              f"{server_cpu / rounds * 1000:.1f} ms")

        since = time.time()
        for _ in range(count):
            fake.queue(Script(text=REPLY, chunk_size=4, delay_s=0.01))
        texts, took = asyncio.run(concurrent(base, token, count))
        whole = sum(t == REPLY for t in texts)
        deadline = time.monotonic() + 15  # rows are finalized just after their stream ends
        while True:
            with sessions() as session:
                recorded = session.scalars(select(Interaction).where(
                    Interaction.user_id == user_id, Interaction.prompt.like("stream %"))
                    .order_by(Interaction.id.desc()).limit(count)).all()
            if all(r.status != "pending" for r in recorded) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        ok = sum(r.status == "ok" and r.response == REPLY for r in recorded
                 if r.created_at.timestamp() >= since - 1)
        print(f"{count} concurrent streams: {whole}/{count} arrived whole, {ok}/{count} rows ok, "
              f"{took:.2f} s in all; load average {os.getloadavg()[0]:.2f}")
        print(f"bench process: {time.perf_counter() - wall_started:.1f} s wall, "
              f"{own_cpu_s():.1f} s CPU; app server: {children_cpu_s():.1f} s CPU in all")
    fake.stop()
    engine.dispose()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
