"""The UNSEEN docs questions are well-formed and new: nothing here asks the search about them,
which is the point of the set (their names were checked against a full index when written)."""

from __future__ import annotations

import re

from tests.docs_questions import FRESH, HELD_OUT, QUESTIONS
from tests.docs_unseen import UNSEEN

# A qualname, or the `*.` suffix form answers() accepts: dotted identifiers, nothing else.
NAME = re.compile(r"(\*\.)?[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def normalized(question: str) -> str:
    return " ".join(question.lower().split())


def test_every_unseen_question_has_text_and_at_least_one_well_formed_expected_name() -> None:
    for question, expected in UNSEEN:
        assert question.strip(), expected
        assert expected, question
        assert len(set(expected)) == len(expected), question
        for name in expected:
            assert NAME.fullmatch(name), (question, name)
            assert name.startswith("*.") or "." in name, (question, name)


def test_no_unseen_question_repeats_another_unseen_question_or_one_of_the_other_sets() -> None:
    unseen = [normalized(q) for q, _ in UNSEEN]
    others = {normalized(q) for q, _ in QUESTIONS + HELD_OUT + FRESH}
    assert len(set(unseen)) == len(unseen)
    assert not set(unseen) & others


def test_the_unseen_set_asks_at_least_sixty_questions_about_at_least_ten_packages() -> None:
    packages = {name.split(".")[0] for _, expected in UNSEEN for name in expected
                if not name.startswith("*.")}
    assert len(UNSEEN) >= 60
    assert len(packages) >= 10, packages
