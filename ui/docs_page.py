"""The Docs page's parts: the search box, the table of indexed sources, the index forms."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session, sessionmaker

from agent.docs import EnvironmentUnavailable, index_environment, index_folder, search_docs
from db.docs import list_sources
from ui.docs_view import draw_hits


def draw_search(sessions: sessionmaker[Session]) -> None:
    """A search box over everything indexed, with the hits."""
    with st.form("docs-search", border=False):
        left, right = st.columns([4, 1])
        query = left.text_input("Search the docs", placeholder="validate a one-to-one merge",
                                key="docs_query")
        package = right.text_input("Package (optional)", key="docs_package")
        st.form_submit_button("Search", icon=":material/search:")
    if query.strip():
        with sessions() as session:
            hits = search_docs(session, query, k=10, package=package.strip() or None)
        if hits:
            draw_hits(hits)
        else:
            st.info("No hits. Is the package indexed? Index it below.")


def draw_sources(sessions: sessionmaker[Session]) -> None:
    """What is indexed: packages by environment and folders, with versions and sizes."""
    with sessions() as session:
        sources = list_sources(session)
    st.subheader("Indexed")
    if not sources:
        st.info("Nothing is indexed yet: index the app's environment or a folder below.")
        return
    frame = pd.DataFrame([{
        "kind": s.kind, "name": s.name, "version": s.version if s.kind == "package" else "",
        "objects": s.objects, "size (MB)": round(s.size_bytes / 1e6, 2),
        "environment": s.environment or s.location, "indexed": s.indexed_at,
        "problem": s.error or "",
    } for s in sources])
    packages = frame[frame["kind"] == "package"]
    st.caption(f"{len(packages):,} packages in {packages['environment'].nunique():,} "
               f"environment(s), {int((frame['kind'] == 'folder').sum()):,} folder(s), "
               f"{int(frame['objects'].sum()):,} objects, {frame['size (MB)'].sum():.1f} MB.")
    st.dataframe(frame, hide_index=True)


def draw_index_forms(sessions: sessionmaker[Session]) -> None:
    """Index (or re-index) an environment or a folder, with progress."""
    st.subheader("Index")
    env_tab, folder_tab = st.tabs(["An environment", "A folder"])
    with env_tab, st.form("docs-env"):
        python = st.text_input(
            "Python interpreter", placeholder="blank: the app's own; or /path/to/.venv/bin/python",
            key="docs_python")
        packages = st.text_input("Only these packages (comma-separated, optional)",
                                 key="docs_packages")
        if st.form_submit_button("Index", icon=":material/sync:"):
            run_environment(sessions, python.strip() or None,
                            [p.strip() for p in packages.split(",") if p.strip()] or None)
    with folder_tab, st.form("docs-folder"):
        folder = st.text_input("Folder of Markdown, reST, HTML or text files",
                               key="docs_folder")
        if st.form_submit_button("Index", icon=":material/folder:") and folder.strip():
            try:
                with sessions() as session:
                    report = index_folder(session, folder.strip())
            except EnvironmentUnavailable as exc:
                st.error(str(exc))
            else:
                state = "unchanged" if report.unchanged else "indexed"
                st.success(f"{report.folder}: {report.files:,} files, "
                           f"{report.sections:,} sections ({state}).")


def run_environment(sessions: sessionmaker[Session], python: str | None,
                    packages: list[str] | None) -> None:
    """Index an environment, drawing a progress bar as packages finish."""
    bar = st.progress(0.0, text="Listing the installed packages…")

    def progress(done: int, total: int, name: str) -> None:
        share = done / total if total else 1.0
        bar.progress(share, text=f"{done}/{total} packages read" + (f" · {name}" if name else ""))

    try:
        with sessions() as session:
            report = index_environment(session, python, packages=packages, progress=progress)
    except EnvironmentUnavailable as exc:
        bar.empty()
        st.error(str(exc))
        return
    bar.progress(1.0, text="Done")
    st.success(f"{len(report.indexed):,} packages indexed, {len(report.unchanged):,} "
               f"unchanged, {len(report.removed):,} removed in {report.seconds:.1f} s.")
    for name, problem in report.failed.items():
        st.warning(f"{name}: {problem}")
