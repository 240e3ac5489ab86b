"""Ranking rules of the docs search, each on a small index of an invented package the test
writes, searched on its own so that what else is indexed cannot decide the order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from agent.docs import search, search_docs
from agent.docs.extract import DocRecord
from agent.docs.indexer import to_rows
from agent.docs.names import question_words, run_together, wanted_names
from agent.docs.vocabulary import agent_nouns
from db import docs as store
from db.engine import make_sessionmaker
from db.models import DocSource

ENVIRONMENT = "ranking-tests"
OBJECTS = [
    DocRecord("shopkit", "module", doc="Talk to shops over HTTP."),
    DocRecord("shopkit.request", "function", "request(method, url, params=None)",
              "Send an HTTP request to a shop.\n\n:param method: the HTTP method of the "
              "request: GET, POST, PUT or DELETE.\n:param params: the query of the request."),
    DocRecord("shopkit.get", "function", "get(url, params=None)",
              "Send a GET request.\n\n:param params: the query string."),
    DocRecord("shopkit.Table", "class", "Table(rows)",
              "A table of rows and columns: sort them, filter them, print them. Tables "
              "hold the values of a column and sort by them."),
    DocRecord("shopkit.Table.sort_values", "method", "sort_values(self, by)",
              "Order the rows by the given column."),
    DocRecord("shopkit.Table.print", "method", "print(self)", "Print the rows."),
    DocRecord("shopkit.sort", "function", "sort(items)",
              "Sort items: values, rows of a column, anything that compares."),
    # The vendored copy first: stored first, it is what an arbitrary pick would take.
    DocRecord("shopkit._vendor.cart.Cart.empty_basket", "method", "empty_basket(self)",
              "An empty basket, vendored."),
    DocRecord("shopkit.empty_basket", "function", "empty_basket()", "An empty basket."),
    DocRecord("shopkit.sum", "function", "sum(values)",
              "Sum of the values.\n\nA NaN among the values makes the sum NaN."),
    DocRecord("shopkit.nansum", "function", "nansum(values)",
              "Sum of the values, treating NaN as zero."),
    DocRecord("shopkit.adder", "function", "adder(values)",
              "Sum of the values, treating NaN as zero."),
    DocRecord("shopkit.Label", "class", "Label(source)", "A label to print on a parcel."),
    DocRecord("shopkit.Label.from_string", "method", "from_string(cls, source)",
              "Read a label back."),
    DocRecord("shopkit.label_text", "function", "label_text(label)",
              "The text a label prints."),
    DocRecord("shopkit.check_stock", "function", "check_stock(item)",
              "Whether an item can be sold."),
    DocRecord("shopkit.stock", "function", "stock(item)",
              "How many of an item are left in stock: check before selling it."),
    # A name abbreviating a term of several words, with no docstring to say the words.
    DocRecord("shopkit.default_rng", "function", "default_rng(seed=None)", ""),
    DocRecord("shopkit.shuffle", "function", "shuffle(items, seed=None)",
              "Put the items in a random order: the same seed gives the same order."),
    # Factories named by when they act, told apart only by what they return.
    DocRecord("shopkit.start_day", "function", "start_day() -> CashRegister",
              "Begin or close the day's takings.", meta={"returns": "shopkit.CashRegister"}),
    DocRecord("shopkit.end_day", "function", "end_day() -> Receipt",
              "Begin or close the day's takings.", meta={"returns": "shopkit.Receipt"}),
]


@pytest.fixture(scope="module")
def shop(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions on a database where the invented `shopkit` package is indexed."""
    sessions = make_sessionmaker(engine)

    def clear() -> None:
        with sessions() as session:
            session.execute(delete(DocSource).where(DocSource.environment == ENVIRONMENT))
            session.commit()

    clear()
    with sessions() as session:
        store.replace_source(session, kind="package", environment=ENVIRONMENT, name="shopkit",
                             version="1.0", location="/nowhere", rows=to_rows(OBJECTS))
        # As the indexer does after a bulk change: nothing left pending for the next tests.
        store.refresh_statistics(session)
    yield sessions
    clear()


def ranked(sessions: sessionmaker[Session], query: str, k: int = 5) -> list[str]:
    with sessions() as session:
        return [h.qualname for h in search_docs(session, query, k=k, package="shopkit")]


def test_a_common_word_in_capitals_names_an_object() -> None:
    assert wanted_names("send an HTTP GET request")["get"] == "joined"
    assert "get" not in wanted_names("how do I get a request")
    # A keyword is spelled with a trailing underscore as a name (`not_`).
    assert wanted_names("a WHERE clause with NOT")["not_"] == "joined"


def test_an_http_get_request_finds_the_function_named_get_first(shop) -> None:
    assert ranked(shop, "send an HTTP GET request")[0] == "shopkit.get"


def test_a_named_object_with_little_matching_text_survives_the_cut_to_the_pool(
        shop, monkeypatch: pytest.MonkeyPatch) -> None:
    # Room for one candidate only: the text alone keeps `shopkit.request`, which says
    # more of the question; the bonus of the name the question spells keeps `get`.
    monkeypatch.setattr(search, "PREFILTER", 1)
    monkeypatch.setattr(search, "POOL", 1)
    query = "send an HTTP request with query parameters"

    def kept(names: dict[str, float] | None) -> list[str]:
        with shop() as session:
            [source] = store.list_sources(session, environment=ENVIRONMENT)
            terms, _ = search.query_lexemes(session, query)
            heads: search.Heads = {}
            search.text_scores(session, terms, [source.id], names=names, heads=heads)
        return [row.qualname for row in heads.values()]

    assert kept(None) == ["shopkit.request"]
    assert kept({"get": search.JOINED_BONUS}) == ["shopkit.get"]


def test_the_member_of_a_named_class_that_does_what_is_asked_comes_before_the_class(
        shop) -> None:
    hits = ranked(shop, "sort a Table by the values of a column")
    assert hits[0] == "shopkit.Table.sort_values"
    assert hits.index("shopkit.Table") > 0
    # A member whose name the question does not say gets nothing from the class.
    assert "shopkit.Table.print" not in hits[:2]


def test_a_name_made_of_words_the_question_says_apart_comes_first(shop) -> None:
    assert ranked(shop, "check how much stock is left for an item")[0] == "shopkit.check_stock"


def test_a_name_that_runs_words_of_the_question_together_comes_first(shop) -> None:
    # The same docstring under a name the question does not spell comes after it.
    hits = ranked(shop, "sum the values ignoring NaN")
    assert hits.index("shopkit.nansum") < hits.index("shopkit.adder")


def test_only_names_spelled_by_two_or_more_words_said_run_them_together() -> None:
    said = question_words("compute the mean of an array ignoring NaN values")
    assert run_together("nanmean", said) and run_together("meanvalue", said)
    assert not run_together("mean", said) and not run_together("nanmedian", said)
    assert not run_together("nan_mean", said)  # split names are matched word by word


def test_a_short_word_before_a_word_of_the_question_names_a_conversion() -> None:
    assert "from_string" in wanted_names("make a label from a string")
    assert "is_redirect" in wanted_names("whether the response is a redirect")
    assert "from_a" not in wanted_names("make a label from a string")


def test_a_conversion_the_question_names_comes_first(shop) -> None:
    assert ranked(shop, "make a label from a string")[0] == "shopkit.Label.from_string"


def test_a_spelled_name_shared_by_many_objects_goes_to_the_public_one_first(
        shop, monkeypatch: pytest.MonkeyPatch) -> None:
    # Room for one exact-name bonus only: the shallow public path takes it, not the
    # vendored copy deeper down.
    monkeypatch.setattr(search, "NAMED_BONUSES", 1)
    with shop() as session:
        [source] = store.list_sources(session, environment=ENVIRONMENT)
        heads: search.Heads = {}
        scores = search.name_scores(session, "what does empty_basket return", [source.id],
                                    heads=heads)
    assert [heads[oid].qualname for oid in scores] == ["shopkit.empty_basket"]


def test_a_name_made_of_the_initials_of_words_the_question_says_in_a_row_is_found(
        shop) -> None:
    # `default_rng` has no docstring: only its name's `rng` says what the question says.
    assert "shopkit.default_rng" in ranked(shop, "a random number generator")


def test_a_function_returning_what_the_question_asks_for_comes_first(shop) -> None:
    # Same docs, names as telling: only the return type says it makes a cash register.
    assert ranked(shop, "a cash register for the day")[0] == "shopkit.start_day"


def test_a_plain_return_type_names_nothing_the_question_says() -> None:
    said = question_words("split a string into a list of words")
    assert not search.returns_said("str", said) and not search.returns_said("list[str]", said)
    assert search.returns_said("shop.WordList | None", said)


def test_prepositions_bring_no_agent_noun() -> None:
    assert agent_nouns("with") == [] and agent_nouns("from") == []


def test_the_words_said_include_their_base_forms_and_the_short_forms_code_writes() -> None:
    said = question_words("accept only an integer within a range when parsing sorted choices")
    assert {"int", "range", "parse", "sort", "choice"} <= said
    assert "integer" in said  # the word itself stays
    assert "clas" not in question_words("a class")  # no plural made of a double s
