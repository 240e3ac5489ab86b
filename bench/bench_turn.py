"""Per-turn overhead and the turn runner under load, against the loopback fake model server.

1. Time the app adds before the first token and after the last, at 1, 50 and 200 turns of
   history whose text overflows the model's context window: each turn is submitted to the
   runner and followed as a page does; the baseline is the same request made straight
   through litellm. The tokenizer's first load is timed apart.
2. Stop: from `stop()` to the fake server seeing its connection closed, mid-reply and
   before the first token.
3. Memory per running turn (RSS growth with 20 turns streaming).
4. 20 concurrent turns from 20 conversations: none lost, none duplicated.
Run: .venv/bin/python -m bench.bench_turn [measured turns per size]
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from agent.chat import ChatTurn  # noqa: E402
from agent.follow import follow  # noqa: E402
from agent.llm import LLMClient, count_tokens, litellm_module  # noqa: E402
from agent.turns import TurnRunner  # noqa: E402
from db import migrate, queries  # noqa: E402
from db.engine import make_engine, make_sessionmaker, start_embedded  # noqa: E402
from db.models import Interaction  # noqa: E402
from tests.fake_llm import FakeLLM, Script  # noqa: E402

MODEL = "openai/fake"
WINDOW = 16_000  # tokens: 200 turns of ~1,000 tokens overflow it many times over
LONG = ("The quick brown fox jumps over the lazy dog while the compiler checks types. " * 25)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def row(label: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:46}{statistics.median(values):>9.1f}ms{p95:>9.1f}ms"


def baseline_first_token(fake: FakeLLM) -> float:
    litellm = litellm_module()
    fake.queue(Script(text="a short reply of a few words", chunk_size=8))
    start = time.perf_counter()
    stream = litellm.completion(
        model=MODEL, messages=[{"role": "user", "content": "hi"}], stream=True,
        api_base=fake.api_base, api_key="x", stream_options={"include_usage": True},
        max_retries=0)
    first = None
    for chunk in stream:
        if first is None and chunk.choices and chunk.choices[0].delta.content:
            first = time.perf_counter() - start
    return (first or 0) * 1000


def seed_history(sessions, conversation_id: int, turns: int) -> None:
    with sessions() as session:
        for n in range(turns):
            row_ = queries.start_interaction(session, conversation_id=conversation_id,
                                             model=MODEL, prompt=f"question {n}: {LONG}")
            queries.finalize_interaction(session, row_.id, status="ok", response=LONG * 2)


def one_turn(runner: TurnRunner, sessions, client, fake, conversation_id: int):
    """Submit a turn and follow it as the page does; (first token, after last) in ms."""
    fake.queue(Script(text="a short reply of a few words", chunk_size=8))
    turn = ChatTurn(sessions, client, conversation_id=conversation_id, model=MODEL,
                    prompt="next question", max_prompt_chars=100_000)
    submitted = time.perf_counter()
    key = runner.submit(turn)
    first = last_text = None
    for snapshot in follow(runner, sessions, key, tick_s=0.05):
        if snapshot.text and first is None:
            first = time.perf_counter() - submitted
        if snapshot.final:
            break
        last_text = time.perf_counter()
    turn.finished.wait(10)
    done = time.perf_counter()
    return (first or 0) * 1000, (done - (last_text or done)) * 1000


def overhead(runner, sessions, fake, measured: int) -> None:
    client = LLMClient(api_base=fake.api_base, max_retries=0, context_tokens=WINDOW)
    started = time.perf_counter()
    count_tokens(MODEL, [{"role": "user", "content": "warm the tokenizer"}])
    print(f"tokenizer first load: {(time.perf_counter() - started) * 1000:.0f} ms (excluded)")
    for _ in range(5):
        baseline_first_token(fake)
    print(f"{'':46}{'median':>11}{'p95':>11}")
    for size in (1, 50, 200):
        with sessions() as session:
            conversation_id = queries.create_conversation(session, title=f"bench {size}").id
        seed_history(sessions, conversation_id, size)
        one_turn(runner, sessions, client, fake, conversation_id)  # warm-up
        base, first, after = [], [], []
        for _ in range(measured):
            base.append(baseline_first_token(fake))
            got_first, got_after = one_turn(runner, sessions, client, fake, conversation_id)
            first.append(got_first)
            after.append(got_after)
        added = [a - b for a, b in zip(first, base, strict=True)]
        print(f"-- {size} turns of history (~{size * 1000:,} tokens, window {WINDOW:,})")
        print(row("litellm alone: request to first token", base))
        print(row("Mini-Agent: submit to first token (followed)", first))
        print(row("added before the first token", added))
        print(row("added after the last token (row final)", after))


def stops(runner, sessions, fake, repeats: int = 10) -> None:
    client = LLMClient(api_base=fake.api_base, max_retries=0)
    results: dict[str, list[float]] = {"mid-reply": [], "before the first token": []}
    for _ in range(repeats):
        for label, script in (("mid-reply", Script(text=LONG * 4, chunk_size=6, drip_s=8)),
                              ("before the first token", Script(text="x", first_delay_s=8))):
            fake.queue(script)
            turn = ChatTurn(sessions, client, conversation_id=None, model=MODEL,
                            prompt="stop me", max_prompt_chars=1000)
            seen = len(fake.disconnects)
            key = runner.submit(turn)
            while len(fake.requests) == 0 or (label == "mid-reply" and not turn.state.text):
                time.sleep(0.01)
            time.sleep(0.3)
            clicked = time.monotonic()
            runner.stop(key)
            while len(fake.disconnects) == seen and time.monotonic() - clicked < 5:
                time.sleep(0.002)
            results[label].append((fake.disconnects[-1] - clicked) * 1000)
            fake.requests.clear()
    for label, values in results.items():
        print(row(f"Stop to connection closed, {label}", values))


def concurrent(runner, sessions, fake, n: int = 20) -> None:
    client = LLMClient(api_base=fake.api_base, max_retries=0)
    with sessions() as session:
        before = session.scalar(select(func.count()).select_from(Interaction)) or 0
    base_rss = rss_mb()
    # Distinct words: litellm ends a stream that repeats the same chunk over and over.
    texts = [" ".join(f"r{i}w{k}" for k in range(150)) for i in range(n)]
    fake.queue(*[Script(text=t, chunk_size=6, drip_s=3) for t in texts])
    peak = [base_rss]
    finals: list[str] = []
    lock = threading.Lock()

    def session_thread(i: int) -> None:
        with sessions() as session:
            conversation_id = queries.create_conversation(session, title=f"c{i}").id
        turn = ChatTurn(sessions, client, conversation_id=conversation_id, model=MODEL,
                        prompt=f"concurrent {i}", max_prompt_chars=1000)
        key = runner.submit(turn)
        text = ""
        for snapshot in follow(runner, sessions, key):
            peak[0] = max(peak[0], rss_mb())
            text = snapshot.text
        with lock:
            finals.append(text)

    started = time.perf_counter()
    threads = [threading.Thread(target=session_thread, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    time.sleep(0.5)
    with sessions() as session:
        stored = session.scalars(select(Interaction).where(Interaction.id > before)
                                 .where(Interaction.prompt.like("concurrent %"))).all()
    ok = sum(1 for r in stored if r.status == "ok" and r.response in texts)
    print(f"{n} concurrent turns (3 s each): {elapsed:.1f} s wall, {len(stored)} rows, "
          f"{ok} complete and ok, {len(set(finals) & set(texts))} followed to the end")
    print(f"memory per running turn: {(peak[0] - base_rss) / n * 1024:.0f} KB "
          f"(RSS {base_rss:.0f} -> peak {peak[0]:.0f} MB)")


def main(measured: int = 20) -> None:
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    data_dir = Path(__file__).resolve().parent / ".data" / "turn"
    engine = make_engine(start_embedded(data_dir))
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    url = engine.url.render_as_string(hide_password=False)
    fake = FakeLLM().start()
    runner = TurnRunner(sessions, workers=32, listen_url=url).start()
    try:
        overhead(runner, sessions, fake, measured)
        stops(runner, sessions, fake)
        concurrent(runner, sessions, fake)
    finally:
        runner.shutdown()
        fake.stop()
        engine.dispose()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
