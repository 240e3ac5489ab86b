"""The UNSEEN docs questions are well-formed and new: nothing here asks the search about them,
which is the point of the set (their names were checked against a full index when written).
So is the STUDY set, whose names were checked the same way before it was first searched."""

from __future__ import annotations

import re

from tests.docs_questions import FRESH, HELD_OUT, QUESTIONS, STUDY
from tests.docs_unseen import UNSEEN

# A qualname, or the `*.` suffix form answers() accepts: dotted identifiers, nothing else.
NAME = re.compile(r"(\*\.)?[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def normalized(question: str) -> str:
    return " ".join(question.lower().split())


def assert_well_formed(questions: list[tuple[str, tuple[str, ...]]]) -> None:
    for question, expected in questions:
        assert question.strip(), expected
        assert expected, question
        assert len(set(expected)) == len(expected), question
        for name in expected:
            assert NAME.fullmatch(name), (question, name)
            assert name.startswith("*.") or "." in name, (question, name)


def packages_of(questions: list[tuple[str, tuple[str, ...]]]) -> set[str]:
    return {name.split(".")[0] for _, expected in questions for name in expected
            if not name.startswith("*.")}


def test_every_unseen_question_has_text_and_at_least_one_well_formed_expected_name() -> None:
    assert_well_formed(UNSEEN)


def test_every_study_question_has_text_and_at_least_one_well_formed_expected_name() -> None:
    assert_well_formed(STUDY)


def test_no_study_question_repeats_another_study_question_or_one_of_the_other_sets() -> None:
    study = [normalized(q) for q, _ in STUDY]
    others = {normalized(q) for q, _ in QUESTIONS + HELD_OUT + FRESH + UNSEEN}
    assert len(set(study)) == len(study)
    assert not set(study) & others


def test_the_study_set_asks_at_least_forty_questions_about_at_least_eight_packages() -> None:
    assert len(STUDY) >= 40
    assert len(packages_of(STUDY)) >= 8


def test_no_unseen_question_repeats_another_unseen_question_or_one_of_the_other_sets() -> None:
    unseen = [normalized(q) for q, _ in UNSEEN]
    others = {normalized(q) for q, _ in QUESTIONS + HELD_OUT + FRESH}
    assert len(set(unseen)) == len(unseen)
    assert not set(unseen) & others


def test_the_unseen_set_asks_at_least_sixty_questions_about_at_least_ten_packages() -> None:
    packages = packages_of(UNSEEN)
    assert len(UNSEEN) >= 60
    assert len(packages) >= 10, packages
