"""Drawing docs in the chat: the hits a reply used, code findings under their block, the
search tool's output; and the hit list the Docs page shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from agent.docs.retrieval import PYTHON_BLOCK


def draw_doc_hits(meta: dict[str, Any]) -> None:
    """The docs retrieved for a turn, collapsed under the reply."""
    hits = meta.get("docs") or []
    if not hits:
        return
    with st.expander(f"Docs used ({len(hits)})", icon=":material/menu_book:"):
        for hit in hits:
            where = f" — `{hit['source']}`" if hit.get("source") else ""
            st.markdown(f"- `{hit['cite']}`{where}")


def draw_reply(text: str, meta: dict[str, Any]) -> None:
    """The reply, with check_code's findings under the Python block they concern."""
    findings = meta.get("code_findings") or []
    if not findings:
        st.markdown(text)
        return
    by_block: dict[int, list[dict[str, Any]]] = {}
    for finding in findings:
        by_block.setdefault(int(finding.get("block", 0)), []).append(finding)
    start = 0
    for index, match in enumerate(PYTHON_BLOCK.finditer(text)):
        st.markdown(text[start:match.end()])
        for finding in by_block.get(index, []):
            st.warning(f"Line {finding['line']}: {finding['message']}",
                       icon=":material/report:")
        start = match.end()
    if text[start:].strip():
        st.markdown(text[start:])


def draw_hits(hits: Sequence[Any]) -> None:
    """Search hits with their citation, signature, location and docstring."""
    for hit in hits:
        with st.container(border=True):
            st.markdown(f"**`{hit.citation}`** · {hit.kind}"
                        + (f" · `{hit.source}`" if hit.source else ""))
            st.text(hit.text[:1500])


def draw_docs_output(data: dict[str, Any]) -> None:
    """The search_docs tool's hits inside its status block."""
    hits = data.get("hits") or []
    if not hits:
        st.caption("No hits.")
    for hit in hits:
        st.markdown(f"- `{hit['cite']}`" + (f" — `{hit['source']}`" if hit.get("source") else ""))
