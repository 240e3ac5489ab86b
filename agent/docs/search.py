"""Search the docs index: full-text candidates from PostgreSQL, scored BM25-style with IDF
computed here, plus exact-name matches; optionally fused with embedding similarity.

PostgreSQL's GIN index finds candidates; `ts_rank` over one term at a time gives a
field-weighted, saturating term frequency (a name match weighs more than a docstring match)
that BM25 then scales by the term's rarity across the whole index and normalises by length.
Terms common enough to match a large part of the index only count in pairs when finding
candidates, which keeps every search to a bounded number of rows.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from agent.docs import names
from agent.docs.vocabulary import acronyms, expansions
from db import docs as store

K1 = 1.2
B = 0.3  # API docstrings are long where the object matters: a light length penalty
WEIGHTS = "{0.1, 0.3, 0.5, 1.0}"  # ts_rank's D, C, B, A: docstring < summary < name
BUDGET = 400  # expected candidates of a search: the IDF threshold rises until they fit
COMMON_SHARE = 0.05
MIN_LOOKED_UP = 2  # terms a candidate query uses however common they are
CANDIDATES = 4000  # the most read, should terms be far from independent
NAMED = 300  # objects whose name the question spells, scored even without a text match
NAMED_BONUSES = 400  # objects the name bonuses go to
PREFILTER = 300
PRE_TERMS = 4
POOL = 200
DEPTH_BASE = 0.8  # big packages' internals outnumber their API: shallow names are the API
MAX_TERMS = 8
# A word's written form (`tsv_exact`) stands in for its stem when the stemmer folded it
# into a lexeme this many times more common ("specifier" into `specifi`, as "specific")
# and the form is rare enough to select candidates on its own.
EXACT_SHARE = 0.25
UNDOCUMENTED = 0.8  # an object its authors left without a docstring is rarely the API to use
KIND_PRIOR = {"module": 0.85, "attribute": 0.85, "section": 1.0}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
# Name matches add to the normalised text score: a dotted suffix is nearly certain.
DOTTED_BONUS, JOINED_BONUS, ADJACENT_BONUS, WORD_BONUS = 1.0, 0.6, 0.3, 0.15
MENTION_BOOST = 2.0
ALTERNATIVE_WEIGHT = 0.6  # an abbreviation the question did not write counts less
# Objects kept for old code: documented as deprecated, or under a legacy namespace.
DEPRECATED = 0.6
LEGACY_PARTS = frozenset({"v1", "compat", "legacy", "deprecated"})
MEMBERS = frozenset({"method", "function", "attribute", "property"})
RETURNS_BONUS = 0.15
PLAIN_TYPES = frozenset({"bool", "str", "int", "float", "bytes", "none", "list", "dict", "tuple",
                         "set", "frozenset", "object", "any", "self", "iterator", "iterable",
                         "sequence", "mapping", "optional", "union", "callable", "type"})
REEXPORTED = 0.75  # another package's object under this one's name (litellm.Field)


# Of many objects with one name, the API is the shallow, public one (`requests.get`, not a
# vendored `_internal.cache.Cache.get`): those are the ones a name lookup keeps.
CANONICAL_FIRST = ("strpos(qualname, '._') > 0, "
                   "length(qualname) - length(replace(qualname, '.', '')), qualname")
# What ranking reads of an object besides its score: enough to apply priors and
# tell two paths to one object apart, without its text (only its first lines).
HEAD = ("o.id, o.source_id, o.qualname, o.name, o.kind, o.file, o.line, "
        "o.meta->>'returns' AS returns, "
        "NULLIF(octet_length(o.doc), 0) AS doc_size, "
        # The opening words, to tell copies whose docs differ further down (sync and async
        # APIs, a fork of a package) from objects that share a name.
        "left(o.doc, 80) AS opening, "
        # Said at the top (further down it is usually about one parameter): `.. deprecated::`.
        "left(o.doc, 200) ~* '(\\.\\. deprecated::|^\\s*deprecated|\\mis (now )?deprecated"
        "|\\mdiscouraged\\M)' AS deprecated")
Heads = dict[int, Any]
# A candidate's vector, decompressed once as it is materialized: each `ts_rank` of a stored
# (TOASTed) vector decompresses it again, four to eight times per candidate.
DETOASTED = "tsv || ''::tsvector AS tsv"


@dataclass(frozen=True)
class DocHit:
    """One search result."""

    qualname: str
    package: str
    version: str
    kind: str
    text: str
    source: str
    score: float
    signature: str = ""

    @property
    def citation(self) -> str:
        """How an answer cites it: `pandas 3.1.1 · pandas.DataFrame.merge`."""
        version = f" {self.version}" if self.version and self.kind != "section" else ""
        return f"{self.package}{version} · {self.qualname}"


def query_lexemes(session: Session, query: str) -> tuple[list[str], set[str]]:
    """The query's words as the index stores them (stemmed, stop words dropped), and the
    lexemes of their abbreviations or long forms (which weigh less)."""
    terms, alternative, _ = query_terms(session, query)
    return terms, alternative


def query_terms(session: Session, query: str
                ) -> tuple[list[str], set[str], dict[str, set[str]]]:
    """`query_lexemes`, and the written forms (as `=form`) of the stems the stemmer
    changed, by stem: paired by position, both vectors coming from one parser."""
    words = names.WORD.findall(query.replace(".", " "))
    extra = expansions(words) + [a for a in acronyms(query)
                                 if a not in {w.lower() for w in words}]
    rows = session.execute(text(
        "WITH q AS (SELECT translate(:q, '.', ' ') AS q) "
        "SELECT lexeme, NULL AS form FROM q, unnest(to_tsvector('english'::regconfig, q)) "
        "UNION ALL SELECT '~' || lexeme, NULL FROM unnest(to_tsvector('english'::regconfig, :x)) "
        "UNION ALL SELECT NULL, e.lexeme || ' =' || s.lexeme FROM q, "
        "unnest(to_tsvector('english'::regconfig, q)) e, "
        "unnest(to_tsvector('simple'::regconfig, q)) s "
        "WHERE e.positions && s.positions AND e.lexeme <> s.lexeme"),
        {"q": query, "x": " ".join(extra)}).all()
    found = [r[0] for r in rows if r[0] is not None]
    own = [t for t in found if not t.startswith("~")]
    alternative = {t[1:] for t in found if t.startswith("~")} - set(own)
    forms: dict[str, set[str]] = {}
    for row in rows:
        if row[1] is not None:
            stem, form = row[1].split(" ", 1)
            forms.setdefault(stem, set()).add(form)
    return own + sorted(alternative), alternative, forms


def rare_forms(terms: list[str], forms: dict[str, set[str]], df: dict[str, int],
               budget: int, skip: frozenset[str] = frozenset()) -> dict[str, str]:
    """The written form to read instead of each stem where that form is rare: by stem,
    the rarest form, when it is `EXACT_SHARE` as common as its stem or less and all such
    forms together fit the candidate budget."""
    chosen = {}
    for stem in terms:
        known = sorted((f for f in forms.get(stem, ()) if df.get(f)), key=lambda f: df[f])
        if stem not in skip and known and df[known[0]] <= EXACT_SHARE * df.get(stem, 0):
            chosen[stem] = known[0]
    while chosen and sum(df[f] for f in chosen.values()) > budget:
        del chosen[max(chosen, key=lambda t: df[chosen[t]])]
    return chosen


def kept_terms(terms: list[str], df: dict[str, int], alternative: frozenset[str]
               ) -> list[str]:
    """The `MAX_TERMS` terms a search uses: found in the index, the question's own words
    first (a rare alternative spelling must not push one out), then the rarest.

    Ties in frequency go by the lexeme: a set's order changes with each process's string
    hashing, and which of two equally rare terms made the cut changed the answers.
    """
    return sorted((t for t in set(terms) if df.get(t)),
                  key=lambda t: (t in alternative, df[t], t))[:MAX_TERMS]


def candidate_query(terms: list[str], df: dict[str, int], total: int,
                    budget: int = BUDGET) -> str | None:
    """A tsquery matching the objects that hold enough of the query's information.

    An object is a candidate when the terms it contains add up to a threshold of IDF: a
    rare term alone, common ones only together. The threshold is the lowest whose
    expected number of matches (terms taken as independent) fits the budget, so a
    question of common words asks for more of them at once instead of having an
    arbitrary few thousand of its matches cut off by a LIMIT.
    """
    terms = [t for t in terms if df.get(t)]
    if not terms or not total:
        return None
    # The index reads every posting of every term looked up: a term in a good part of all
    # objects costs the most and tells the least. It still counts in the score.
    rarest = sorted(terms, key=lambda t: df[t])
    terms = [t for t in terms if df[t] <= COMMON_SHARE * total or t in rarest[:MIN_LOOKED_UP]]
    idf = [math.log(total / df[t]) for t in terms]
    share = [df[t] / total for t in terms]
    subsets = []
    for mask in range(1, 1 << len(terms)):
        members = [i for i in range(len(terms)) if mask >> i & 1]
        subsets.append((sum(idf[i] for i in members), min(idf[i] for i in members), members,
                        total * math.prod(share[i] for i in members)))

    def minimal(threshold: float) -> tuple[list[list[int]], float]:
        """The sets reaching the threshold that fall short without their weakest term."""
        found = [(members, rows) for weight, weakest, members, rows in subsets
                 if weight >= threshold and weight - weakest < threshold]
        return [members for members, _ in found], sum(rows for _, rows in found)

    # Expected matches shrink as the threshold rises: the lowest that fits, by bisection.
    thresholds = sorted({weight for weight, *_ in subsets})
    low, high = 0, len(thresholds) - 1
    while low < high:
        middle = (low + high) // 2
        if minimal(thresholds[middle])[1] <= budget:
            high = middle
        else:
            low = middle + 1
    chosen = minimal(thresholds[low])[0]
    return " | ".join(
        quote(terms[m[0]]) if len(m) == 1 else "(" + " & ".join(quote(terms[i]) for i in m) + ")"
        for m in chosen)


def budget_for(searched: int | None, total: int) -> int:
    """The candidate budget, in objects of the whole index, for a search of `searched` of
    them: a package's own search may use terms that alone bring too many objects from
    the whole index. Relaxed by the square root only: a package's own words are more
    frequent in it than across the index."""
    return int(BUDGET * math.sqrt(total / max(1, searched or total)))


def quote(lexeme: str) -> str:
    """A lexeme as a tsquery operand."""
    return "'" + lexeme.replace("'", "''").replace("\\", "\\\\") + "'"


def text_scores(session: Session, terms: list[str], sources: list[int] | None,
                boosted: list[int] | None = None, skip: frozenset[str] = frozenset(),
                alternative: frozenset[str] = frozenset(),
                names: dict[str, float] | None = None,
                heads: Heads | None = None, sizes: dict[str, int | None] | None = None,
                forms: dict[str, set[str]] | None = None) -> dict[int, float]:
    """BM25 scores of the best candidates, by object id (their `HEAD` columns go to `heads`).

    Candidates come from the GIN index (and the names the question spells), are cut to
    the best `PREFILTER` by the score of their `PRE_TERMS` most telling terms, then scored
    on every term. Objects of `boosted` sources (the
    packages a question names) are looked for on their own, without the `skip` terms
    (a package's own name), and weigh `MENTION_BOOST` times more. A stem whose written
    form in the question (`forms`) is rare also finds the objects holding that form, which
    score it with the form's IDF where that is more than the stem's.
    """
    heads = {} if heads is None else heads
    sizes = sizes or {}
    forms = forms or {}
    df, total, avg_len = store.term_statistics(
        session, [*terms, *(f for t in terms for f in forms.get(t, ()))])
    terms = kept_terms(terms, df, alternative)
    tsquery = candidate_query(terms, df, total, budget_for(sizes.get("sources"), total))
    if tsquery is None:
        return {}
    own_terms = [t for t in terms if t not in skip]
    own_query = candidate_query(own_terms, df, total, budget_for(sizes.get("boosted"), total)
                                ) if boosted else None
    idf = {t: math.log(1 + (total - df[t] + 0.5) / (df[t] + 0.5)) for t in df}
    weight = {t: 0.0 if t in skip and boosted else idf[t] * (
        ALTERNATIVE_WEIGHT if t in alternative else 1.0) for t in terms}
    exact = rare_forms([t for t in terms if weight[t] and t not in alternative], forms, df,
                       budget_for(sizes.get("sources"), total))
    exact_query = " | ".join(quote(f[1:]) for f in exact.values()) or None
    # Length in log scale: one-line attribute docs make the plain average tiny.
    norm = f"({K1} * ({1 - B} + {B} * ln(1 + len) / {math.log(1 + avg_len):.4f}))"

    def term_score(i: int, t: str) -> str:
        stem = f"{weight[t]:.5f} * (r{i} * {K1 + 1}) / (r{i} + {norm})"
        if t not in exact:
            return stem
        return f"GREATEST({stem}, {idf[exact[t]]:.5f} * (x{i} * {K1 + 1}) / (x{i} + {norm}))"

    score = " + ".join(term_score(i, t) for i, t in enumerate(terms) if weight[t])
    ranks = ", ".join(
        [f"ts_rank(CAST(:w AS real[]), tsv, {quote(t)}::tsquery, 0) AS r{i}"
         for i, t in enumerate(terms)]
        + [f"ts_rank(CAST(:w AS real[]), tsv_exact, {quote(exact[t][1:])}::tsquery, 0) AS x{i}"
           for i, t in enumerate(terms) if t in exact])

    def cheap_term(t: str) -> str:
        stem = f"{weight[t]:.5f} * ts_rank(CAST(:w AS real[]), tsv, {quote(t)}::tsquery, 0)"
        if t not in exact:
            return stem
        return (f"GREATEST({stem}, {idf[exact[t]]:.5f} * ts_rank(CAST(:w AS real[]), "
                f"tsv_exact, {quote(exact[t][1:])}::tsquery, 0))")

    # The prefilter: the same sum over the few most telling terms, without length norm.
    # The question's own words first here too: a rare alternative would otherwise decide
    # the cut alone, and every object named like it (`prompter`, `chatter`) pass it.
    telling = sorted((t for t in terms if weight[t]), key=lambda t: (
        t in alternative, -max(weight[t], idf[exact[t]] if t in exact else 0.0)))[:PRE_TERMS]
    cheap = " + ".join(cheap_term(t) for t in telling) or "0"
    # Vectors the ranking reads, and what selects a candidate: a rare written form as well.
    vectors = "tsv, tsv_exact" if exact else "tsv"
    detoasted = DETOASTED + (", tsv_exact || ''::tsvector AS tsv_exact" if exact else "")

    def selects(param: str) -> str:
        own_match = f"tsv @@ CAST(:{param} AS tsquery)"
        return f"({own_match} OR tsv_exact @@ CAST(:exact AS tsquery))" if exact else own_match

    where = "AND source_id = ANY(:sources)" if sources else ""
    # The two branches are disjoint, so no de-duplication (which compared vectors) is needed;
    # `+ 0` keeps the planner on the text index for a package's own search.
    others = "AND NOT source_id = ANY(:boosted)" if own_query else ""
    own = (f"UNION ALL (SELECT id, source_id, name, {detoasted} FROM doc_objects "
           f"WHERE {selects('own')} AND source_id + 0 = ANY(:boosted) "
           f"LIMIT {CANDIDATES})") if own_query else ""
    boost = f"CASE WHEN source_id = ANY(:boosted) THEN {MENTION_BOOST} ELSE 1 END" \
        if boosted else "1"
    # Objects the question names (`chat_input`, `get`) compete whatever their text holds.
    matched = (f"(source_id = ANY(:boosted) AND {selects('own')} OR "
               f"NOT source_id = ANY(:boosted) AND {selects('tsq')})") if own_query \
        else selects("tsq")
    first = "source_id = ANY(:boosted) DESC, " if boosted else ""
    named = (f"UNION ALL (SELECT id, source_id, name, {detoasted} FROM doc_objects "
             f"WHERE name = ANY(:names) {where} AND NOT {matched} "
             f"ORDER BY {first}{CANONICAL_FIRST} LIMIT {NAMED})") if names else ""
    # The cuts to `PREFILTER` and `POOL` break ties by id: without, which of the tied rows
    # make the cut follows their physical order, and an update to an unrelated column of a
    # row (its embedding) changed the answers. They rank as the final score will: the text score
    # scaled to the best one's plus the bonus of the name the question spells, so an
    # object it names (`GET` -> `requests.get`) is not cut for the length of its doc.
    named_bonus = ("coalesce((CAST(:bonuses AS real[]))"
                   "[array_position(CAST(:names AS text[]), name)], 0)") if names else "0"

    def with_bonus(value: str) -> str:
        return f"{value} / NULLIF(max({value}) OVER (), 0) + {named_bonus}" if names else value

    sql = (
        f"WITH m AS MATERIALIZED ((SELECT id, source_id, name, {detoasted} FROM doc_objects "
        f"WHERE {selects('tsq')} {where} {others} LIMIT {CANDIDATES}) {own} "
        f"{named}), "
        f"pre AS (SELECT id, source_id, name, {vectors}, ({cheap}) * {boost} AS pre FROM m), "
        f"c AS (SELECT id, source_id, name, {vectors} FROM pre "
        f"ORDER BY {with_bonus('pre')} DESC, id LIMIT {PREFILTER}), "
        # Materialized: each rank is computed (and the vector read) once per row, not once
        # per mention in the score.
        f"r AS MATERIALIZED (SELECT id, source_id, name, length(tsv) AS len, {ranks} FROM c), "
        f"s AS (SELECT id, name, ({score}) * {boost} AS score FROM r), "
        f"p AS (SELECT id, score FROM s ORDER BY {with_bonus('score')} DESC, id "
        f"LIMIT {POOL}) SELECT p.score, {HEAD} FROM p JOIN doc_objects o ON o.id = p.id"
    )
    params: dict[str, Any] = {"tsq": tsquery, "own": own_query, "w": WEIGHTS, "exact": exact_query,
                              "sources": sources, "boosted": boosted,
                              "names": list(names or ()), "bonuses": list((names or {}).values())}
    rows = session.execute(text(sql), params).all()
    heads.update((row.id, row) for row in rows)
    return {row.id: float(row.score) for row in rows}


def least_bonuses(query: str) -> dict[str, float]:
    """The names the query spells, each with the least bonus `name_scores` gives it."""
    least = {"dotted": JOINED_BONUS, "joined": JOINED_BONUS, "adjacent": ADJACENT_BONUS}
    return {name: least.get(kind, WORD_BONUS) for name, kind in names.wanted_names(query).items()}


def name_scores(session: Session, query: str, sources: list[int] | None,
                boosted: list[int] | None = None, heads: Heads | None = None
                ) -> dict[int, float]:
    """Bonuses for objects the query names: `DataFrame.merge`, `chat_input`, `merge`.

    Those among `heads` (the text search's pool, which takes in named objects) get theirs;
    an identifier the query spells out is also looked up on its own, shallow public
    paths first, so it competes whatever its text holds.
    """
    wanted = names.wanted_names(query)
    if not wanted:
        return {}
    heads = {} if heads is None else heads
    rows = [row for row in heads.values() if row.name in wanted]
    spelled = [name for name, kind in wanted.items() if kind in ("dotted", "joined")]
    if spelled:
        where = "AND source_id = ANY(:sources)" if sources else ""
        first = "source_id = ANY(:boosted) DESC, " if boosted else ""
        looked_up = session.execute(text(
            f"SELECT {HEAD} FROM doc_objects o WHERE name = ANY(:names) {where} "
            f"ORDER BY {first}{CANONICAL_FIRST} LIMIT {NAMED_BONUSES}"),
            {"names": spelled, "sources": sources, "boosted": boosted}).all()
        heads.update((row.id, row) for row in looked_up if row.id not in heads)
        rows += looked_up
    bonus: dict[int, float] = {}
    for row in rows:
        kind = wanted[row.name]
        if kind == "dotted":
            dotted = names.dotted_in(query)
            value = DOTTED_BONUS if any(f".{row.qualname}".endswith(d) for d in dotted) \
                else JOINED_BONUS
        else:
            value = {"joined": JOINED_BONUS, "adjacent": ADJACENT_BONUS}.get(kind, WORD_BONUS)
        if boosted and row.source_id not in boosted:
            value /= 2
        bonus[row.id] = max(bonus.get(row.id, 0.0), value)
    said = names.question_words(query)
    for row in heads.values():
        value = said_bonus(row, wanted, said)
        if value and boosted and row.source_id not in boosted:
            value /= 2
        if value > bonus.get(row.id, 0.0):
            bonus[row.id] = value
        if row.kind in ("function", "method") and returns_said(row.returns, said):
            bonus[row.id] = bonus.get(row.id, 0.0) + RETURNS_BONUS
    return bonus


def returns_said(returns: str | None, said: set[str]) -> bool:
    """True when a function returns a type named by words the question says: a factory
    is named by how it makes the thing ("make a random number generator" ->
    `default_rng() -> Generator`, "connect ... an engine" -> `create_engine`)."""
    if not returns:
        return False
    kind = re.split(r"[\[|( ]", returns, maxsplit=1)[0].rsplit(".", 1)[-1]
    if kind.lower() in PLAIN_TYPES:
        return False
    own = names.identifier_words(kind) - names.QUESTION_WORDS
    return bool(own) and own <= said


def said_bonus(row: Any, wanted: dict[str, str], said: set[str]) -> float:
    """A bonus for an object whose name is made of words the question says, apart or in
    another order ("raise ... if the status" -> `raise_for_status`), the more so as a
    member of a class the question names: "sort a DataFrame by its values" names
    `DataFrame.sort_values` as surely as `DataFrame` (the class is where to look, the
    member what to call)."""
    parts = row.qualname.split(".")
    own = names.identifier_words(parts[-1]) - names.QUESTION_WORDS
    several = len(own) > 1
    if not own or not own <= said:
        # Words run together count as well: "mean ... ignoring NaN" -> `nanmean`.
        if len(own) > 1 or not names.run_together(parts[-1], said):
            return 0.0
        several = True
    value = ADJACENT_BONUS if several else 0.0
    kind = wanted.get(parts[-2].lower()) if len(parts) > 2 and row.kind in MEMBERS else None
    if kind in ("joined", "word"):
        value += JOINED_BONUS if kind == "joined" else WORD_BONUS
    return value


def search_docs(session: Session, query: str, *, k: int = 5, package: str | None = None,
                embedder: Any = None) -> list[DocHit]:
    """The `k` indexed objects or sections that best answer `query`.

    `package` limits the search to one package (distribution or import name) or folder.
    Objects of packages the query names ("... in pandas") weigh more. `embedder`
    (text -> vector) adds embedding similarity by reciprocal rank fusion.
    """
    query = query.strip()[:1000]
    if not query:
        return []
    catalog = names.catalog(session)
    terms, alternative, forms = query_terms(session, query)
    if package:
        sources: list[int] | None = catalog.sources_of(package)
        if not sources:
            return []
        heads: Heads = {}
        scored = combine(text_scores(session, terms, sources, alternative=frozenset(alternative),
                                     names=least_bonuses(query), heads=heads,
                                     sizes={"sources": catalog.size(sources)}, forms=forms),
                         name_scores(session, query, sources, heads=heads))
        return finish(session, query, scored, k, embedder, sources, heads)
    mentioned = catalog.mentioned(query)
    boosted = [s for p in mentioned for s in catalog.sources_of(p)] or None
    skip = frozenset(catalog.mention_lexemes(mentioned))
    heads = {}
    scored = combine(text_scores(session, terms, None, boosted, skip, frozenset(alternative),
                                 least_bonuses(query), heads,
                                 {"boosted": catalog.size(boosted)}, forms),
                     name_scores(session, query, None, boosted, heads))
    return finish(session, query, scored, k, embedder, None, heads)


def finish(session: Session, query: str, scored: dict[int, float], k: int, embedder: Any,
           sources: list[int] | None, heads: Heads) -> list[DocHit]:
    """Fuse embeddings when asked, then load the best hits."""
    catalog = names.catalog(session)
    if embedder is None:
        return hits(session, scored, k, heads, catalog)
    from agent.docs.embeddings import fuse_embeddings

    # Reciprocal rank fusion keeps only each ranking's order, and its scores differ little
    # (1/61 against 1/65): the priors by kind, depth and currency go into the text ranking
    # before the fusion, since applied after it they would outweigh the text ranking itself.
    adjusted = {r.id: scored[r.id] * prior(r, catalog) for r in load_heads(session, scored, heads)}
    fused = fuse_embeddings(session, embedder, query, adjusted, sources)
    return hits(session, fused, k, heads, catalog, adjust=False)


def combine(text_part: dict[int, float], name_part: dict[int, float]) -> dict[int, float]:
    """Text scores scaled to 0..1 plus name bonuses."""
    top = max(text_part.values(), default=0.0) or 1.0
    combined = {oid: value / top for oid, value in text_part.items()}
    for oid, bonus in name_part.items():
        combined[oid] = combined.get(oid, 0.0) + bonus
    return combined


def load_heads(session: Session, scored: dict[int, float], known: Heads) -> list[Any]:
    """The head rows of the scored objects: those the text search read, the rest loaded."""
    missing = [oid for oid in scored if oid not in known]
    heads = [known[oid] for oid in scored if oid in known]
    if missing:  # objects only the embeddings found
        heads += session.execute(text(f"SELECT {HEAD} FROM doc_objects o WHERE id = ANY(:ids)"),
                                 {"ids": missing}).all()
    return heads


def prior(row: Any, catalog: names.Catalog | None) -> float:
    """How likely an object of this kind, depth and standing is the answer, all else equal."""
    return (KIND_PRIOR.get(row.kind, 1.0) * depth_prior(row.qualname)
            * (1.0 if row.doc_size else UNDOCUMENTED) * currency_prior(row)
            * (REEXPORTED if catalog is not None and reexported(row, catalog) else 1.0))


def hits(session: Session, scored: dict[int, float], k: int, known: Heads | None = None,
         catalog: names.Catalog | None = None, *, adjust: bool = True) -> list[DocHit]:
    """The best `k` scored objects as hits, after priors by kind and depth (unless the
    scores already carry them: `adjust=False`)."""
    if not scored:
        return []
    heads = load_heads(session, scored, known or {})
    final = {r.id: scored[r.id] * (prior(r, catalog) if adjust else 1.0) for r in heads}
    best = distinct(sorted(heads, key=lambda r: (-final[r.id], r.qualname)), k)
    rows = {r.id: r for r in session.execute(text(
        "SELECT o.id, o.qualname, o.kind, o.signature, o.doc, o.file, o.line, "
        "s.name AS package, s.version, s.kind AS source_kind "
        "FROM doc_objects o JOIN doc_sources s ON s.id = o.source_id WHERE o.id = ANY(:ids)"),
        {"ids": [r.id for r in best]})}
    found = []
    for head in best:
        row = rows[head.id]
        location = f"{row.file}:{row.line}" if row.file and row.line else (row.file or "")
        version = row.version if row.source_kind == "package" else ""
        package = row.package if row.source_kind == "package" else row.package.rsplit("/", 1)[-1]
        body = row.doc if row.source_kind == "folder" or not row.signature else \
            f"{row.signature}\n\n{row.doc}"
        found.append(DocHit(row.qualname, package, version, row.kind, body.strip(), location,
                            round(final[row.id], 4), row.signature))
    return found


def distinct(ranked: list[Any], k: int) -> list[Any]:
    """The first `k` rows that are not another path to an object already taken.

    One object is often indexed under several names (same name, same docstring size: the
    size, unlike a hash, needs no read of the text): a method inherited by many classes
    (same definition), a function re-exported by another package (`litellm.Field` is
    `pydantic.Field`), a vendored copy. Five copies of one answer leave no room for others.
    """
    taken: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for row in ranked:
        keys: list[tuple[Any, ...]] = [("name", row.name, row.doc_size),
                                       ("opening", row.name, row.kind, row.opening)
                                       ] if row.doc_size else []
        if row.file and row.line and row.kind != "module":
            keys.append(("at", row.source_id, row.file, row.line))
        if any(key in seen for key in keys):
            continue
        seen.update(keys)
        taken.append(row)
        if len(taken) == k:
            break
    return taken


def currency_prior(row: Any) -> float:
    """Less for what its docs call deprecated or what lives in a legacy namespace."""
    legacy = not LEGACY_PARTS.isdisjoint(row.qualname.split(".")[1:])
    return DEPRECATED if row.deprecated or legacy else 1.0


def reexported(row: Any, catalog: names.Catalog) -> bool:
    """True when the object is defined in another indexed package than the one it is
    listed under (`litellm.Field` is pydantic's): the defining package's path is the one
    to cite. A package's own private modules (`_pytest` for pytest) are not another one."""
    if not row.file:
        return False
    home = row.file.split("/", 1)[0].removesuffix(".py")
    if home == row.qualname.split(".", 1)[0]:
        return False
    owners = catalog.sources_of(home)
    return bool(owners) and row.source_id not in owners


def depth_prior(qualname: str) -> float:
    """Deeply nested names are less often what a question is about."""
    return DEPTH_BASE ** max(0, qualname.count(".") - 1)
