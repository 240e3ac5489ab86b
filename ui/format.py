"""Text the pages show for figures: costs, durations, token counts."""

from __future__ import annotations


def money(cost: float | None) -> str:
    """A cost in dollars; unknown stays unknown, never $0."""
    if cost is None:
        return "cost unknown"
    if cost == 0:
        return "$0"
    if cost < 0.01:
        return f"${cost:.6f}".rstrip("0")
    return f"${cost:,.4f}"


def duration(ms: int | float | None) -> str:
    """Milliseconds as a short human duration."""
    if ms is None:
        return "–"
    if ms < 1000:
        return f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


def turn_caption(
    *,
    model: str,
    prompt_tokens: int | None,
    completion_tokens: int | None,
    cost_usd: float | None,
    latency_ms: int | None,
    first_token_ms: int | None,
) -> str:
    """model · tokens · cost · latency, as shown under each reply."""
    if prompt_tokens is None and completion_tokens is None:
        tokens = "tokens unknown"
    else:
        tokens = f"{prompt_tokens or 0:,} → {completion_tokens or 0:,} tokens"
    latency = duration(latency_ms)
    if first_token_ms is not None:
        latency += f" (first token {duration(first_token_ms)})"
    return " · ".join([model, tokens, money(cost_usd), latency])
