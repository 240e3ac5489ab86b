"""Mini-Agent's entry point: the server (every page plus the HTTP API) and the chat page.

`streamlit run app.py` imports this module to find `server`: every page and, on the same
port, the HTTP API (api/). Streamlit then runs this file as the chat page, as `__main__`.

Mini-Agent's chat page: the main page of the app.

Turns run in the app process (ui/chat_turns.py); the page only starts them and follows them,
so a reload, a second tab or another app process on the same database picks a reply up.
"""

from __future__ import annotations

import streamlit as st

if __name__ != "__main__":
    from api.server import ApiServer
    from config import get_settings
    from ui.auth import server_auth

    api = ApiServer()
    # The auth mode's server set-up (st.login's [auth] secrets, the trusted proxy header,
    # the bind address) must be in place before the server starts.
    server = st.App("app.py", routes=api.routes(), lifespan=api.lifespan,
                    secrets=server_auth(get_settings()))
else:
    from sqlalchemy.exc import SQLAlchemyError

    from agent.chat import check_prompt
    from agent.errors import PromptRejected
    from agent.follow import follow
    from agent.llm import model_problem
    from agent.setup import agent_setup
    from agent.uploads.attachments import CHAT_FILE_TYPES, Attached, attach_files, default_prompt
    from agent.uploads.refs import attached_upload_ids, upload_refs
    from db import queries
    from db.tool_calls import tool_calls_by_turn
    from ui.chat_sidebar import (
        conversation_list,
        conversation_search,
        current_conversation_id,
        model_picker,
        open_conversation,
        pending_attachment,
        preset_picker,
        remember_pickers,
    )
    from ui.chat_turns import Composer, runner_for
    from ui.chat_view import (
        HIDE_STREAMLIT_STOP,
        UnsavedTurn,
        attached_note,
        draw_turn,
        follow_turn,
        tools_off_note,
    )
    from ui.setup import setup_page

    app = setup_page("Chat", ":material/chat:")
    st.html(HIDE_STREAMLIT_STOP)
    sessions = app.db.sessions
    runner = runner_for(app)
    current = current_conversation_id()
    unsaved: list[UnsavedTurn] = st.session_state.setdefault("unsaved", [])
    attach_id = pending_attachment()
    with st.sidebar:
        if st.button("New chat", icon=":material/add:", width="stretch"):
            open_conversation(None)
            st.rerun()
        search = conversation_search()
    try:
        with sessions() as session:
            me = app.user.id  # every read below is the signed-in user's own
            conversations = queries.list_conversations(session, user_id=me, search=search)
            opened = (queries.get_conversation(session, current, user_id=me)
                      if current is not None else None)
            if opened is None and current is not None:
                current = None
                open_conversation(None)
            turns = queries.list_turns(session, current, user_id=me) if current is not None else []
            earlier = (queries.earlier_attempts(session, current, user_id=me)
                       if current is not None else {})
            calls = tool_calls_by_turn(session, [t.id for t in turns], user_id=me)
            wanted = attached_upload_ids(turns) + ([attach_id] if attach_id else [])
            uploads = {i: u.name for i, u in upload_refs(session, wanted, user_id=me).items()}
    except SQLAlchemyError:
        st.error("The database stopped answering; past conversations cannot be shown right now. "
                 "New messages still reach the model but are not saved.")
        conversations, opened, turns, earlier, calls, uploads = [], None, [], {}, {}, {}
    with st.sidebar:
        choices = remember_pickers(opened, app.settings.model_choices)
        model = model_picker(choices)
        preset = preset_picker(default="analyze_file" if attach_id else None)
        st.subheader("Conversations")
        conversation_list(sessions, conversations, current, searching=bool(search))

    # Filled after the chat input is drawn: the checks need litellm, whose first import is slow.
    notices = st.container()
    if not turns and not unsaved:
        st.title("Mini-Agent")
        st.caption(f"Chat with `{model}`. Every turn is kept; find it again under History.")

    composer = Composer(app, runner, current, model, preset,
                        lambda: agent_setup(app.settings, app.llm, model), earlier)
    running = None
    for turn in turns:
        area = draw_turn(turn, calls.get(turn.id, []), uploads,
                         controls=composer.reply_controls, prompt_controls=composer.prompt_controls)
        if area is not None:
            running = (turn.id, area)
    for kept in unsaved:
        draw_turn(kept)
    if attach_id is not None and attach_id not in uploads:
        st.warning(f"Upload {attach_id} no longer exists, so it was not attached.")
        attach_id = None
        st.query_params.pop("attach", None)
    if attach_id is not None:
        st.info(attached_note([uploads[attach_id]]), icon=":material/attach_file:")
    notice = st.session_state.pop("chat_notice", None)
    if notice:
        st.error(notice, icon=":material/block:")

    submission = st.chat_input("Ask anything about your code…", accept_file=True,
                               file_type=CHAT_FILE_TYPES, disabled=running is not None)
    with notices:
        problem = model_problem(app.llm, model)
        if problem:
            st.warning(problem, icon=":material/key_off:")
        if composer.setup.tools_off:
            st.info(tools_off_note(model, composer.setup.tools_off), icon=":material/build:")
        elif composer.setup.code_off:
            st.info(composer.setup.code_off, icon=":material/code_off:")

    if running is not None:
        key, area = running
        follow_turn(area, follow(runner, sessions, key), lambda: runner.stop(key))
        runner.wait_written(key)
        st.rerun()

    prompt = submission.text if submission else None
    attached = Attached()
    if submission and submission.files:
        with st.spinner("Storing and analysing the attached files…"):
            attached = attach_files(sessions, app.settings, [(f.name, f) for f in submission.files],
                                    user_id=app.user.id)
        for problem in attached.problems:
            st.error(problem, icon=":material/attach_file_off:")
        if attached.names and not (prompt or "").strip():
            prompt = default_prompt(attached.names)
    if prompt and prompt.strip():
        handed = [attach_id] if attach_id is not None else []
        try:
            check_prompt(prompt, app.settings.max_prompt_chars)
            key = composer.start(prompt, attach=handed + attached.ids)
        except PromptRejected as exc:
            st.error(str(exc), icon=":material/block:")
        else:
            st.query_params.pop("attach", None)  # attached now: later turns keep it
            if key < 0:  # the database did not take it: follow it here and keep it on screen
                live = runner.live(key)
                follow_turn(st.container(), follow(runner, sessions, key), lambda: runner.stop(key))
                if live is not None:
                    result = live.turn.result
                    unsaved.append(UnsavedTurn(
                        prompt=live.turn.prompt, response=result.response, status=result.status,
                        error=result.error.record if result.error else None, model=model,
                        prompt_tokens=result.prompt_tokens,
                        completion_tokens=result.completion_tokens, cost_usd=result.cost_usd,
                        latency_ms=result.latency_ms, first_token_ms=result.first_token_ms))
            st.rerun()
