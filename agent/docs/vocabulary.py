"""Programmers' vocabulary: a question says "integer", the API says `int`; it says "sign",
the API has a `Signer`.

Query words are expanded with the short forms code uses (and back), with words code uses
for the same action, and with the names of the objects that do what a verb says, at a
lower weight than the words themselves. Generic vocabulary of code, not of any one library.
"""

from __future__ import annotations

import re

PAIRS = (
    ("integer", "int"), ("string", "str"), ("dictionary", "dict"), ("directory", "dir"),
    ("configuration", "config"), ("argument", "arg"), ("arguments", "args"),
    ("parameter", "param"), ("parameters", "params"), ("attribute", "attr"),
    ("boolean", "bool"), ("character", "char"), ("temporary", "temp"), ("message", "msg"),
    ("number", "num"), ("object", "obj"), ("reference", "ref"), ("specification", "spec"),
    ("initialize", "init"), ("length", "len"), ("maximum", "max"), ("minimum", "min"),
    ("environment", "env"), ("database", "db"), ("expression", "expr"),
    ("information", "info"), ("implementation", "impl"), ("synchronous", "sync"),
    ("asynchronous", "async"), ("function", "func"), ("sequence", "seq"), ("value", "val"),
    ("variable", "var"), ("previous", "prev"), ("execute", "exec"), ("error", "err"),
    ("document", "doc"), ("application", "app"), ("library", "lib"), ("package", "pkg"),
    ("iterate", "iter"), ("iterator", "iter"), ("folder", "dir"), ("regular", "regex"),
    ("authentication", "auth"), ("authorization", "auth"), ("utility", "util"),
    ("utilities", "utils"), ("administrator", "admin"), ("command", "cmd"),
    ("statistics", "stats"), ("column", "col"), ("concatenate", "concat"),
    ("delete", "del"), ("destination", "dest"), ("source", "src"), ("timestamp", "ts"),
    ("callback", "cb"), ("description", "desc"), ("index", "idx"), ("count", "cnt"),
    ("current", "cur"), ("request", "req"), ("response", "resp"), ("connection", "conn"),
    ("position", "pos"), ("repository", "repo"), ("serialize", "dump"),
    ("deserialize", "load"),
)
# Words APIs use for the same thing: each expands to the others.
SYNONYMS = (
    ("normalize", "canonicalize"), ("remove", "delete"), ("display", "show"),
    ("verify", "validate"), ("persist", "save", "store"), ("fetch", "download"),
    ("invoke", "call"), ("print", "echo"), ("mock", "fake", "stub"), ("exit", "quit"),
    ("sign", "signature"), ("launch", "start"), ("halt", "stop"), ("erase", "clear"),
)
EXPANSIONS: dict[str, tuple[str, ...]] = {}
for long, short in PAIRS:
    EXPANSIONS[long] = (*EXPANSIONS.get(long, ()), short)
    EXPANSIONS[short] = (*EXPANSIONS.get(short, ()), long)
for group in SYNONYMS:
    for word in group:
        EXPANSIONS[word] = (*EXPANSIONS.get(word, ()), *(w for w in group if w != word))
# Verbs whose -er noun is not the object doing it ("use" -> user), and question words.
NOT_AGENTS = frozenset({"user", "under", "other", "after", "over", "order", "number", "water",
                        "ever", "never", "layer", "paper", "offer", "enter", "power"})
# Words of four letters or more that are no verbs: "with" would bring `wither`.
NOT_VERBS = frozenset({"with", "from", "into", "onto", "upon", "over", "than", "then", "when",
                       "what", "that", "this", "each", "some", "your", "their", "there"})
AGENT_SUFFIXES = ("ate", "ute", "ect")  # validate -> validator, execute -> executor
VOWELS = frozenset("aeiou")


def agent_nouns(word: str) -> list[str]:
    """The names of what does `word`: sign -> signer, parse -> parser, validate -> validator,
    format -> formatter (whichever exist in the index count)."""
    word = word.lower()
    if len(word) < 4 or not word.isalpha() or word in NOT_VERBS \
            or word.endswith(("er", "or", "ing", "ed", "s", "y")):
        return []
    forms = [word + "r" if word.endswith("e") else word + "er"]
    if word.endswith(AGENT_SUFFIXES):
        forms.append(word[:-1] + "or" if word.endswith("e") else word + "or")
    if word[-1] not in VOWELS | {"w", "x"} and word[-2] in VOWELS and word[-3] not in VOWELS:
        forms.append(word + word[-1] + "er")  # format -> formatter, wrap -> wrapper
    return [f for f in forms if f not in NOT_AGENTS]


# Words that start no term a code name abbreviates ("set an environment" is no `sae`).
NOT_INITIAL = frozenset({"a", "an", "the", "to", "of", "in", "on", "for", "with", "and", "or",
                         "by", "as", "at", "is", "it", "my", "how", "do", "i", "from", "into"})
ACRONYM_WORDS = (3, 4)
LINKS = frozenset({"to", "of", "and"})  # inside a term: "time to live", "point of sale"
TOKEN = re.compile(r"[A-Za-z0-9_]+")


def acronyms(question: str) -> list[str]:
    """The initials of each run of three or four words of the question, in its order, that
    starts and ends with a word of content: names abbreviate multi-word terms so ("random
    number generator" -> `rng`, "time-to-live" -> `ttl`, "JSON Web Token" -> `jwt`)."""
    words = TOKEN.findall(question)
    found: list[str] = []
    for size in ACRONYM_WORDS:
        for start in range(len(words) - size + 1):
            run = [w.lower() for w in words[start:start + size]]
            if run[0] in NOT_INITIAL or run[-1] in NOT_INITIAL or not all(
                    w.isalpha() and (w not in NOT_INITIAL or w in LINKS) for w in run):
                continue
            initials = "".join(w[0] for w in run)
            if initials not in found:
                found.append(initials)
    return found


def expansions(words: list[str]) -> list[str]:
    """Other spellings of the query's words, not already among them."""
    seen = {w.lower() for w in words}
    extra: list[str] = []
    for word in words:
        for other in (*EXPANSIONS.get(word.lower(), ()), *agent_nouns(word)):
            if other not in seen:
                seen.add(other)
                extra.append(other)
    return extra
