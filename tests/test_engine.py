"""db/engine.py: what reaches logs and error messages, and how the embedded server is kept."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine


def test_a_failed_statement_does_not_carry_the_prompt_in_its_message(database_url) -> None:
    engine = make_engine(database_url)
    secret = "my private prompt about payroll"
    try:
        with engine.connect() as connection, pytest.raises(DBAPIError) as caught:
            connection.execute(text("SELECT length(:p) / 0"), {"p": secret})
    finally:
        engine.dispose()
    assert secret not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)
