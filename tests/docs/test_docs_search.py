"""Searching the docs index: ranking on known questions, exact names, filters, fusion."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import text

from agent.docs import index_folder, search_docs
from agent.docs.embeddings import fuse_embeddings, rrf
from agent.docs.search import BUDGET, budget_for, candidate_query, distinct, kept_terms
from db.docs import delete_sources, has_vector, list_sources
from tests.docs_questions import PACKAGES, QUESTIONS, about, hit_rate


def test_questions_about_installed_packages_find_their_answer_in_the_top_five(
        docs_sessions) -> None:
    with docs_sessions() as session:
        rate, missed = hit_rate(lambda q, k: search_docs(session, q, k=k), about(PACKAGES))
    assert len(about(PACKAGES)) >= 40 and len(PACKAGES) >= 6 and len(QUESTIONS) > 60
    assert rate >= 0.9, missed


def test_after_indexing_the_full_text_index_has_nothing_pending(docs_sessions) -> None:
    with docs_sessions() as session:
        pending = session.scalar(text("SELECT gin_clean_pending_list('ix_doc_objects_tsv')"))
        session.rollback()
    assert pending == 0


def test_a_dotted_name_finds_that_object_first(docs_sessions) -> None:
    with docs_sessions() as session:
        [hit] = search_docs(session, "Response.raise_for_status", k=1, package="requests")
        [top] = search_docs(session, "click.echo", k=1)
    assert hit.qualname == "requests.Response.raise_for_status"
    assert top.qualname == "click.echo"


def test_hits_carry_the_version_the_source_location_and_a_citation(docs_sessions) -> None:
    from importlib.metadata import version

    with docs_sessions() as session:
        [hit] = search_docs(session, "click.confirm", k=1)
    assert hit.version == version("click")
    assert hit.package == "click" and hit.kind == "function"
    assert hit.citation == f"click {hit.version} · click.confirm"
    path, line = hit.source.rsplit(":", 1)
    assert path == "click/termui.py" and int(line) > 0
    assert hit.text.startswith("confirm(") and "Prompts for confirmation" in hit.text


def test_a_package_filter_keeps_every_hit_in_that_package(docs_sessions) -> None:
    with docs_sessions() as session:
        hits = search_docs(session, "send a request with a timeout", k=8, package="httpx")
        none = search_docs(session, "send a request", package="not-indexed")
    assert hits and all(h.package == "httpx" for h in hits)
    assert none == []


def test_a_question_naming_a_package_prefers_that_package(docs_sessions) -> None:
    with docs_sessions() as session:
        hits = search_docs(session, "send a GET request with requests", k=3)
    assert hits[0].package == "requests"


def test_empty_or_unmatched_queries_return_nothing(docs_sessions) -> None:
    with docs_sessions() as session:
        assert search_docs(session, "   ") == []
        assert search_docs(session, "zzqxv wwpqk") == []


def test_candidates_need_enough_rare_terms_to_fit_the_budget() -> None:
    df = {"rare": 3, "data": 90_000, "frame": 80_000}
    assert candidate_query(["rare", "data", "frame"], df, total=100_000) == "'rare'"
    # Alone each would bring thousands of objects; together they fit.
    df = {"data": 3_000, "frame": 2_000}
    assert candidate_query(["data", "frame"], df, 100_000, budget=400) == "('data' & 'frame')"
    assert candidate_query(["data", "frame"], df, 100_000, budget=6_000) == "'data' | 'frame'"
    # A term in a good part of the index is not looked up while two rarer ones are.
    df = {"rare": 500, "mid": 2_000, "common": 40_000}
    assert candidate_query(["rare", "mid", "common"], df, 100_000, budget=3_000) == "'rare' | 'mid'"
    assert candidate_query(["mid", "common"], df, 100_000, budget=100) == "('mid' & 'common')"
    # The strictest query when nothing fits; nothing at all for unknown terms.
    assert candidate_query(["data"], {"data": 90_000}, total=100_000) == "'data'"
    assert candidate_query(["gone"], {}, total=10) is None


def test_a_search_of_one_package_may_bring_more_of_the_whole_index() -> None:
    assert budget_for(None, 10_000) == BUDGET == budget_for(10_000, 10_000)
    assert budget_for(100, 10_000) == BUDGET * 10


def test_several_paths_to_one_object_take_one_place_among_the_hits() -> None:
    def row(n: int, qualname: str, source: int, line: int | None, doc: str | None) -> object:
        return SimpleNamespace(id=n, source_id=source, qualname=qualname, kind="method",
                               name=qualname.rsplit(".", 1)[-1], file="p/m.py", line=line,
                               doc_size=doc, opening=doc)
    ranked = [row(1, "p.A.size", 1, 10, "d1"), row(2, "p.B.size", 1, 10, "d1"),
              row(3, "q.Field", 2, 5, "d2"), row(4, "p.Field", 1, 7, "d2"),
              row(5, "p.a", 1, 20, None), row(6, "p.b", 1, 21, None), row(7, "p.c", 1, 22, "d3")]
    assert [r.id for r in distinct(ranked, 3)] == [1, 3, 5]
    assert [r.id for r in distinct(ranked, 9)] == [1, 3, 5, 6, 7]


def test_equally_rare_terms_make_the_cut_in_the_same_order_in_every_process() -> None:
    # Which of two equally rare terms a search keeps must not follow a set's order, which
    # string hashing changes from one process to the next: twenty ties all broken by the
    # lexeme would be a 1 in a million chance.
    for n in range(20):
        first, second = f"a{n}x", f"b{n}x"
        df = {"own": 5, first: 29, second: 29}
        kept = kept_terms(["own", second, first], df, frozenset({first, second}))
        assert kept == ["own", first, second]


def test_copies_whose_docs_differ_only_further_down_take_one_place() -> None:
    def row(n: int, qualname: str, size: int, opening: str) -> object:
        return SimpleNamespace(id=n, source_id=1, qualname=qualname, kind="method",
                               name=qualname.rsplit(".", 1)[-1], file=f"{n}.py", line=n,
                               doc_size=size, opening=opening)
    ranked = [row(1, "web.sync_api.Page.click", 900, "Click an element."),
              row(2, "web.async_api.Page.click", 940, "Click an element."),
              row(3, "web.Dialog.click", 300, "Close the dialog by clicking outside."),
              row(4, "web.sync_api.Page.fill", 500, "Fill an input.")]
    assert [r.id for r in distinct(ranked, 3)] == [1, 3, 4]


def test_reciprocal_rank_fusion_rewards_agreement() -> None:
    fused = rrf([1, 2, 3], [3, 4, 1])
    assert max(fused, key=lambda k: fused[k]) in (1, 3)
    assert fused[1] > fused[2] and fused[3] > fused[4]


def test_without_pgvector_embeddings_leave_the_text_ranking_alone(docs_sessions) -> None:
    calls = []

    def embedder(texts):
        calls.append(texts)
        return [[1.0, 0.0, 0.0] for _ in texts]

    with docs_sessions() as session:
        scored = {1: 2.0, 2: 1.0}
        fused = fuse_embeddings(session, embedder, "anything", scored, None)
        if not has_vector(session):  # CI's PostgreSQL 15
            assert fused == scored and calls == []
        else:  # the embedded server has pgvector: no object has a vector yet
            assert fused == scored and len(calls) == 1


def test_embeddings_that_agree_with_the_text_ranking_leave_its_hits_and_order_alone(
        docs_sessions) -> None:
    # Fusion keeps only each ranking's order: priors applied after it would outweigh the
    # text ranking, and an embedding ranking that agrees with it would then reorder the hits.
    def embedder(texts):
        return [[1.0, 0.0] for _ in texts]

    with docs_sessions() as session:
        changed = []
        for question, _ in about(PACKAGES):
            alone = search_docs(session, question, k=5)
            ids = session.execute(text(
                "SELECT id FROM doc_objects WHERE qualname = ANY(:names)"),
                {"names": [h.qualname for h in alone]}).scalars().all()
            order = {h.qualname: rank for rank, h in enumerate(alone)}
            for oid, qualname in session.execute(text(
                    "SELECT id, qualname FROM doc_objects WHERE id = ANY(:ids)"), {"ids": ids}):
                # Further down the text ranking, further from the question.
                session.execute(text("UPDATE doc_objects SET embedding = :v WHERE id = :id"),
                                {"v": [1.0, 0.2 * order[qualname]], "id": oid})
            fused = search_docs(session, question, k=5, embedder=embedder)
            session.rollback()
            if [h.qualname for h in fused] != [h.qualname for h in alone]:
                changed.append(question)
    assert not changed, changed


def test_a_rare_word_the_stemmer_folds_into_a_common_one_still_finds_its_object(
        docs_sessions, tmp_path: Path) -> None:
    # "specifier" stems as "specific" and "specified" do: hundreds of sections say those
    # (and "syntax") while one says "specifier", which only its written form tells apart.
    sections = [f"## Option {i}\n\nThe specific syntax of option {i} is as specified above; "
                f"a specific value uses that specific syntax.\n" for i in range(600)]
    sections.insert(300, "## Requirement strings\n\nA version specifier such as >=1.0.\n")
    (tmp_path / "notes.md").write_text("# Notes\n\n" + "\n".join(sections))
    with docs_sessions() as session:
        index_folder(session, tmp_path)
        hits = search_docs(session, "specifier syntax", k=5, package=tmp_path.name)
        delete_sources(session, [s.id for s in list_sources(session, kind="folder")])
    assert "notes.md#Notes > Requirement strings" in [h.qualname for h in hits]
