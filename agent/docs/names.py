"""Names in a question: identifiers it spells out, and the packages it mentions."""

from __future__ import annotations

import keyword
import re
import threading
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

from agent.docs.indexer import normal
from agent.docs.vocabulary import expansions

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
IDENTIFIER_PART = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
CAMEL_INSIDE = re.compile(r"[a-z][A-Z]")
# Words too common in questions to be taken as a name on their own.
QUESTION_WORDS = frozenset([
    "a", "an", "the", "how", "do", "does", "i", "to", "in", "of", "for", "with", "what",
    "which", "is", "are", "can", "my", "me", "from", "and", "or", "on", "by", "as", "at", "be",
    "it", "this", "that", "when", "where", "why", "get", "use", "using", "into", "out", "not",
    "without",
])

# Words that introduce the package a question works with, an article at most between.
TOOL_WORDS = frozenset({"with", "in", "using", "via", "for", "from"})
ARTICLES = frozenset({"a", "an", "the", "my", "its", "their", "your", "some", "each"})


def dotted_in(query: str) -> list[str]:
    """Dotted names the query spells (`DataFrame.merge`), as `.DataFrame.merge` suffixes."""
    return ["." + w for w in WORD.findall(query) if "." in w]


def wanted_names(query: str) -> dict[str, str]:
    """Lower-cased object names the query may mean, with how it named them.

    "dotted": the last part of a dotted name; "joined": an identifier with `_` or CamelCase;
    "adjacent": two adjacent words joined (`chat input` -> chat_input, chatinput); "word".
    """
    found: dict[str, str] = {}
    words = WORD.findall(query)
    for word in words:
        if "." in word:
            found[word.rsplit(".", 1)[-1].lower()] = "dotted"
    plain = [w for w in words if "." not in w]
    for word in plain:
        if "_" in word.strip("_") or CAMEL_INSIDE.search(word):
            found.setdefault(word.lower(), "joined")
    lowered = [w.lower() for w in plain]
    # A common word in capitals is a term, not part of the phrasing: "an HTTP GET request",
    # "a SELECT with a WHERE clause".
    # Spelled so on purpose, they name what they say as surely as an identifier does; a
    # Python keyword names its spelling with a trailing underscore (`not_`, `and_`).
    named = {w.lower() for w in plain if len(w) >= 2 and w.isupper()} & QUESTION_WORDS
    for word in named:
        found.setdefault(word, "joined")
        if keyword.iskeyword(word):
            found.setdefault(f"{word}_", "joined")
    content = [w for w in lowered if w not in QUESTION_WORDS or w in named]
    for a, b in zip(content, content[1:], strict=False):
        found.setdefault(f"{a}_{b}", "adjacent")
        found.setdefault(f"{a}{b}", "adjacent")
    # A short word before a content word is how APIs name conversions and tests:
    # "from a string" -> `from_string`, "get the JSON" -> `get_json`, "is a redirect".
    spoken = [w for w in lowered if w not in ARTICLES]
    for a, b in zip(spoken, spoken[1:], strict=False):
        if a in QUESTION_WORDS and b not in QUESTION_WORDS:
            found.setdefault(f"{a}_{b}", "adjacent")
    for word in lowered:
        if len(word) >= 3 and (word not in QUESTION_WORDS or word in named):
            found.setdefault(word, "word")
            if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
                found.setdefault(word[:-1], "word")  # "blueprints" names `Blueprint`
    return found


def identifier_words(name: str) -> set[str]:
    """The lower-cased words of an identifier (`sort_values`, `raiseForStatus`)."""
    return {w.lower() for w in IDENTIFIER_PART.findall(name)}


def run_together(name: str, said: set[str]) -> bool:
    """True when a one-word name is two or more of the words said, in any order, written
    without separators (`nanmean`, `fillvalue`)."""
    name = name.lower()
    if len(name) < 6 or not name.isalpha():
        return False
    # parts[i]: the fewest said words that spell name[:i] (None: cannot be spelled).
    parts: list[int | None] = [0] + [None] * len(name)
    for end in range(3, len(name) + 1):
        for start in range(0, end - 2):
            before, now = parts[start], parts[end]
            if before is not None and name[start:end] in said:
                parts[end] = before + 1 if now is None else min(now, before + 1)
    return (parts[-1] or 0) >= 2


def question_words(query: str) -> set[str]:
    """The query's lower-cased words, whole and split (`NaN`, `DataFrame` -> data, frame),
    their base forms (`values` -> value, `invoking` -> invoke) and the short or long forms
    code writes for them (`integer` -> int: "an integer within a range" is `IntRange`)."""
    whole = WORD.findall(query.replace(".", " "))
    said = {w.lower() for w in [*whole, *IDENTIFIER_PART.findall(query)]}
    said |= {base for w in said for base in base_forms(w)}
    return said | set(expansions(sorted(said)))


def base_forms(word: str) -> list[str]:
    """What an inflected word may come from: plural, -ing and -ed forms, with or without the
    `e` they dropped (`values`, `parsing` -> parse, parsed, `sorted` -> sort)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    for ending in ("ing", "ed"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= 3:
            return [stem, stem + "e"]
    return []


@dataclass
class Catalog:
    """What is indexed, by the names a question may use for it."""

    sources: dict[str, list[int]] = field(default_factory=dict)  # normal name -> source ids
    lexemes: dict[str, set[str]] = field(default_factory=dict)  # normal name -> its lexemes
    sizes: dict[int, int] = field(default_factory=dict)  # source id -> objects indexed

    def sources_of(self, name: str) -> list[int]:
        """Source ids for a distribution, import or folder name."""
        return self.sources.get(normal(name), [])

    def mentioned(self, query: str) -> list[str]:
        """Indexed package names the query mentions (`pandas`, `sqlalchemy`)."""
        seen = []
        words = [w.split(".")[0] for w in WORD.findall(query)]
        # "JSON schema" names jsonschema as surely as "jsonschema" does.
        joined = [a + b for a, b in zip(words, words[1:], strict=False)]
        for word in words + joined:
            key = normal(word)
            if key in self.sources and key not in seen:
                seen.append(key)
        # Of several, the ones it does something "with", "in" or "using" are the tools
        # asked about; the others name what is worked on ("requests" as a noun, "an
        # OpenAI model"), or are words of the question spelled like a package.
        lowered = [w.lower() for w in words]
        tools = [key for key in seen if any(
            normal(w) == key and any(p in TOOL_WORDS for p in lowered[max(0, i - 2):i])
            for i, w in enumerate(words))]
        return tools if len(seen) > 1 and tools else seen

    def size(self, sources: list[int] | None) -> int | None:
        """How many objects these sources hold (None: every source)."""
        return None if sources is None else sum(self.sizes.get(s, 0) for s in sources)

    def mention_lexemes(self, mentioned: list[str]) -> set[str]:
        """The lexemes the mentioned names turn into, to leave out of a package's own search."""
        return set().union(*(self.lexemes.get(m, set()) for m in mentioned))


_cache: dict[str, tuple[tuple[object, ...], Catalog]] = {}
_lock = threading.Lock()


def catalog(session: Session) -> Catalog:
    """The catalog, rebuilt only when the set of indexed sources changed."""
    key = tuple(session.execute(text(
        "SELECT count(*), sum(id), max(indexed_at) FROM doc_sources")).one())
    database = str(session.get_bind().engine.url)
    with _lock:
        cached = _cache.get(database)
        if cached is not None and cached[0] == key:
            return cached[1]
    key_rows = session.execute(text("SELECT id, kind, name, objects FROM doc_sources")).all()
    built = Catalog(sizes={r.id: r.objects for r in key_rows})
    tops = session.execute(text(
        "SELECT DISTINCT source_id, qualname FROM doc_objects "
        "WHERE kind = 'module' AND strpos(qualname, '.') = 0")).all()
    names: list[tuple[str, int]] = [(r.name, r.id) for r in key_rows if r.kind == "package"]
    names += [(r.qualname, r.source_id) for r in tops]
    names += [(r.name.rstrip("/").rsplit("/", 1)[-1], r.id) for r in key_rows
              if r.kind == "folder"]
    for name, source_id in names:
        ids = built.sources.setdefault(normal(name), [])
        if source_id not in ids:
            ids.append(source_id)
    if built.sources:
        rows = session.execute(text(
            "SELECT n, array(SELECT unnest(tsvector_to_array(to_tsvector('english', n)))) "
            "FROM unnest(CAST(:names AS text[])) AS n"), {"names": list(built.sources)})
        built.lexemes = {n: set(lex) for n, lex in rows}
    with _lock:
        _cache[database] = (key, built)
    return built
