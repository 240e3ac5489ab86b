"""A synthetic log of many header styles and tens of thousands of distinct messages.

The LogHub dev mix repeats a few hundred templates; a real fleet's logs hold far more. This
mix draws messages from 30,000 made-up templates (words from a seeded vocabulary, with numbers,
ids, addresses, paths and sizes in their slots) under eight header styles, some seen nowhere
in the dev set.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

TEMPLATES = 30_000
SEED = 9

_SLOTS: tuple[Callable[[random.Random], str], ...] = (
    lambda r: str(r.randint(0, 99999)),
    lambda r: f"{r.getrandbits(64):016x}",
    lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
    lambda r: f"/srv/{r.choice(['data', 'tmp'])}/{r.randint(0, 999)}/part-{r.randint(0, 9)}",
    lambda r: f"{r.randint(1, 900)} ms",
    lambda r: f"{r.randint(1, 9999)} bytes ({r.random() * 10:.1f} KB)",
    lambda r: f"node-{r.randint(0, 400)}:{r.randint(1024, 65535)}",
)

_HEADERS: tuple[Callable[[random.Random, int], str], ...] = (
    lambda r, t: (
        f"2024-03-{1 + t // 86400 % 28:02d} {t // 3600 % 24:02d}:{t // 60 % 60:02d}:"
        f"{t % 60:02d}.{r.randint(0, 999):03d} {r.randint(100, 9999)} "
        f"{r.choice(['INFO', 'INFO', 'WARNING', 'ERROR'])} svc.pool [req-{r.getrandbits(32):08x}] "
    ),
    lambda r, t: (
        f"- {1700000000 + t} 2023.11.14 cn{r.randint(1, 99)} Nov 14 "
        f"{t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d} cn{r.randint(1, 99)}/cn1 "
        f"daemon[{r.randint(100, 9999)}]: "
    ),
    lambda r, t: (
        f"[11.{14 + t // 86400 % 10} {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}]"
        f" {r.choice(['agent.exe', 'sync.exe *64', 'mail.exe'])} - "
    ),
    lambda r, t: (
        f"{r.choice('IWE')}1114 {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
        f".{r.randint(0, 999999):06d} {r.randint(100, 9999)} main.cc:{r.randint(1, 900)}] "
    ),
    lambda r, t: (
        f"{r.randint(0, 9999)} node-{r.randint(0, 512)} unix.hw state.change {1077800000 + t} 1 "
    ),
    lambda r, t: (
        f"2024-03-14T{t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}Z "
        f"{r.choice(['debug', 'info', 'warn', 'error'])} "
    ),
    lambda r, t: (
        f"Mar 14 {t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d} "
        f"host{r.randint(1, 9)} app{r.randint(1, 30)}[{r.randint(100, 9999)}]: "
    ),
    lambda r, t: (
        f"{t // 3600 % 24:02d}:{t // 60 % 60:02d}:{t % 60:02d}.{r.randint(0, 999):03d} "
        f"[thread-{r.randint(1, 64)}] {r.choice(['INFO', 'DEBUG', 'ERROR'])} "
    ),
)


def _templates(rng: random.Random) -> list[list[str | int]]:
    """Made-up templates: 3-14 words from a 4,000-word vocabulary, 0-3 variable slots."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocab = ["".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(4000)]
    out: list[list[str | int]] = []
    for _ in range(TEMPLATES):
        words: list[str | int] = list(rng.choices(vocab, k=rng.randint(3, 14)))
        for _ in range(rng.randint(0, 3)):
            words.insert(rng.randint(1, len(words)), rng.randrange(len(_SLOTS)))
        out.append(words)
    return out


def build_distinct(path: Path, target_bytes: int) -> Path:
    """Write the mix (once) to path, about target_bytes long, in blocks of one header style."""
    if path.exists() and path.stat().st_size >= target_bytes:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    templates = _templates(rng)
    written, second = 0, 0
    with path.open("w") as out:
        while written < target_bytes:
            header = rng.choice(_HEADERS)
            block = []
            for _ in range(5000):
                second += rng.randint(0, 2)
                words = rng.choice(templates)
                body = " ".join(w if isinstance(w, str) else _SLOTS[w](rng) for w in words)
                block.append(header(rng, second) + body + "\n")
            text = "".join(block)
            out.write(text)
            written += len(text)
    return path
