"""The top of the Analyze page: drop a file or pick an earlier upload, then open its analysis."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.uploaded_file_manager import UploadedFile

from agent.errors import MiniAgentError
from agent.uploads import AnalyzedUpload, Kind, Progress, analyze_upload, open_upload
from agent.uploads.cache import analysis_cache
from agent.uploads.store import uploads_dir
from db.models import Upload
from db.uploads import list_uploads
from ui.setup import App

UPLOAD_TYPES = ["csv", "tsv", "txt", "log", "jsonl", "gz"]
READ_AS = {"Auto": None, "CSV": "csv", "Log": "log"}
PICK_KEY = "analyze-pick"
# Bumped after each analysed upload so the drop zone empties for the next file.
DROP_ROUND_KEY = "analyze-drop-round"
FAILED_KEY = "analyze-failed"
NOTICE_KEY = "analyze-notice"


def choose_upload(app: App) -> AnalyzedUpload | None:
    """Draw the drop zone, the earlier uploads and "Read as"; return the opened analysis."""
    settings = app.settings
    st.caption(
        f"CSV, TSV, text logs and JSON lines, plain or `.gz`, up to {settings.max_upload_mb} MB "
        "(`MINI_AGENT_MAX_UPLOAD_MB`). Files are kept under "
        f"`{uploads_dir(settings.data_dir)}/<sha256>/<name>` until you delete them; "
        "the same bytes are analysed once."
    )
    choice = st.radio(
        "Read as", list(READ_AS), horizontal=True, key="analyze-read-as",
        help="Auto tells a CSV from a log by the file's first lines.",
    )
    kind: Kind | None = READ_AS[choice]
    round_ = st.session_state.setdefault(DROP_ROUND_KEY, 0)
    dropped = st.file_uploader(
        "Drop a CSV or a log file", type=UPLOAD_TYPES, key=f"analyze-file-{round_}",
        max_upload_size=settings.max_upload_mb,
    )
    if dropped is not None:
        _analyse_dropped(app, dropped, kind)
    upload_id = _pick_earlier(app)
    if upload_id is None:
        return None
    return _open(app, upload_id, kind)


def _analyse_dropped(app: App, dropped: UploadedFile, kind: Kind | None) -> None:
    """Keep and analyse a dropped file, then open it; a failure stays shown until it changes."""
    attempt = (dropped.file_id, kind)
    failed = st.session_state.get(FAILED_KEY)
    if failed and failed[0] == attempt:
        st.error(failed[1])
        return
    started = time.perf_counter()
    try:
        with _progress_bar() as progress:
            result = analyze_upload(
                app.db.sessions, app.settings, dropped.name, dropped, user_id=app.user.id,
                kind=kind,
                progress=progress, analyse=analysis_cache(),
            )
    except MiniAgentError as exc:
        message = f"Could not analyse “{dropped.name}”: {exc}"
        st.session_state[FAILED_KEY] = (attempt, message)
        st.error(message)
        return
    seconds = time.perf_counter() - started
    again = " (these bytes were uploaded before: same entry)" if result.reused else ""
    st.session_state[NOTICE_KEY] = f"Analysed “{dropped.name}” in {seconds:.1f} s{again}."
    st.session_state[PICK_KEY] = result.upload.id
    st.session_state[DROP_ROUND_KEY] += 1
    st.session_state.pop(FAILED_KEY, None)
    st.rerun()


def _pick_earlier(app: App) -> int | None:
    """The selectbox of recorded uploads, newest first; its choice is also kept in the URL."""
    try:
        with app.db.sessions() as session:
            uploads = {u.id: u for u in list_uploads(session, user_id=app.user.id)}
    except SQLAlchemyError:
        st.error("The database stopped answering: earlier uploads cannot be listed right now.")
        return None
    if PICK_KEY not in st.session_state and st.query_params.get("upload", "").isdigit():
        st.session_state[PICK_KEY] = int(st.query_params["upload"])
    if st.session_state.get(PICK_KEY) not in uploads:
        st.session_state[PICK_KEY] = None
    picked = st.selectbox(
        "Or open an earlier upload", list(uploads), key=PICK_KEY,
        format_func=lambda upload_id: upload_label(uploads[upload_id]),
        placeholder="Earlier uploads, newest first", index=None,
    )
    if picked is None:
        st.query_params.pop("upload", None)
    else:
        st.query_params["upload"] = str(picked)
    return picked


def upload_label(upload: Upload) -> str:
    """name · kind · size · date, as listed in the picker."""
    when = upload.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"{upload.name} · {upload.kind} · {file_size(upload.size_bytes)} · {when}"


def file_size(size_bytes: int) -> str:
    """Bytes in the largest unit that keeps the figure readable."""
    size = float(size_bytes)
    for unit in ("B", "KB", "MB"):
        if size < 1000:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def _open(app: App, upload_id: int, kind: Kind | None) -> AnalyzedUpload | None:
    """Open the picked upload (instant when cached); say how it was obtained."""
    ran = False

    def noting(progress: Progress) -> Progress:
        def report(fraction: float, message: str) -> None:
            nonlocal ran
            ran = True
            progress(fraction, message)
        return report

    started = time.perf_counter()
    try:
        with _progress_bar() as progress:
            opened = open_upload(
                app.db.sessions, upload_id, user_id=app.user.id, kind=kind,
                progress=noting(progress),
                analyse=analysis_cache(),
            )
    except MiniAgentError as exc:
        st.error(str(exc))
        return None
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.success(notice)
    elif ran:
        st.caption(f"Analysed in {time.perf_counter() - started:.1f} s.")
    else:
        st.caption("Opened from the cache: these bytes were analysed earlier, nothing was re-read.")
    return opened


@contextmanager
def _progress_bar() -> Iterator[Progress]:
    """A progress bar fed by the library's callback, removed when the work ends."""
    slot = st.empty()

    def report(fraction: float, message: str) -> None:
        slot.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        yield report
    finally:
        slot.empty()
