"""Mini-Agent's entry point: the server (every page plus the HTTP API) and the chat page.

`streamlit run app.py` imports this module to find `server`: every page and, on the same
port, the HTTP API (api/). Streamlit then runs this file as the chat page, as `__main__`.

Mini-Agent's chat page: the main page of the app.
"""

from __future__ import annotations

import streamlit as st

if __name__ != "__main__":
    from api.server import ApiServer

    api = ApiServer()
    server = st.App("app.py", routes=api.routes(), lifespan=api.lifespan)
else:
    from sqlalchemy.exc import SQLAlchemyError

    from agent.chat import ChatTurn
    from agent.errors import PromptRejected
    from agent.llm import model_problem
    from agent.setup import agent_setup
    from agent.uploads.attachments import CHAT_FILE_TYPES, Attached, attach_files, default_prompt
    from agent.uploads.refs import attached_upload_ids, upload_refs
    from db import queries
    from db.tool_calls import tool_calls_by_turn
    from ui.chat_sidebar import (
        conversation_list,
        current_conversation_id,
        model_picker,
        open_conversation,
        pending_attachment,
        preset_picker,
    )
    from ui.chat_view import (
        attached_note,
        draw_live_turn,
        draw_stored_turn,
        draw_unsaved,
        tools_off_note,
        wait_for_interrupted_turn,
    )
    from ui.setup import setup_page

    app = setup_page("Chat", ":material/chat:")
    sessions = app.db.sessions
    user_id = app.user.id
    current = current_conversation_id()
    unsaved: list[dict[str, str]] = st.session_state.setdefault("unsaved", [])
    wait_for_interrupted_turn()

    attach_id = pending_attachment()
    with st.sidebar:
        model = model_picker(app.settings.model_choices)
        preset = preset_picker(default="analyze_file" if attach_id else None)
    try:
        with sessions() as session:
            conversations = queries.list_conversations(session, user_id=user_id)
            if current is not None and not any(c.id == current for c in conversations):
                current = None
                open_conversation(None)
            turns = (queries.list_turns(session, current, user_id=user_id)
                     if current is not None else [])
            calls = tool_calls_by_turn(session, [t.id for t in turns], user_id=user_id)
            wanted = attached_upload_ids(turns) + ([attach_id] if attach_id else [])
            uploads = {i: u.name for i, u in upload_refs(session, wanted, user_id=user_id).items()}
    except SQLAlchemyError:
        st.error("The database stopped answering; past conversations cannot be shown right now. "
                 "New messages still reach the model but are not saved.")
        conversations, turns, calls, uploads = [], [], {}, {}
    with st.sidebar:
        conversation_list(sessions, conversations, current, user_id=user_id)

    # Filled after the chat input is drawn: the checks need litellm, whose first import is slow.
    notices = st.container()
    if not turns and not unsaved:
        st.title("Mini-Agent")
        st.caption(f"Chat with `{model}`. Every turn is kept; find it again under History.")

    for turn in turns:
        draw_stored_turn(turn, calls.get(turn.id, []), uploads)
    draw_unsaved(unsaved)
    if attach_id is not None and attach_id not in uploads:
        st.warning(f"Upload {attach_id} no longer exists, so it was not attached.")
        attach_id = None
        st.query_params.pop("attach", None)
    if attach_id is not None:
        st.info(attached_note([uploads[attach_id]]), icon=":material/attach_file:")

    submission = st.chat_input("Ask anything about your code…", accept_file=True,
                               file_type=CHAT_FILE_TYPES)
    with notices:
        problem = model_problem(app.llm, model)
        if problem:
            st.warning(problem, icon=":material/key_off:")
        setup = agent_setup(app.settings, app.llm, model)
        if setup.tools_off:
            st.info(tools_off_note(model, setup.tools_off), icon=":material/build:")
        elif setup.code_off:
            st.info(setup.code_off, icon=":material/code_off:")
    prompt = submission.text if submission else st.session_state.pop("resend", None)
    attached = Attached()
    if submission and submission.files:
        with st.spinner("Storing and analysing the attached files…"):
            attached = attach_files(sessions, app.settings, [(f.name, f) for f in submission.files],
                                    user_id=user_id)
        for problem in attached.problems:
            st.error(problem, icon=":material/attach_file_off:")
        if attached.names and not (prompt or "").strip():
            prompt = default_prompt(attached.names)
    if prompt and prompt.strip():
        if current is None:
            try:
                with sessions() as session:
                    title = queries.title_from_prompt(prompt)
                    current = queries.create_conversation(session, title=title, user_id=user_id).id
                open_conversation(current)
            except SQLAlchemyError:
                current = None  # the turn still runs; draw_live_turn says it was not saved
        try:
            handed = [attach_id] if attach_id is not None else []
            turn = ChatTurn(
                sessions, app.llm, conversation_id=current, model=model, prompt=prompt,
                max_prompt_chars=app.settings.max_prompt_chars, agent=setup, preset=preset,
                attach=handed + attached.ids, user_id=user_id,
            )
        except PromptRejected as exc:
            st.error(str(exc), icon=":material/block:")
        else:
            names = [uploads[i] for i in handed] + attached.names
            result = draw_live_turn(turn, names)
            if result.saved:
                st.query_params.pop("attach", None)  # attached now: later turns keep it
                st.rerun()
            unsaved.append({"prompt": prompt, "response": result.response,
                            "error": str(result.error or "")})
