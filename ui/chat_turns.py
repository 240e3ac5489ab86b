"""Starting turns from the chat page (send, Retry, Regenerate, Edit) and the runner they use."""

from __future__ import annotations

import atexit
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agent.chat import ChatTurn
from agent.errors import PromptRejected
from agent.setup import AgentSetup
from agent.turns import TurnRunner
from db import queries
from db.models import Interaction
from ui.chat_sidebar import open_conversation
from ui.chat_view import TurnView
from ui.setup import App


@st.cache_resource
def turn_runner(url: str, workers: int, _sessions: sessionmaker[Session]) -> TurnRunner:
    """The app process's turn runner, one per database; it outlives every page run."""
    runner = TurnRunner(_sessions, workers=workers, listen_url=url).start()
    atexit.register(runner.shutdown)
    return runner


def runner_for(app: App) -> TurnRunner:
    url = app.db.engine.url.render_as_string(hide_password=False)
    return turn_runner(url, app.settings.turn_workers, app.db.sessions)


@dataclass
class Composer:
    """Starts turns in the open conversation with the pickers' model and preset."""

    app: App
    runner: TurnRunner
    conversation_id: int | None
    model: str
    preset: str | None
    # Built on first use: it needs litellm, whose first import takes seconds.
    make_setup: Callable[[], AgentSetup]
    earlier: dict[int, list[Interaction]] = field(default_factory=dict)

    @cached_property
    def setup(self) -> AgentSetup:
        return self.make_setup()

    def start(self, prompt: str, *, attach: Sequence[int] = (), turn_of: int | None = None,
              hide_later: bool = False) -> int:
        """Check the prompt, make sure a conversation holds it, and hand the turn to a worker."""
        turn = ChatTurn(
            self.app.db.sessions, self.app.llm, conversation_id=self.conversation_id,
            model=self.model, prompt=prompt, max_prompt_chars=self.app.settings.max_prompt_chars,
            agent=self.setup, preset=self.preset, attach=attach, turn_of=turn_of,
            hide_later=hide_later, user_id=self.app.user.id,
        )
        try:
            with self.app.db.sessions() as session:
                if self.conversation_id is None:
                    self.conversation_id = queries.create_conversation(
                        session, title=queries.title_from_prompt(prompt), model=self.model,
                        preset=self.preset, user_id=self.app.user.id).id
                    open_conversation(self.conversation_id)
                else:
                    queries.remember_choices(session, self.conversation_id, model=self.model,
                                             preset=self.preset)
        except SQLAlchemyError:
            pass  # the turn still runs; the page keeps it on screen and says it was not saved
        turn.conversation_id = self.conversation_id
        return self.runner.submit(turn)

    def again(self, turn: TurnView, prompt: str | None = None) -> None:
        """A new attempt of `turn` (Retry, Regenerate; with a new prompt, Edit) in its place."""
        assert turn.id is not None
        place = getattr(turn, "turn_of", None) or turn.id
        try:
            self.start(prompt if prompt is not None else turn.prompt, turn_of=place,
                       hide_later=prompt is not None,
                       attach=(turn.meta or {}).get("attached", []))
        except PromptRejected as exc:
            st.session_state.chat_notice = str(exc)
        st.session_state.pop("editing", None)
        st.rerun()

    def reply_controls(self, turn: TurnView) -> None:
        """Retry a failed or stopped reply, Regenerate a finished one; earlier versions."""
        if turn.id is None:
            return
        place = getattr(turn, "turn_of", None) or turn.id
        label, icon = (("Regenerate", ":material/autorenew:") if turn.status == "ok"
                       else ("Retry", ":material/refresh:"))
        if st.button(label, key=f"again-{turn.id}", icon=icon, type="tertiary",
                     help="Ask again; this reply is kept as an earlier version."):
            self.again(turn)
        earlier = self.earlier.get(place, [])
        if earlier:
            with st.expander(f"Earlier versions ({len(earlier)})"):
                for n, old in enumerate(earlier, start=1):
                    st.markdown(f"**Version {n}** · {old.status} · `{old.model}`")
                    if old.prompt != turn.prompt:
                        st.caption(f"Prompt: {old.prompt[:300]}")
                    st.markdown(old.response or "_(no reply)_")

    def prompt_controls(self, turn: TurnView) -> bool:
        """Edit a prompt and send it again from there; True when the edit box replaced it."""
        if turn.id is None or turn.status == "pending":
            return False
        if st.session_state.get("editing") != turn.id:
            st.markdown(turn.prompt)
            if st.button("Edit", key=f"edit-{turn.id}", icon=":material/edit:",
                         type="tertiary", help="Change this prompt and send it again; later "
                         "turns are hidden (kept under History)."):
                st.session_state.editing = turn.id
                st.rerun()
            return True
        with st.form(f"edit-form-{turn.id}", border=False):
            edited = st.text_area("Edit the prompt", value=turn.prompt, key=f"edited-{turn.id}")
            send, cancel = st.columns(2)
            if send.form_submit_button("Send", type="primary"):
                self.again(turn, edited)
            if cancel.form_submit_button("Cancel"):
                st.session_state.pop("editing", None)
                st.rerun()
        return True
