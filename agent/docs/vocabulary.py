"""Programmers' abbreviations: a question says "integer", the API says `int`.

Query words are expanded with the short forms code uses (and back), at a lower weight than
the words themselves. Generic vocabulary of code, not of any one library.
"""

from __future__ import annotations

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
EXPANSIONS: dict[str, tuple[str, ...]] = {}
for long, short in PAIRS:
    EXPANSIONS[long] = (*EXPANSIONS.get(long, ()), short)
    EXPANSIONS[short] = (*EXPANSIONS.get(short, ()), long)


def expansions(words: list[str]) -> list[str]:
    """Other spellings of the query's words, not already among them."""
    seen = {w.lower() for w in words}
    extra: list[str] = []
    for word in words:
        for other in EXPANSIONS.get(word.lower(), ()):
            if other not in seen:
                seen.add(other)
                extra.append(other)
    return extra
