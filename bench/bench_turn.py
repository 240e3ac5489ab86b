"""Per-turn overhead: what the app adds before the first token and after the last one.

The fake OpenAI-compatible server answers at once. For each turn we time, from submit:
the first token reaching the caller, and the row being finalized after the last token; and,
as the baseline, the same request made straight through litellm with no database or history.
Run: .venv/bin/python -m bench.bench_turn [turns]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.chat import ChatTurn  # noqa: E402
from agent.llm import LLMClient, litellm_module  # noqa: E402
from db import migrate, queries  # noqa: E402
from db.engine import make_engine, make_sessionmaker, start_embedded  # noqa: E402
from tests.fake_llm import FakeLLM, Script  # noqa: E402

MODEL = "openai/fake"


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main(turns: int = 100) -> None:
    data_dir = Path(__file__).resolve().parent / ".data" / "turn"
    engine = make_engine(start_embedded(data_dir))
    migrate.upgrade(engine)
    sessions = make_sessionmaker(engine)
    fake = FakeLLM().start()
    client = LLMClient(api_base=fake.api_base, max_retries=0)
    litellm = litellm_module()
    with sessions() as session:
        conversation_id = queries.create_conversation(session, title="bench").id

    baseline_first: list[float] = []
    first: list[float] = []
    finalize: list[float] = []
    for n in range(turns + 5):
        fake.queue(Script(text="a short reply of a few words", chunk_size=8))
        start = time.perf_counter()
        stream = litellm.completion(
            model=MODEL,
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            api_base=fake.api_base,
            api_key="x",
            stream_options={"include_usage": True},
            max_retries=0,
        )
        got_first = None
        for chunk in stream:
            if got_first is None and chunk.choices and chunk.choices[0].delta.content:
                got_first = time.perf_counter() - start
        fake.queue(Script(text="a short reply of a few words", chunk_size=8))
        turn = ChatTurn(
            sessions,
            client,
            conversation_id=conversation_id,
            model=MODEL,
            prompt=f"question {n}",
            max_prompt_chars=10_000,
        )
        submitted = time.perf_counter()
        iterator = turn.stream()
        next(iterator)
        first_at = time.perf_counter() - submitted
        for _ in iterator:
            last_token = time.perf_counter()
        done = time.perf_counter() - last_token
        if n >= 5:  # warm-up turns load litellm's lazy parts
            baseline_first.append(got_first * 1000)
            first.append(first_at * 1000)
            finalize.append(done * 1000)
    fake.stop()
    added = [a - b for a, b in zip(first, baseline_first, strict=True)]
    print(f"turns: {turns} (history grows to {turns + 5} turns in one conversation)")
    print(f"{'':42}{'median':>10}{'p95':>10}")
    for label, values in [
        ("litellm alone: request to first token", baseline_first),
        ("Mini-Agent: submit to first token", first),
        ("added before the first token", added),
        ("last token to row finalized", finalize),
    ]:
        print(f"{label:42}{statistics.median(values):>8.1f}ms{percentile(values, 95):>8.1f}ms")
    engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
