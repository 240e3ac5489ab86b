"""Programmers' vocabulary in questions, and the priors that rank old or borrowed objects
below the ones to use."""

from __future__ import annotations

from types import SimpleNamespace

from agent.docs.names import Catalog
from agent.docs.search import DEPRECATED, currency_prior, reexported
from agent.docs.vocabulary import acronyms, agent_nouns, expansions


def test_a_verb_brings_the_name_of_what_does_it() -> None:
    assert agent_nouns("sign") == ["signer"]
    assert "validator" in agent_nouns("validate") and "executor" in agent_nouns("execute")
    assert "formatter" in agent_nouns("format") and "parser" in agent_nouns("parse")


def test_words_that_are_not_verbs_of_an_agent_bring_nothing() -> None:
    # "use" + r is `user`, which names people, not what uses; short and inflected words
    # are left alone.
    assert agent_nouns("use") == [] and agent_nouns("runs") == [] and agent_nouns("is") == []
    assert agent_nouns("reader") == [] and agent_nouns("x2y") == []


def test_synonyms_expand_both_ways_and_never_repeat_a_word_of_the_question() -> None:
    assert "canonicalize" in expansions(["normalize", "name"])
    assert "normalize" in expansions(["canonicalize"])
    extra = expansions(["remove", "delete", "key"])
    assert "remove" not in extra and "delete" not in extra and "del" in extra


def test_runs_of_words_of_content_bring_their_initials() -> None:
    assert "rng" in acronyms("make a random number generator with a seed")
    assert "ttl" in acronyms("a cache whose entries have a time-to-live")
    assert "jwt" in acronyms("decode a JSON Web Token")
    # An article or a question word inside a run, or at either end, makes no term.
    assert "mar" not in acronyms("make a random number generator")


def test_of_several_packages_a_question_names_the_ones_it_works_with() -> None:
    catalog = Catalog(sources={"requests": [1], "httpx": [2], "starlette": [3]})
    # "requests" is a noun here; the package is the one it does something with or in.
    assert catalog.mentioned("make asynchronous HTTP requests with httpx") == ["httpx"]
    assert catalog.mentioned("allow cross-origin requests in a starlette app") == ["starlette"]
    # One package named, or none of several introduced so, are all taken at their word.
    assert catalog.mentioned("send requests") == ["requests"]
    assert catalog.mentioned("httpx or requests") == ["httpx", "requests"]


def row(qualname: str, *, deprecated: bool = False, file: str | None = None,
        source_id: int = 1) -> SimpleNamespace:
    return SimpleNamespace(qualname=qualname, deprecated=deprecated, file=file,
                           source_id=source_id)


def test_deprecated_or_legacy_objects_weigh_less() -> None:
    assert currency_prior(row("pandas.DataFrame.merge")) == 1.0
    assert currency_prior(row("pandas.DataFrame.append", deprecated=True)) == DEPRECATED
    assert currency_prior(row("pydantic.v1.validate_email")) == DEPRECATED
    # Only a part of the path below the package: a package named `compat` is not legacy.
    assert currency_prior(row("compat.tools")) == 1.0


def test_an_object_defined_in_another_indexed_package_is_a_re_export() -> None:
    catalog = Catalog(sources={"pydantic": [2], "litellm": [1], "pytest": [3]})
    assert reexported(row("litellm.Field", file="pydantic/fields.py", source_id=1), catalog)
    assert not reexported(row("pydantic.Field", file="pydantic/fields.py", source_id=2), catalog)
    # A package's own private modules are not another package.
    assert not reexported(row("pytest.fixture", file="_pytest/fixtures.py", source_id=3),
                          catalog)
    assert not reexported(row("litellm.thing", file=None), catalog)
