"""Finding the Python blocks of a reply: in order, by CommonMark's fences, in linear time."""

from __future__ import annotations

import time

from agent.docs.retrieval import python_blocks


def test_python_blocks_are_found_in_order_and_other_languages_are_left_out() -> None:
    reply = "Try:\n```python\nimport pandas\n```\n```sql\nSELECT 1\n```\n```py title\nx = 1\n```"
    assert python_blocks(reply) == ["import pandas\n", "x = 1\n"]


def test_an_info_string_with_a_backtick_does_not_open_a_block() -> None:
    assert python_blocks("```py`x\nprint(1)\n```") == []


def test_a_megabyte_of_unclosed_fence_openers_is_read_in_linear_time() -> None:
    # Quadratic before: 8,000 openers took 0.1 s, so these 200,000 would take about a minute.
    start = time.perf_counter()
    assert python_blocks("```py" * 200_000) == []
    assert time.perf_counter() - start < 2
