"""Learn a file's header layout from a sample: typed tokens, the prefix most lines agree on.

Each sample line's head is split into typed tokens (T timestamp, L level, N number, B bracketed
block, C `component:`, S separator, H tab, K key=value, W word). Runs of words collapse into one W.
The header is the longest typed prefix that most lines share and that ends on a field, not a
word; it stops at the first `component:`. The result is a regex (Rust syntax, for polars) with
one group per timestamp part, the level and the component; the message is what follows.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

from agent.analysis.logs.fields import TIMESTAMP
from agent.analysis.logs.tokensplit import BRACKET, GLUED_BRACKETS, Piece

HEAD_CHARS = 320
MAX_TOKENS = 14
MIN_SHARE = 0.8
MAX_WORD_RUN = 4
# Lines tokenised to learn the layout: enough to see it, few enough to stay cheap.
LEARN_LINES = 400

_LEVELS = (
    r"(?:trace|debug\d?|info|information|informational|notice|warn|warning|error|err|severe"
    r"|fatal|critical|crit|emerg|emergency|alert|panic|verbose|dbg|inf|wrn|erro?|ftl|note"
    r"|dbug|trce|eror|fail"
    r"|fine|finer|finest"
    # PostgreSQL's informational level, in capitals only: "log" is a common word.
    r"|(?-i:LOG))"
)
_GLUED_LEVELS = (
    r"(?:TRACE|TRAC|DEBUG|DEBU|VERBOSE|INFO|NOTICE|WARNING|WARN|ERROR|ERRO|FATAL|FATA|PANIC|PANI"
    r"|[VDIWEF])"
)
# Timestamps as whole tokens: the shared shapes, dotted or bare dates, epochs, TAI64N labels,
# each with an optional zone. A timestamp glued to other text (a file name) is no token.
_DATE = r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
_ZONE = r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT|[A-Z][DS]T|CES?T|BST|IST)|[+-]\d{2})?"
# Windows Installer writes a bare clock's milliseconds after a colon (`[14:22:01:123]`): as a
# whole token only, since inside a line `02:20:01:123` may be the clock of a date before it.
_TS = (
    rf"(?:(?:{TIMESTAMP}){_ZONE}|(?:{_DATE})|@?1\d{{12}}|@4000000[0-9a-f]{{17}}"
    r"|\d{1,2}:\d{2}:\d{2}:\d{3})"
)
# A time may be glued by a colon to the level after it (Jetty's `14:22:01.123:INFO:`).
_END = rf"(?=[\s,;\]|)]|::?(?:\s|$)|::|$|:(?i:{_LEVELS}):)"
# A tab separates fields (zap's console encoder, TSV exports): it is a token of its own (H), so
# the space before tokens excludes it.
_OTHER_TOKENS = (
    rf"|(?P<T>{_TS}){_END}"
    rf"|(?P<L>(?i:{_LEVELS})|[TVDIWEF]!?):?(?=[\s|]|$|::)"
    # A capitalised level glued to what follows it: logcat's `D/Tag(`, logrus' `INFO[0000]`.
    rf"|(?P<G>{_GLUED_LEVELS})(?=[/\[][^\s/\[])"
    # A level word in any case before a slash and a component (Icinga's `warning/Checker:`).
    rf"|(?P<g>(?i:{_LEVELS}))(?=/[A-Za-z][^\s/]*:(?:\s|$))"
    r"|(?P<K>[\w.-]+=(?:\"[^\"]*\"|\S*))"
    r"|(?P<H>\t\s*)"
    r"|(?P<S>\||::|(?:-{1,3}|:|>>|\u00bb)(?=\s|$)|:(?=\d{8}:\d{6})"
    # A run of one punctuation mark glued to a bracket is decoration (`####<...>`), not a word.
    r"|(?P<deco>[#*=~])(?P=deco)+(?=[\[<(]))"
    # Zero-padded digits of some length are an id that may as well hold letters (a thread's
    # hex `0000002b` beside `000000f8`), not a quantity: typed as a word, like its peers.
    # Zabbix glues its process id to the compact date by a colon (`1234:20240305:142201.123`).
    r"|(?P<N>[+-]?(?!0\d{3})\d+(?:\.\d+)?)(?=[\s,;|]|$|:\d{8}:\d{6})"
    r"|(?P<C>[^\s|]*[^\s|:]:)(?=\s|$)"
    r"|(?P<W>(?:[^\s|:]|:(?![:\s]|$))+)"
    r")"
)
_BRACKET = (
    r"(?P<B>\[(?:[^\[\]]|\[[^\[\]]*\])*\]|\((?:[^()]|\([^()]*\))*\)|<[^<>\s]{1,40}>"
    # An angle bracket may hold a time with spaces in it (WebLogic's `<Mar 5, 2024 2:22:01 PM
    # UTC>`); other spaced angle text is not one token (`<<WLS Kernel>>`, markup).
    rf"|<(?:{_TS})>"
    # A name glued to brackets (SonarQube's `web[][o.s.p.ProcessEntryPoint]`), as `sshd[12]`
    # is before its colon: one header field, not a message's word.
    # A level glued to its bracket (`WARNING[3331]`, `INFO[0000]`) stays a level (G below).
    rf"|(?!(?:{_GLUED_LEVELS})\[){GLUED_BRACKETS}(?=\s|$))(?P<bc>:)?"
)
# A quoted field (CSV and quoted TSV exports), with the comma that may close it. It is a token
# only when it holds a time or a level; other quoted text is tokenised as if unquoted.
_TOKEN = re.compile(r"[^\S\t]*(?:" + _BRACKET + r'|(?P<Q>"[^"\n]{1,80}",?)' + _OTHER_TOKENS)
_UNQUOTED = re.compile(r"[^\S\t]*(?:" + _BRACKET + _OTHER_TOKENS)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# A quoted HTTP request: an access log's message starts there at the latest, whatever fields
# its server writes before it (a request of three words would pass for a header's word run).
HTTP_REQUEST = re.compile(
    r'"(?:GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE|PROPFIND) [^"\s]+ HTTP/[0-9.]+"'
)
# Field types that may end a header; a word may only sit between them (a host, a program).
_ANCHORS = set("TLNBCSKH")


@dataclass(frozen=True)
class Layout:
    """A learned header: its regex, which groups are timestamp parts, and how often it fit."""

    pattern: str
    time_groups: tuple[str, ...]
    share: float
    signature: str
    # The positions, for the token split (tokensplit).
    pieces: tuple[Piece, ...] = ()


def tokens(line: str) -> list[tuple[str, str]]:
    """Typed tokens of a line's head: (type, text), a bracket typed by what it holds."""
    out: list[tuple[str, str]] = []
    head = line[:HEAD_CHARS]
    request = HTTP_REQUEST.search(head)
    if request is not None:
        head = head[: request.start()]
    # A JSON object is a message (an application's JSON line behind a runtime's header).
    structured = _JSON_START.search(head)
    if structured is not None:
        head = head[: structured.start()]
    pos = 0
    while pos < len(head) and len(out) < MAX_TOKENS:
        match = _TOKEN.match(head, pos)
        if match is None or match.end() == pos:
            break
        kind = match.lastgroup if match.lastgroup != "bc" else "B"
        text = match.group(kind or "W")
        if kind in ("G", "g"):
            kind = "L"
        if kind == "Q":
            inner = text.rstrip(",")[1:-1].strip()
            kind = "T" if re.fullmatch(_TS, inner) else "L" if _is_level(inner) else None
            if kind is None:
                match = _UNQUOTED.match(head, pos)
                if match is None or match.end() == pos:
                    break
                kind = match.lastgroup if match.lastgroup != "bc" else "B"
                text = match.group(kind or "W")
        if kind in ("W", "C") and _GLUED_LEVEL.fullmatch(text):
            # A level glued by punctuation to the fields around it: its own field.
            kind = "L"
        if kind == "W" and _GLOG.fullmatch(text) and _TIME_AHEAD.match(head, match.end()):
            # glog's level letter glued to the month and day (`I0305 22:14:09.073`), here
            # after another header (a container runtime's, kubectl's): its level.
            kind = "L"
        if kind == "B":
            inner = text[1:-1].strip()
            if re.fullmatch(_TS, inner) or _bracket_time(text):
                kind = "T"
                # The colon closing a bracketed time (`app [14:22:01]: ...`) is the header's.
                text += match.group("bc") or ""
            elif _is_level(inner) or _holds_level(inner) or _ONE_LETTER.fullmatch(inner):
                # A level may be one capital in its bracket (`[I]`, `[W]`).
                kind = "L"
            elif match.group("bc"):
                kind = "C"
        out.append((kind or "W", text))
        pos = match.end()
    for i in range(len(out) - 1):
        if out[i][0] == out[i + 1][0] == "L" and len(out[i][1].rstrip(":")) == 1:
            # A lone letter before a level is a flag (a container runtime's F or P), not one.
            out[i] = ("W", out[i][1])
    return out


_JSON_START = re.compile(r'(?:^|\s)\{"')
_DECORATED = re.compile(r"#{2,}[\[<(]")
# A level word glued to the fields beside it by one punctuation mark (Zigbee2MQTT's
# `Zigbee2MQTT:info`, Jetty's `:INFO:oejs.Server:main:`, an export's `;WARN;cache;...`): the
# same mark on both sides, or only before it.
_GLUED_LEVEL = re.compile(rf"[^\s|:;,]*([:;,|])(?i:{_LEVELS})(?:\1\S*)?")
_ONE_LETTER = re.compile(r"[TVDIWEF]")


def _is_level(text: str) -> bool:
    """Whether a text is a level word."""
    return re.fullmatch(rf"(?i:{_LEVELS})", text) is not None


def _holds_level(inner: str) -> bool:
    """Whether a bracket's words, split at spaces and slashes, include a level word
    (`[Server thread/INFO]`, `[7F3B4F7C0700 info 'Default' opID=1]`)."""
    return any(len(w) >= 3 and _is_level(w) for w in _BRACKET_WORDS.split(inner))


_BRACKET_WORDS = re.compile(r"[\s/|]+")
# CockroachDB's glog header has the year too (`I240305`).
_GLOG = re.compile(r"[IWEF](?:\d\d)?[01]\d[0-3]\d")
_TIME_AHEAD = re.compile(r" \d{2}:\d{2}:\d{2}")


def _bracket_time(text: str) -> str | None:
    """The time a bracket starts with when it holds more after it (`[<time> #1234]`), maybe
    after a level (Jupyter's and Tornado's `[I 2024-03-05 14:22:01.123 ServerApp]`)."""
    if not text.startswith("[") or re.fullmatch(_TS, text[1:-1].strip()):
        return None
    match = _HELD_TIME.match(text[1:-1])
    return match.group("time") if match else None


def _bracket_lead(text: str) -> bool:
    """Whether a bracket holding a time starts with a level before it."""
    match = _HELD_TIME.match(text[1:-1])
    return match is not None and match.group("lead") is not None


_HELD_TIME = re.compile(
    rf"(?P<lead>(?:(?i:{_LEVELS})|[TVDIWEF])\s+)?(?P<time>{_TS})(?=[\s:,]+\S)"
)


def _mostly_levels(texts: list[str]) -> bool:
    """Whether most texts start with a level word."""
    starts = re.compile(rf"[\s:,]*(?i:{_LEVELS})(?![A-Za-z])")
    return sum(bool(starts.match(t)) for t in texts) >= MIN_SHARE * len(texts)


def _collapse(toks: list[tuple[str, str]]) -> tuple[list[str], list[list[str]]]:
    """Collapse runs of words: the type sequence and the texts of each collapsed token."""
    kinds: list[str] = []
    texts: list[list[str]] = []
    for kind, text in toks:
        if kind == "W" and kinds and kinds[-1] == "W":
            texts[-1].append(text)
            continue
        kinds.append(kind)
        texts.append([text])
    return kinds, texts


def learn_layout(sample: list[str]) -> Layout | None:
    """The header most sample lines share, as a regex; None when no header is common enough."""
    # Indented lines continue records and `#` lines are directives or comments: neither votes.
    # A run of `#` glued to a bracket is a record's decoration (WebLogic's `####<...>`).
    lines = [
        _ANSI.sub("", ln)
        for ln in sample
        if ln.strip() and not ln[0].isspace() and (ln[0] != "#" or _DECORATED.match(ln))
    ]
    if len(lines) < 2:
        return None
    if len(lines) > LEARN_LINES:
        step = len(lines) / LEARN_LINES
        lines = [lines[int(i * step)] for i in range(LEARN_LINES)]
    parsed = _own_levels([_collapse(tokens(ln)) for ln in lines])
    best: tuple[str, ...] | None = None
    for end in range(1, MAX_TOKENS + 1):
        prefixes = Counter(tuple(kinds[:end]) for kinds, _ in parsed if len(kinds) >= end)
        if not prefixes:
            break
        prefix, count = prefixes.most_common(1)[0]
        if count < MIN_SHARE * len(parsed):
            break
        if not _after_level_ok(prefix) or not _after_time_ok(prefix):
            break
        fields = {"T", "L"} & set(prefix)
        # A number last may yet be closed by the next token: it cannot end the header where
        # a closing separator is asked of it.
        closed = _after_level_ok(prefix, ended=True) and _after_time_ok(prefix, ended=True)
        named = prefix[-1] == "B" and "L" not in prefix and _glued_names(prefix, parsed)
        if (
            prefix[-1] in _ANCHORS
            and closed
            and fields
            and not named
            and _words_consistent(prefix, parsed)
        ):
            best = prefix
            if prefix[-1] == "C":
                # A `component:` closes the header: what follows is the message, unless it is
                # a level on most lines (BIND's `queries: info:`, fail2ban's `[pid]: INFO`).
                level = (*prefix, "L")
                if "L" not in prefix and sum(
                    tuple(kinds[: len(level)]) == level for kinds, _ in parsed
                ) >= MIN_SHARE * len(parsed):
                    best = level
                break
    if best is None:
        return None
    prefix = best
    return _build(prefix, parsed)


def _own_levels(
    parsed: list[tuple[list[str], list[list[str]]]],
) -> list[tuple[list[str], list[list[str]]]]:
    """Where a level word sits at one place of the header on many lines, a word of the
    program's own at the same place on the others is its level too: a one-word bracket
    (MySQL's `[System]` among `[Note]` and `[Warning]`) or a word written like the levels
    there (supervisord's `DEBG` and `CRIT` among `INFO` and `WARN`, tinyproxy's `CONNECT`,
    macOS's `Default` among `Info` and `Error`). Typed as a level, the lines agree on their
    header."""
    places = Counter((tuple(kinds[:i]), i) for kinds, _ in parsed for i, k in enumerate(kinds)
                     if k == "L")
    if not places:
        return parsed
    (before, at), count = places.most_common(1)[0]
    if count < len(parsed) / 3:
        return parsed
    agreeing = [t for k, t in parsed if len(k) > at and tuple(k[: at + 1]) == (*before, "L")]
    # A program writes its levels in one case: its own words are written alike.
    titled = sum(t[at][0][:1].isupper() and t[at][0][1:].islower() for t in agreeing)
    word = _OWN_TITLE if titled > len(agreeing) / 2 else _OWN_WORD
    # A word run before the level: its usual length, where a longer run holds the own word
    # (macOS's `0x1a2b Default 0x0`, where others have `0x1a2b` `Info` `0x0`).
    run = Counter(len(t[at - 1]) for t in agreeing).most_common(1)[0][0] if at else 0
    out = list(parsed)
    found = set()
    for i, (kinds, texts) in enumerate(parsed):
        if (
            len(kinds) > at
            and tuple(kinds[:at]) == before
            and (
                (kinds[at] == "B" and _OWN_LEVEL.fullmatch(texts[at][0]))
                or (kinds[at] == "W" and word.fullmatch(texts[at][0]))
            )
        ):
            rest = texts[at][1:]
            # A word is the first of its run: the rest of the run stays words after it.
            kinds = [*kinds[:at], "L", *(["W"] if rest else []), *kinds[at + 1 :]]
            texts = [*texts[:at], texts[at][:1], *([rest] if rest else []), *texts[at + 1 :]]
            out[i] = (kinds, texts)
            found.add(texts[at][0].lower())
        elif (
            at
            and before[-1] == "W"
            and tuple(kinds[: at - 1]) == before[:-1]
            and len(kinds) >= at
            and kinds[at - 1] == "W"
            and len(texts[at - 1]) > run
            and word.fullmatch(texts[at - 1][run])
        ):
            words = texts[at - 1]
            rest = words[run + 1 :]
            kinds = [*kinds[: at - 1], "W", "L", *(["W"] if rest else []), *kinds[at:]]
            texts = [*texts[: at - 1], words[:run], [words[run]], *([rest] if rest else []),
                     *texts[at:]]
            out[i] = (kinds, texts)
            found.add(words[run].lower())
    # A program's levels are a few words; thread or module names there are many.
    return out if found and len(found) <= MAX_OWN_LEVELS else parsed


# A program has a few levels of its own at most.
MAX_OWN_LEVELS = 3
_OWN_LEVEL = re.compile(r"\[[A-Za-z]{2,12}\]|<[A-Za-z]{2,12}>")
_OWN_WORD = re.compile(r"[A-Z]{3,7}")
_OWN_TITLE = re.compile(r"[A-Z][a-z]{2,9}")


def _after_level_ok(prefix: tuple[str, ...], *, ended: bool = False) -> bool:
    """After the level a header holds at most a component and brackets, never times, and a
    number only where a separator closes it (a process id: `INFO 4242 --- [main]`).

    Without this, a file dominated by one message would take that message for its header.
    ended says the prefix is the whole header, so a number last is not closed.
    """
    if "L" not in prefix:
        return True
    after = prefix[prefix.index("L") + 1 :]
    return (
        _free_words(after) <= 1
        and _numbers_closed(after, ended=ended, leading=False)
        and not set(after) & {"L", "K"}
    )


def _after_time_ok(prefix: tuple[str, ...], *, ended: bool = False) -> bool:
    """Between the last time and the level (or the end) a header holds at most two word runs,
    and numbers only right after the time (process and thread ids) or closed by a separator.

    Lines that all begin with the same words after their time (`GET /x => generated 12 bytes`)
    would otherwise take their message for header.
    """
    if "T" not in prefix:
        return True
    last = len(prefix) - 1 - prefix[::-1].index("T")
    after = prefix[last + 1 :]
    if "L" in after:
        after = after[: after.index("L")]
        ended = False
    return _free_words(after) <= 2 and _numbers_closed(after, ended=ended, leading=True)


def _free_words(kinds: tuple[str, ...]) -> int:
    """Word runs in kinds, but for those a tab closes: between tabs a word is a field."""
    return sum(kind == "W" and kinds[i + 1 : i + 2] != ("H",) for i, kind in enumerate(kinds))


def _numbers_closed(kinds: tuple[str, ...], *, ended: bool, leading: bool) -> bool:
    """Whether every number in kinds is followed by a separator, or (leading) has only
    numbers before it; a number last counts as followed unless the header ended there."""
    for i, kind in enumerate(kinds):
        if kind != "N" or (leading and set(kinds[:i]) <= {"N"}):
            continue
        if i + 1 == len(kinds):
            if ended:
                return False
        elif kinds[i + 1] not in "SH":
            return False
    return True


def _glued_names(prefix: tuple[str, ...], parsed: list) -> bool:
    """Whether the last position holds names glued to brackets (`tasks.add[9b3e...]`) on most
    lines: a header field after a level (SonarQube's `web[][o.s.p.X]`), but without one before
    it the first words of messages that mostly start alike (Celery's `Task tasks.add[id]`)."""
    pos = len(prefix) - 1
    texts = [t[pos][0] for k, t in parsed if tuple(k[: len(prefix)]) == prefix]
    return sum(t[:1].isalnum() for t in texts) > len(texts) / 2


def _words_consistent(prefix: tuple[str, ...], parsed: list) -> bool:
    """A word run inside a header has a steady length (a host, a program), not free text."""
    agreeing = [texts for kinds, texts in parsed if tuple(kinds[: len(prefix)]) == prefix]
    for pos, kind in enumerate(prefix):
        if kind != "W":
            continue
        runs = Counter(len(texts[pos]) for texts in agreeing)
        length, count = runs.most_common(1)[0]
        if count < 0.75 * len(agreeing) or max(runs) > MAX_WORD_RUN:
            return False
        if prefix[pos + 1 : pos + 2] == ("H",) and length > 1:
            # A field between tabs is one word (a logger, a caller); words with spaces before a
            # tab are a message that holds a tab.
            return False
    return True


def _shape(text: str) -> str:
    """A timestamp's shape as a regex: digit runs, letter runs, spaces, punctuation."""
    # Runs shrunk to one character keep the shape; many timestamps share a shrunk form.
    return _shape_of(_SPACES.sub(" ", _LETTERS.sub("a", _DIGITS.sub("0", text))))


_DIGITS = re.compile(r"\d+")
_LETTERS = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=4096)
def _shape_of(text: str) -> str:
    """_shape of a text whose runs are shrunk (see _shape)."""
    out = []
    for run in re.findall(r"\d+|[A-Za-z]+|\s+|.", text):
        if run[0].isdigit():
            out.append(r"[0-9]+")
        elif run[0].isalpha():
            out.append("[A-Za-z]+")
        elif run[0].isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(run))
    return "".join(out)


def _build(prefix: tuple[str, ...], parsed: list) -> Layout:
    """Turn the agreed prefix into a regex, each position allowing the types seen there."""
    agreeing = [(k, t) for k, t in parsed if tuple(k[: len(prefix)]) == prefix]
    parts: list[str] = []
    pieces: list[Piece] = []
    time_groups: list[str] = []
    level_done = component_done = glued_end = False
    for pos, kind in enumerate(prefix):
        # Types other lines show here when they agree everywhere else (a label that is
        # sometimes "-", an optional word): the position accepts those too.
        others = Counter(
            k[pos]
            for k, _ in parsed
            if len(k) > pos
            and k[pos] != kind
            and all(k[j] == prefix[j] for j in range(len(prefix)) if j != pos and j < len(k))
        )
        allowed = {kind} | {o for o, n in others.items() if n >= max(2, 0.01 * len(parsed))}
        texts = [t[pos] for _, t in agreeing]
        if kind == "T":
            stamps = [" ".join(x) for x in texts]
            colon = any(x.endswith("]:") for x in stamps)
            stamps = [x[:-1] if x.endswith("]:") else x for x in stamps]
            # A bracket holding the time and more (`[2023-04-01 09:00:57,784: INFO/Main]`):
            # the group takes the time, the rest of the bracket goes with it.
            held = [_bracket_time(x) for x in stamps]
            shapes = sorted({_shape(h or x) for h, x in zip(held, stamps, strict=True)})[:8]
            name = f"t{len(time_groups)}"
            time_groups.append(name)
            other = _generic(allowed - {"T"}, 1) if allowed - {"T"} else None
            leads = [_bracket_lead(x) for x in stamps]
            if all(held) and all(leads) and "L" not in prefix and not level_done:
                # The level first, then the time and more (`[I 2024-03-05 14:22:01 app:12]`).
                level_done = True
                lead = rf"(?P<level>(?i:{_LEVELS})|[TVDIWEF])"
                time = rf"\[{lead}\s+(?P<{name}>{'|'.join(shapes)})[\s:,]+[^\]]*\]"
                tokens = 0
            elif all(held) and not any(leads):
                # The rest may start with the level (`: INFO/MainProcess]`).
                tails = [x[len(h) + 1 : -1] for h, x in zip(held, stamps, strict=True) if h]
                level = ""
                if "L" not in prefix and not level_done and _mostly_levels(tails):
                    level_done = True
                    level = rf"\s*(?P<level>(?i:{_LEVELS}))?"
                time = rf"\[(?P<{name}>{'|'.join(shapes)})[\s:,]+{level}[^\]]*\]"
                tokens = 0
            else:
                time = rf"(?P<{name}>[\[<]?(?:{'|'.join(shapes)})[\]>]?)"
                # Each shape spans its spaces plus one tokens; others span one.
                spans = {s.count(r"\s+") + 1 for s in shapes}
                tokens = spans.pop() if len(spans) == 1 else 0
                if (other and (tokens != 1 or not _splittable(allowed - {"T"}))) or colon:
                    # The token split would keep the closing colon with the time.
                    tokens = 0
            part = rf"(?:{time}" + (f"|{other})" if other else ")") + (":?" if colon else "")
            parts.append(part)
            bracket = "B" in allowed
            longest = other is None and len(shapes) == 1
            pieces.append(
                Piece(part, tokens, name, time if other else None, bracket=bracket, longest=longest)
            )
        elif "L" in allowed and not level_done and not _constant_flag(texts):
            level_done = True
            # Any word in a fixed level position is the level field's value; after a run of
            # words only a level word can tell where the run ends.
            after_run = pos > 0 and prefix[pos - 1] == "W"
            # Without a time in the header, any word there would make every line's first word
            # a level (a traceback's `Traceback`, `File`): only a level word is one.
            known = after_run or "T" not in prefix
            word = rf"(?i:{_LEVELS})" if after_run else r"[A-Za-z]+[0-9]?"
            if known and not after_run:
                # logrus' and logcat's glued spellings (`DEBU[0000]`, `D/Tag`) count too.
                word = rf"(?:(?i:{_LEVELS})|{_GLUED_LEVELS})"
            if after_run and sum(len(t[0].strip("[]<>():")) == 1 for t in texts) > len(texts) / 2:
                # Levels written as one capital (WebSphere's `Client  W`), after words: any
                # capital there is the level field's value, known (W) or not (A for audit).
                word = rf"(?:{word}|[A-Z])"
            own = sorted({t[0] for t in texts if t[0].isalpha() and not _is_level(t[0])})
            if after_run and 0 < len(own) <= MAX_OWN_LEVELS:
                # A program's own level words seen here (see _own_levels) end the run too.
                word = rf"(?:{word}|{'|'.join(map(re.escape, own))})"
            other = _generic(allowed - {"L"}, 1) if allowed - {"L"} else None
            level = rf"[\[<(]?\s*(?P<level>{word})\s*[\]>)]?[:!]?"
            quoted = any(t[0].startswith('"') for t in texts)
            shared = sum(_holds_level(t[0][1:-1]) and not _is_level(t[0][1:-1].strip())
                       for t in texts if t[0].startswith("[")) > len(texts) / 2
            glog = sum(bool(_GLOG.fullmatch(t[0])) for t in texts) > len(texts) / 2
            marks = Counter(m.group(1) for t in texts if (m := _GLUED_LEVEL.fullmatch(t[0])))
            glued = sum(marks.values()) > len(texts) / 2
            if glued:
                char = marks.most_common(1)[0][0]
                mark = re.escape(char)
                level = rf"[^\s|:;,]*{mark}(?P<level>(?i:{_LEVELS}))"
                named = sum(t[0].endswith(char) for t in texts) > len(texts) / 2
                if char == ":" and named and "C" not in prefix and not component_done:
                    # Jetty's `:INFO:oejs.Server:main:`: a component between the marks.
                    component_done = True
                    level += r":(?P<component>[^\s|]*[^\s|:]):"
                else:
                    level += rf"{mark}?"
                glued_end = pos == len(prefix) - 1
            elif glog:
                level = r"(?P<level>[IWEF])(?:[0-9]{2})?[01][0-9][0-3][0-9]"
            elif quoted:
                level = rf'"\s*(?P<level>{word})\s*",?'
            elif shared:
                # The level is one word of the bracket: the first level word in it.
                level = rf"\[(?:[^\]]*?[\s/|])?(?P<level>(?i:{_LEVELS}))(?:[\s/|][^\]]*)?\]:?"
            part = f"(?:{level}" + (f"|{other})" if other else ")")
            parts.append(part)
            # The token split knows the bracketed spelling of a level only.
            plain = not (quoted or shared or glog or glued)
            tokens = 1 if _splittable(allowed - {"L"}) and plain else 0
            bracket = "B" in allowed
            longest = other is None and not known
            pieces.append(
                Piece(part, tokens, "level", level if other else None, True, bracket, 1, longest)
            )
        elif kind == "C" and not component_done and allowed == {"C"}:
            component_done = True
            parts.append(r"(?P<component>[^\s|]*[^\s|:]):")
            pieces.append(Piece(parts[-1], 1, "component", longest=True))
        else:
            words = max(len(x) for x in texts)
            parts.append(_generic(allowed, words))
            # A run of words is split only as the whole position; among others it is not.
            tokens = 1 if _splittable(allowed) and (words == 1 or allowed == {"W"}) else 0
            # One type's first match is its longest (a run of words tried on one token is
            # its first word).
            longest = len(allowed) == 1
            pieces.append(
                Piece(parts[-1], tokens, bracket="B" in allowed, words=words, longest=longest)
            )
    # A header ends at white space, unless its last token closes itself: a separator, a tab,
    # or the comma after a quoted field.
    closed = (
        prefix[-1] in "SH"
        or glued_end
        or all(t[len(prefix) - 1][-1].endswith('",') for _, t in agreeing)
    )
    pattern = "^" + parts[0]
    for pos in range(1, len(parts)):
        # Two tokens meet without a space only where punctuation ends or starts one: between a
        # letter or digit and another the space is required, or a run of digits could be cut
        # in two (a flow log's columns of numbers).
        ends = all(t[pos - 1][-1][-1:].isalnum() for _, t in agreeing)
        starts = all(t[pos][0][:1].isalnum() for _, t in agreeing)
        pattern += (r"\s+" if ends and starts else r"\s*") + parts[pos]
    pattern += r"\s*" if closed else r"(?:\s+|$)"
    if closed and prefix[-1] not in "SH":
        pieces = []  # the token split cuts at spaces only
    share = len(agreeing) / len(parsed)
    return Layout(pattern, tuple(time_groups), share, "".join(prefix), tuple(pieces))


def _constant_flag(texts: list[list[str]]) -> bool:
    """Whether a level position holds one severe letter on every line: a flag (a container
    runtime's F for a full line), since no log is FATAL or ERROR on every record."""
    letters = {t[0].strip("[]<>():") for t in texts}
    return len(letters) == 1 and letters <= {"F", "E", "W"}


def _splittable(allowed: set[str]) -> bool:
    """Whether the token split can take a position of these types: a key=value may quote
    spaces, a generic time may hold them, and a tab is no space-separated token (see
    tokensplit)."""
    return not allowed & {"K", "T", "H"}


def _generic(allowed: set[str], words: int) -> str:
    """A regex for a header position that may hold any of the allowed token types."""
    pieces = {
        "B": BRACKET,
        "S": r"(?:-{1,3}|\||::|:|>>|\u00bb|#{2,}|\*{2,}|={2,}|~{2,})",
        "H": r"\t",
        "N": r"[+-]?[0-9]+(?:\.[0-9]+)?",
        "C": r"[^\s|]*[^\s|:]:",
        "K": r'[\w.-]+=(?:"[^"]*"|\S*)',
        "T": r"\[?[0-9][0-9:./ T,+-]*[0-9]\]?",
        "L": r"[\[<(]?[A-Za-z]+[0-9]?[\]>)]?:?",
    }
    word = r"[^\s|:]+(?::[^\s|:]+)*" + (rf"(?:\s+[^\s|]+){{0,{words - 1}}}?" if words > 1 else "")
    options = [pieces[k] for k in sorted(allowed) if k in pieces]
    if "W" in allowed:
        options.append(word)
    return "(?:" + "|".join(options) + ")"
