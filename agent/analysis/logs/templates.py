"""Mine message templates: cluster the distinct masked messages by their stable tokens."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from agent.analysis.logs.masking import WILDCARD

# A token that is a variable whole: <*>, maybe behind a key (`uid=<*>`, `pid:<*>`) or before
# a closing punctuation mark.
_FULL = r"^(?:[\w.-]*[=:])?<\*>[:,;.]?$"
# A label before a dot leader ("depth.......<*>") names a field: it is a constant however many
# labels a table has.
_LABEL = r"^[\w-]*[A-Za-z]\.{2,}"
# Two or more variable-like tokens in a row: wildcards with no letters around them.
_VARIABLE_LIKE = r"[^\sA-Za-z]*<\*>[^\sA-Za-z]*"
_VARIABLE_RUN = rf"(^| ){_VARIABLE_LIKE}(?: {_VARIABLE_LIKE})+( |$)"
# A name with inner punctuation (`chrome.exe`, `node-a`): a value when a position takes many.
_NAMED = r"^[A-Za-z]\w*[._/-][\w./-]*$"
# An enum constant's spelling: a state, a method or an event name (RUNNING, GET, Started).
_STATE = r"^(?:[A-Z][A-Z_]*[A-Z]|[A-Z][a-z]+)$"
# A position whose values are all state names splits up to this many of them: names chosen
# from a fixed set are the events' words, where a user or host name is a value.
STATE_LIMIT = 12
# Token kinds, ranked.
WORD, LABEL, SHAPE, FULL = 0, 1, 2, 3
# Rounds of splitting parts further (each round is one pass over the cells).
_ROUNDS = 3


def cluster_templates(
    masked: Sequence[str] | pl.Series, weights: Sequence[int] | pl.Series, *, split_limit: int = 3
) -> tuple[list[int], list[str]]:
    """Cluster masked messages; return a cluster index per message and each cluster's template.

    Brain-style: within messages of the same token count, the tokens sharing a message's most
    common (position, token) frequency are its stable core; messages with the same core form a
    group, and other positions are constant (one value), an event split (few values) or a
    variable (many values, or already masked). Every step is a vectorized pass over the cells
    (message, position, token id), so the cost grows with the text, not with Python loops.
    """
    texts = pl.Series("m", masked, dtype=pl.String)
    if texts.str.contains(r"[^\S ]").any():
        texts = texts.str.replace_all(r"\s+", " ")
    frame = (
        pl.DataFrame({"toks": texts.str.split(" "), "w": pl.Series(weights, dtype=pl.Int64)})
        .with_row_index("i")
        .with_columns(pl.col("toks").list.filter(pl.element() != ""))
        .with_columns(pl.col("toks").list.len().cast(pl.Int64).alias("n"))
    )
    cells = (
        frame.filter(pl.col("n") > 0)
        .with_columns(pl.int_ranges(0, "n").alias("pos"))
        .explode("toks", "pos")
    )
    # Tokens become ids: every later pass compares integers, not strings.
    vocab = (
        cells.select(pl.col("toks").unique())
        .with_row_index("tid")
        .with_columns(
            pl.col("tid").cast(pl.Int64),
            # What a token is, as a rank a position takes the min and max of: a plain word,
            # a label before a dot leader, a shape with a variable inside, a whole variable.
            pl.when(pl.col("toks").str.contains(_FULL))
            .then(pl.lit(FULL, pl.Int8))
            .when(pl.col("toks").str.contains(_LABEL))
            .then(pl.lit(LABEL, pl.Int8))
            .when(pl.col("toks").str.contains(WILDCARD, literal=True))
            .then(pl.lit(SHAPE, pl.Int8))
            .otherwise(pl.lit(WORD, pl.Int8))
            .alias("kind"),
            pl.col("toks").str.contains(_NAMED).alias("named"),
        )
    )
    cells = cells.join(vocab.select("toks", "tid"), on="toks").select("i", "n", "w", "pos", "tid")
    wildcard = vocab.filter(pl.col("toks") == WILDCARD)["tid"]
    groups = _core_groups(frame, cells, wildcard[0] if len(wildcard) else -1)
    cells = cells.with_columns(
        vocab["kind"].gather(cells["tid"]), vocab["named"].gather(cells["tid"])
    )
    part_of, parts, named = _split_parts(cells, groups, vocab, split_limit)
    # A part's template keeps the tokens its messages agree on and puts <*> where they differ;
    # a part of one message is that message.
    shared = parts.filter(pl.col("size") > 1)["part"]
    agreed = (
        cells.with_columns(part_of.gather(cells["i"]).alias("part"))
        .filter(pl.col("part").is_in(shared.implode()))
        .group_by("part", "pos")
        .agg(
            pl.when(pl.col("tid").n_unique() == 1)
            .then(pl.col("tid").first())
            .otherwise(pl.lit(-1))
            .alias("tid")
        )
    )
    # A name that is a value elsewhere is a variable even where one message has it alone.
    agreed = agreed.with_columns(
        pl.when(pl.col("tid").is_in(named.implode())).then(-1).otherwise("tid").alias("tid")
    )
    words = pl.concat([vocab["toks"], pl.Series([WILDCARD])])
    agreed = (
        agreed.with_columns(words.gather(agreed["tid"].replace(-1, len(vocab))).alias("tok"))
        .sort("part", "pos")
        .group_by("part", maintain_order=True)
        .agg(pl.col("tok").str.join(" ").alias("template"))
    )
    # A lone message's names that are values elsewhere are variables in it too.
    values = vocab["toks"].gather(named).to_list()
    lone_tokens = pl.col("toks")
    if values:
        lone_tokens = lone_tokens.list.eval(
            pl.when(pl.element().is_in(values)).then(pl.lit(WILDCARD)).otherwise(pl.element())
        )
    alone = (
        frame.with_columns(part_of.alias("part"))
        .join(parts.filter(pl.col("size") == 1).select("part"), on="part")
        .select("part", lone_tokens.list.join(" ").alias("template"))
    )
    # Messages without tokens have no cells: their template is empty.
    table = (
        parts.select("part")
        .join(pl.concat([agreed, alone.select("part", "template")]), on="part", how="left")
        .sort("part")
        .with_columns(pl.col("template").fill_null(""))
    )
    weights = frame.group_by(part_of.alias("part")).agg(pl.col("w").sum()).sort("part")["w"]
    return _merge_same_templates(part_of, table["template"], parts["size"], weights)


def _split_parts(
    cells: pl.DataFrame, groups: pl.Series, vocab: pl.DataFrame, split_limit: int
) -> tuple[pl.Series, pl.DataFrame, pl.Series]:
    """Split core groups into parts on positions that take a few word values; return each
    message's part, the parts (part, size), numbered by group, then first message, and the
    names (token ids) found among many values.

    A position splits its group when it takes 2..split_limit values, none of them a whole
    variable (`<*>`, `key=<*>`), and no value is an instance of another's pattern (`rhost=<*>`
    covers `rhost=example.com`, but `(uid=<*>)` and `LOGIN(uid=<*>)` are different shapes);
    a position of labels before dot leaders splits however many labels it has.
    Splitting repeats inside the parts, because a part may settle a position its group could
    not (a whole variable there belonged to another event); a position with many values in a
    group stays a variable in its parts. A name with inner punctuation (`chrome.exe`) seen at
    a position of many values is a value: a position holding it does not split, so a small
    group where only two programs appear stays one event with the large one.
    """
    part_of = groups
    # Only cells of messages that share their part can split it.
    grouped = cells.filter(groups.is_duplicated().gather(cells["i"]))
    grouped = grouped.with_columns(groups.gather(grouped["i"]).alias("g"))
    many: pl.DataFrame | None = None
    named = pl.Series("tid", [], dtype=cells["tid"].dtype)
    for _ in range(_ROUNDS):
        stats = grouped.group_by("g", "pos").agg(
            pl.col("tid").n_unique().alias("values"),
            pl.col("kind").min().alias("low"),
            pl.col("kind").max().alias("high"),
        )
        stats = _with_states(stats, grouped, vocab, split_limit)
        few = (pl.col("values") <= split_limit) | (
            pl.col("states") & (pl.col("values") <= STATE_LIMIT)
        )
        if many is None:
            many = stats.filter(~few).select("g", "pos")
            grouped = grouped.with_columns(pl.col("g").alias("root"))
            named = grouped.join(many, on=["g", "pos"], how="semi").filter("named")["tid"].unique()
        else:
            stats = stats.join(grouped.group_by("g").agg(pl.col("root").first()), on="g")
            stats = stats.join(many.rename({"g": "root"}), on=["root", "pos"], how="anti").drop(
                "root"
            )
            stats = stats.filter(few)
        labels = (pl.col("low") == LABEL) & (pl.col("high") == LABEL)
        candidates = stats.filter(
            (pl.col("values") > 1)
            & (pl.col("high") < FULL)
            & (few | labels)
        )
        # A position holding a name seen among many values elsewhere is a variable too.
        candidates = candidates.join(
            grouped.filter("named")
            .filter(pl.col("tid").is_in(named.implode()))
            .select("g", "pos")
            .unique(),
            on=["g", "pos"],
            how="anti",
        )
        splits = pl.concat(
            [
                candidates.filter((pl.col("high") < SHAPE) | labels).select("g", "pos"),
                _distinct_shapes(
                    grouped, candidates.filter((pl.col("high") == SHAPE) & ~labels), vocab
                ),
            ]
        )
        if splits.is_empty():
            break
        # Next round, only positions left open here (a whole variable, overlapping shapes) in
        # the parts just split can split.
        left_open = (
            stats.filter((pl.col("values") > 1) & few)
            .select("g", "pos")
            .join(splits, on=["g", "pos"], how="anti")
        )
        keys = (
            grouped.join(splits, on=["g", "pos"], how="semi")
            .sort("i", "pos")
            .group_by("i", maintain_order=True)
            .agg(pl.col("tid").alias("key"))
        )
        labelled = (
            pl.DataFrame({"i": pl.int_range(0, len(part_of), eager=True), "g": part_of})
            .join(keys, on="i", how="left")
            .with_columns(pl.col("key").fill_null([]))
        )
        parts = (
            labelled.group_by("g", "key")
            .agg(pl.col("i").min().alias("first"))
            .sort("g", "first")
            .with_row_index("part")
        )
        part_of = (
            labelled.join(parts.select("g", "key", "part"), on=["g", "key"])
            .sort("i")["part"]
            .cast(pl.Int64)
        )
        grouped = grouped.join(left_open, on=["g", "pos"], how="semi").join(
            keys.select("i"), on="i", how="semi"
        )
        grouped = grouped.with_columns(part_of.gather(grouped["i"]).alias("g"))
    sizes = part_of.value_counts(name="size").rename({part_of.name: "part"}).sort("part")
    return part_of.rename("part"), sizes, named


def _with_states(
    stats: pl.DataFrame, grouped: pl.DataFrame, vocab: pl.DataFrame, split_limit: int
) -> pl.DataFrame:
    """Stats with a states column: whether every value at the position spells a state name.

    Only positions with more values than split_limit and at most STATE_LIMIT need the answer,
    so only their tokens are looked at.
    """
    maybe = stats.filter(pl.col("values").is_between(split_limit + 1, STATE_LIMIT))
    if maybe.is_empty():
        return stats.with_columns(pl.lit(False).alias("states"))
    values = grouped.join(maybe.select("g", "pos"), on=["g", "pos"], how="semi")
    values = values.select(
        "g", "pos", vocab["toks"].gather(values["tid"]).str.contains(_STATE).alias("states")
    )
    states = values.group_by("g", "pos").agg(pl.col("states").all())
    return stats.join(states, on=["g", "pos"], how="left").with_columns(
        pl.col("states").fill_null(False)
    )


def _ends_fit(lone: pl.DataFrame, shared: pl.DataFrame) -> pl.DataFrame:
    """The lone keys whose first and last tokens could fit a shared template of their length.

    One word differs at most, so each end equals the template's or the template has <*> there;
    this cheap test spares most lone keys the token-by-token one.
    """
    ends = [
        pl.col("key").str.count_matches(" ").alias("n"),
        pl.col("key").str.extract(r"^(\S*)").alias("first"),
        pl.col("key").str.extract(r"(\S*)$").alias("last"),
    ]
    mine = lone.with_columns(ends)
    theirs = shared.select(pl.col("home").alias("key")).select(ends).unique()
    fits = pl.concat(
        [
            mine.join(theirs, on=["n", "first", "last"], how="semi"),
            mine.join(
                theirs.filter(pl.col("first") == WILDCARD).drop("first"),
                on=["n", "last"],
                how="semi",
            ),
            mine.join(
                theirs.filter(pl.col("last") == WILDCARD).drop("last"),
                on=["n", "first"],
                how="semi",
            ),
        ]
    )
    return fits.unique("key").drop("n", "first", "last")


def _distinct_shapes(
    grouped: pl.DataFrame, candidates: pl.DataFrame, vocab: pl.DataFrame
) -> pl.DataFrame:
    """The candidate positions (g, pos) whose values are shapes of their own.

    Values are different shapes when no value instantiates another's pattern and their
    skeletons (names as one letter) differ: `bingbot/<*>;` and `Googlebot/<*>;` are one shape
    with a name that varies, `(uid=<*>)` and `LOGIN(uid=<*>)` are two.
    """
    if candidates.is_empty():
        return candidates.select("g", "pos")
    values = (
        grouped.join(candidates.select("g", "pos"), on=["g", "pos"], how="semi")
        .select("g", "pos", "tid")
        .unique()
    )
    values = values.with_columns(vocab["toks"].gather(values["tid"]).alias("tok"))
    skeletons = values.group_by("g", "pos").agg(
        (pl.col("tok").str.replace_all(r"\w+", "a").n_unique() == pl.len()).alias("distinct")
    )
    # Every ordered pair of values at a position: does the first, as a pattern, cover the
    # second? Its head and tail must fit around at least one character per wildcard; that is
    # the whole test for one wildcard, and patterns with more that pass it are checked in full.
    pieces = pl.col("tok").str.split(WILDCARD)
    patterns = values.filter(pl.col("tok").str.contains(WILDCARD, literal=True)).select(
        "g",
        "pos",
        pl.col("tok").alias("pattern"),
        pieces.list.first().alias("head"),
        pieces.list.last().alias("tail"),
        (pieces.list.len() - 1).alias("wilds"),
    )
    pairs = patterns.join(values.select("g", "pos", "tok"), on=["g", "pos"]).filter(
        (pl.col("pattern") != pl.col("tok"))
        & pl.col("tok").str.starts_with(pl.col("head"))
        & pl.col("tok").str.ends_with(pl.col("tail"))
        & (
            pl.col("tok").str.len_chars()
            >= pl.col("head").str.len_chars() + pl.col("tail").str.len_chars() + pl.col("wilds")
        )
    )
    several = pairs.filter(pl.col("wilds") > 1)
    if not several.is_empty():
        fits = [_glob_matches(a, b) for a, b in several.select("pattern", "tok").iter_rows()]
        pairs = pl.concat(
            [pairs.filter(pl.col("wilds") == 1), several.filter(pl.Series(fits, dtype=pl.Boolean))]
        )
    return (
        skeletons.filter("distinct")
        .join(pairs.select("g", "pos").unique(), on=["g", "pos"], how="anti")
        .select("g", "pos")
    )


def _glob_matches(pattern: str, text: str) -> bool:
    """Whether text fits pattern, each <*> standing for one or more characters.

    Greedy leftmost search of each literal piece is exact for this kind of pattern and takes
    linear passes, so hostile tokens cannot make it backtrack.
    """
    pieces = pattern.split(WILDCARD)
    head, tail = pieces[0], pieces[-1]
    end = len(text) - len(tail)
    if not text.startswith(head) or not text.endswith(tail) or end < len(head):
        return False
    at = len(head)
    for piece in pieces[1:-1]:
        found = text.find(piece, at + 1, end)
        if found < 0:
            return False
        at = found + len(piece)
    return end - at >= 1


def _core_groups(frame: pl.DataFrame, cells: pl.DataFrame, wildcard: int) -> pl.Series:
    """A group number per message: messages sharing token count and stable core.

    Each token's weight is the weighted count of its (token count, position, token) among all
    messages; a message's root is the weight most of its non-wildcard tokens share (the larger
    on a tie); its core is the tokens with that weight, in place. Messages without tokens form
    one group of their own, numbered last.
    """
    # (token count, position, token id) packed in one integer key: n and pos stay below 2**15
    # (messages are cut at 64 KB), token ids below 2**32.
    key = pl.col("n") * (1 << 48) + pl.col("pos") * (1 << 32) + pl.col("tid")
    cells = cells.with_columns(
        pl.when(pl.col("tid") == wildcard).then(0).otherwise(pl.col("w").sum().over(key)).alias("f")
    )
    # Weights stay below base (the total weight), so (message, weight) packs in one integer
    # key, and so does (count, weight) for the max: the most common weight, larger on a tie.
    # Sorted, the packed keys come in runs, one per (message, weight), whose lengths are the
    # counts, and the runs come in message order: a sort and a group on a sorted column cost a
    # third of hashing every cell and then every pair.
    base = int(frame["w"].sum()) + 1
    packed = cells.filter(pl.col("f") > 0).select(pl.col("i").cast(pl.Int64) * base + pl.col("f"))
    runs = packed.to_series().sort().rle().struct.unnest()
    shares = (
        runs.select(
            (pl.col("value") // base).set_sorted().alias("i"),
            (pl.col("len").cast(pl.Int64) * base + pl.col("value") % base).alias("score"),
        )
        .group_by("i")
        .agg(pl.col("score").max().alias("best"))
    )
    root = pl.Series("root", [None] * len(frame), dtype=pl.Int64).scatter(
        shares["i"], shares["best"] % base
    )
    keyed = (
        cells.with_columns(root.gather(cells["i"]).alias("root"))
        .with_columns(
            pl.when(pl.col("f") == pl.col("root")).then(pl.col("tid")).otherwise(-1).alias("core")
        )
        # Rows keep their order within a group: the core lists tokens in position order.
        .group_by("i")
        .agg(pl.col("n").first(), pl.col("core"))
    )
    empty = frame.filter(pl.col("n") == 0).select(
        "i", "n", pl.lit([], dtype=pl.List(pl.Int64)).alias("core")
    )
    keyed = pl.concat([keyed, empty])
    # Each group keeps its messages, so their numbers reach them by a scatter rather than by
    # joining on the core lists again.
    numbered = keyed.group_by("n", "core").agg(
        pl.col("i").min().alias("first"), pl.col("i").alias("members")
    )
    # Groups are numbered in the order of their first message; no tokens comes last.
    numbered = numbered.sort(pl.col("n") == 0, "first").with_row_index("g")
    members = numbered.select("g", "members").explode("members")
    groups = pl.Series("g", [], dtype=pl.UInt32).extend_constant(0, len(frame))
    return groups.scatter(members["members"], members["g"])


def _merge_same_templates(
    part_of: pl.Series, templates: pl.Series, sizes: pl.Series, weights: pl.Series
) -> tuple[list[int], list[str]]:
    """Give one id to parts whose templates read the same once runs of variables collapse.

    A variable-like token is wildcards with no letters around them (`<*>`, `*<*>`, `(<*>)`,
    `[<*>:<*>]`): a run of them is one variable span however many tokens the values took, so
    `chrome.exe *64 - ...` and `chrome.exe - ...` read the same once the name is a variable.
    A message alone in its template joins a more common template it matches but for one word
    where that template has a variable (see _lone_matches).
    """
    # Templates are tokens joined by single spaces.
    table = pl.DataFrame(
        {"template": templates, "size": sizes, "w": weights}, strict=False
    ).with_row_index("part")
    table = table.with_columns(
        pl.col("template").str.replace_all(_VARIABLE_RUN, "${1}<*>${2}").alias("key")
    )
    keys = table.group_by("key").agg(
        pl.col("part").min().alias("first"), pl.col("size").sum(), pl.col("w").sum()
    )
    home = _lone_matches(keys)
    keys = keys.join(home, on="key", how="left").with_columns(
        pl.coalesce("home", "key").alias("home")
    )
    ids = (
        keys.group_by("home")
        .agg(pl.col("first").min())
        .sort("first")
        .with_row_index("id")
        .join(keys.select("home", "key"), on="home")
    )
    table = table.join(ids.select("key", "id"), on="key").sort("part")
    firsts = ids.select("id", "first").unique().sort("id")["first"]
    merged = table["template"].gather(firsts)
    return table["id"].gather(part_of).to_list(), merged.to_list()


def _lone_matches(keys: pl.DataFrame) -> pl.DataFrame:
    """For template keys of one message: the key of a commoner template it fits (key, home).

    It fits when putting <*> for one of its words gives that template: the common template
    says the position is a variable, and one message cannot say otherwise. The template must
    keep at least two words of its own, so a bare `<*> <*>` takes nothing in.
    """
    lone = keys.filter(pl.col("size") == 1).select("key", "w")
    if lone.is_empty():
        return pl.DataFrame(schema={"key": pl.String, "home": pl.String})
    word = r"^[^<>]*[A-Za-z][^<>]*$"
    toks = pl.col("key").str.split(" ")
    shared = (
        keys.filter(pl.col("size") > 1)
        .select(pl.col("key").alias("home"), pl.col("w").alias("home_w"), toks.alias("toks"))
        .filter(pl.col("toks").list.eval(pl.element().str.contains(word)).list.sum() >= 2)
    )
    # Where the common templates have a whole variable, by token count and the tokens either
    # side: only there can a lone message's word be replaced (a replacement that would make a
    # run of variables is not tried).
    around = [
        pl.col("toks").list.len().alias("n"),
        pl.int_ranges(0, pl.col("toks").list.len()).alias("pos"),
        pl.col("toks").list.shift(1).alias("prev"),
        pl.col("toks").list.shift(-1).alias("next"),
    ]
    spots = ["n", "pos", "prev", "next"]
    slots = (
        shared.select("toks", *around)
        .explode("toks", "pos", "prev", "next")
        .filter(pl.col("toks") == WILDCARD)
        .select(spots)
        .unique()
    )
    lone = _ends_fit(lone, shared).with_columns(toks.alias("toks"))
    spotted = (
        lone.select("key", "toks", *around)
        .explode("toks", "pos", "prev", "next")
        .join(slots, on=spots, nulls_equal=True)
        .filter(pl.col("toks").str.contains(word))
        .select("key", "pos")
    )
    cands = (
        spotted.join(lone, on="key")
        .with_columns(
            pl.concat_list(
                pl.col("toks").list.head(pl.col("pos")),
                pl.lit([WILDCARD]),
                pl.col("toks").list.slice(pl.col("pos") + 1),
            )
            .list.join(" ")
            .alias("home")
        )
    )
    found = cands.join(shared.drop("toks"), on="home").filter(pl.col("home_w") > pl.col("w"))
    return (
        found.sort("home_w", descending=True)
        .group_by("key", maintain_order=True)
        .agg(pl.col("home").first())
    )
