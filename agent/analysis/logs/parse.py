"""Parse a log chunk by chunk: split lines into header fields, detect formats, mine templates."""

from __future__ import annotations

import functools
import threading
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from agent.analysis.logs.continuation import embedded_traces, split_unclaimed
from agent.analysis.logs.fields import (
    LEVEL_WORDS,
    TIME_ONLY,
    TIME_ONLY_12,
    YEARLESS,
    after_label,
    bracketed_level,
    choose_timestamp_format,
    has_year,
    infer_dates,
    infer_level,
    infer_years,
    json_level,
    labelled_level,
    labelled_levels,
    normalise_levels,
    parse_timestamps,
    titled_level,
)
from agent.analysis.logs.formats import (
    LogFormat,
    detect_format,
    multi_line,
    split_lines,
    starts_record,
)
from agent.analysis.logs.masking import mask_messages
from agent.analysis.logs.read import Chunk, ReadState, split_chunk
from agent.analysis.logs.templates import cluster_templates

MAX_MESSAGE_CHARS = 65536
MAX_FORMATS = 12
SAMPLE_LINES = 2000
# Share of lines indented above which indentation is the file's style (see _add).
INDENTED_SHARE = 0.95
# Share of a format's sample messages that must start with a level label for the words up
# to the label to count as header (see ParsedLog.labelled).
LABELLED_SHARE = 0.8
# Share of a format's sample messages opening with a capitalised label (see titled_level) for
# the label to be looked for in its records: most formats have none, and looking costs.
TITLED_SHARE = 0.01
# Lines, spread over a chunk, that a format must all claim to be split without a match test.
PROBE_LINES = 200


# An enum, not text: it is compared on every record once the file is read.
GUESSED = pl.Enum(["year", "date"])
_EMPTY_RECORDS = pl.DataFrame(
    schema={
        "line": pl.UInt32,
        "timestamp": pl.Datetime("us"),
        # What the timestamp lacked and was guessed later: "year", "date" or null.
        "guessed": GUESSED,
        "level": pl.String,
        "component": pl.String,
        "message": pl.String,
    }
)


class ParsedLog:
    """Accumulates parsed chunks: record start lines and continuation lines, kept apart."""

    def __init__(self) -> None:
        self.formats: list[LogFormat] = []
        self.layouts: dict[str, tuple[str | None, str | None]] = {}
        # Each format's timestamp parsers, built once (building one tests which normalisation
        # steps the detection sample needs, which costs more than a chunk's use of it): the
        # one with those steps and the one with every step (see _refill).
        self.stamps: dict[str, tuple[pl.Expr, pl.Expr]] = {}
        # Formats whose messages nearly all start with a level label after a few words: those
        # words and the label are header (a PostgreSQL log_line_prefix), the rest the message.
        self.labelled: set[str] = set()
        self.titled: set[str] = set()
        # A block log (see formats.multi_line): every line without a header continues the
        # record above it.
        self.blocks = False
        self.records: dict[int, pl.DataFrame] = {}
        # Per chunk: the distinct masked messages (mid, masked, len); records point at them.
        self.masks: dict[int, pl.DataFrame] = {}
        self.extra: dict[int, pl.DataFrame] = {}
        # The source-name prefix of merged output (see _source_prefix): None until the first
        # chunk decides, "" when the file has none.
        self.source_prefix: str | None = None
        # Per chunk: the stack traces JSON records hold in a value (see embedded_traces).
        self.traces: dict[int, pl.DataFrame] = {}
        # Guards formats. A chunk detects a new format only once every earlier chunk has settled
        # which lines its formats claim, so formats are adopted in file order whatever the
        # thread timing: the output does not depend on it.
        self.lock = threading.Condition()
        self.unfinished: set[int] = set()
        self.joined = pl.DataFrame(schema={"line": pl.UInt32, "more": pl.String})
        # The templates' texts, once finished: the text of template id i at row i.
        self.templates = pl.Series("template", [], dtype=pl.String)
        self.lines = 0
        self.bad_utf8 = False
        self.long_lines: list[tuple[int, int]] = []

    def prepare(self, chunk: Chunk, state: ReadState) -> tuple[pl.DataFrame, int]:
        """Split a chunk into its numbered lines, claiming their numbers: the lines (line, raw,
        and source where they carry one) and the offset the first one's number follows.

        Called in file order, by the thread reading the chunks: the split needs no format, so
        it runs there, and is done when the chunk reaches a worker (at the start of a file,
        while the first chunk detects the formats and the others wait for them).
        """
        lines, replaced = split_chunk(chunk)
        if replaced and not self.bad_utf8:
            self.bad_utf8 = True
            state.warnings.append("Some bytes were not valid UTF-8; they were replaced by \ufffd.")
        if b"\x1b" in chunk:
            # Colour codes (ANSI escapes) are presentation, not content.
            lines = lines.str.replace_all(r"\x1b\[[0-9;]*[A-Za-z]", "")
        if _indented_throughout(lines):
            # Every line indented before a number or a bracket (a listing with line numbers,
            # a pasted block): the indent is the file's, not a sign of continuation.
            lines = lines.str.strip_chars_start()
        offset = self.lines
        self.lines += len(lines)
        with self.lock:
            self.unfinished.add(offset)
        columns = {"raw": lines}
        if self.source_prefix is None and len(lines) >= 2:
            # Decided once, on the first chunk, for the whole file: how a line is read must not
            # depend on where the chunks happen to be cut.
            self.source_prefix = _source_prefix(lines) or ""
        prefix = self.source_prefix
        if prefix:
            # Several programs' output merged, each line behind its source's name (`docker
            # compose logs`' `web-1  | `, `kubectl logs --prefix`'s `[pod/web-1/app] `): the
            # name is the record's component, and each program's own lines (its header, its
            # tracebacks) are read without it.
            columns = {
                "raw": lines.str.replace(prefix, ""),
                "source": lines.str.extract(prefix, 1),
            }
        frame = pl.DataFrame(columns).with_row_index("line", offset=offset + 1)
        frame = frame.filter(pl.col("raw").str.len_bytes() > 0)
        long = frame["raw"].str.len_bytes() > MAX_MESSAGE_CHARS
        if long.any():
            for line, raw in frame.filter(long).head(5).iter_rows():
                self.long_lines.append((line, len(raw.encode())))
            frame = frame.with_columns(pl.col("raw").str.slice(0, MAX_MESSAGE_CHARS))
        return frame, offset

    def add(self, frame: pl.DataFrame, offset: int, state: ReadState) -> None:
        """Parse the lines prepare made of one chunk."""
        try:
            self._add(frame, offset, state)
        finally:
            with self.lock:
                self.unfinished.discard(offset)
                self.lock.notify_all()

    def _add(self, frame: pl.DataFrame, offset: int, state: ReadState) -> None:
        """Parse a chunk's lines (see add)."""
        records, rest = self._parse(frame, offset, state)
        traces = embedded_traces(frame)
        if not traces.is_empty():
            self.traces[offset] = traces
        # Masking runs here, per chunk and in parallel; only the distinct masked forms of all
        # chunks are clustered at the end.
        self.records[offset], self.masks[offset] = label_messages(records)
        if not rest.is_empty():
            self.extra[offset] = rest

    def _parse(
        self, frame: pl.DataFrame, offset: int, state: ReadState
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Parse with the formats seen so far; detect another when many lines fit none of them.

        Logs concatenated from several sources change format midway; lines that fit no format
        and are few are continuation lines of the record above.
        """
        claimed: list[tuple[LogFormat, pl.DataFrame]] = []
        found: list[pl.DataFrame] = []
        rest = frame
        index = 0
        while not rest.is_empty():
            if index == len(self.formats):
                # Earlier chunks may still adopt formats; later ones wait for this one. A chunk
                # that must wait extracts the lines it has claimed meanwhile, and goes on as
                # soon as a format is adopted: while the first chunk detects the file's formats
                # one by one, the second applies each as it comes instead of idling.
                with self.lock:
                    waiting = not self._may_go_on(index, offset)
                if waiting:
                    found.extend(self._extract_all(claimed[len(found) :]))
                    with self.lock:
                        self.lock.wait_for(functools.partial(self._may_go_on, index, offset))
                if index < len(self.formats):
                    # Another chunk found a format meanwhile: try it before detecting.
                    continue
                candidates = rest["raw"].filter(~rest["raw"].str.contains(r"^\s"))
                if self.formats and len(candidates) < max(50, 0.02 * len(frame)):
                    break
                # Only the first unfinished chunk gets here, and only it adopts formats: it
                # detects without holding the lock, so that a chunk waiting for the format
                # takes the lock and extracts what it has claimed meanwhile.
                fmt = detect_format(candidates.head(SAMPLE_LINES).to_list())
                known = fmt in self.formats or len(self.formats) >= MAX_FORMATS
                if known or (fmt.name == "plain" and self.formats):
                    break
                self._adopt(fmt, candidates.head(SAMPLE_LINES), state, rest["raw"])
                with self.lock:
                    self.lock.notify_all()
            fmt = self.formats[index]
            index += 1
            lines = rest["raw"]
            if starts_record(fmt, lines.gather_every(max(1, len(lines) // PROBE_LINES))).all():
                # The format seems to claim every line: one pass splits them and tells which
                # it claims, instead of a match test and then the split on the same lines.
                fields = split_lines(fmt, lines)
                matched = fields["msg"].is_not_null()
                split = pl.concat([rest, fields], how="horizontal")
                if not matched.all():
                    split = split.filter(matched)
            else:
                # A cheap match test first: the split then runs only on the lines it claims.
                matched = starts_record(fmt, lines)
                split = rest.filter(matched)
            if split.is_empty():
                continue
            claimed.append((fmt, split))
            rest = rest.filter(~matched)
        # Which format claims which line is settled: later chunks may detect formats now, while
        # this one splits the lines not split yet and extracts the fields.
        with self.lock:
            self.unfinished.discard(offset)
            self.lock.notify_all()
        found.extend(self._extract_all(claimed[len(found) :]))
        records = pl.concat(found).sort("line") if found else _EMPTY_RECORDS
        return records, rest

    def _may_go_on(self, index: int, offset: int) -> bool:
        """Whether the chunk at offset may try format index, or detect one (holds the lock)."""
        return index < len(self.formats) or min(self.unfinished, default=offset) >= offset

    def _extract_all(self, claimed: list[tuple[LogFormat, pl.DataFrame]]) -> list[pl.DataFrame]:
        """Split (where not split yet) and extract the lines each format claimed."""
        return [
            self._extract(
                fmt,
                parsed
                if "msg" in parsed.columns
                else pl.concat([parsed, split_lines(fmt, parsed["raw"])], how="horizontal"),
            )
            for fmt, parsed in claimed
        ]

    def _extract(self, fmt: LogFormat, parsed: pl.DataFrame) -> pl.DataFrame:
        """Typed timestamp and normalised level of the lines a format claimed and split."""
        layout, donor = self.layouts[fmt.name]
        timestamp, full = self.stamps[fmt.name]
        keys = ["ts"] if donor is None else ["ts", "ts2"]
        parsed = _per_distinct(parsed, keys, timestamp.alias("timestamp"))
        parsed = _refill(parsed, full)
        levels = [
            c
            for c in ("level", "pri", "status", "component")
            if parsed[c].null_count() < len(parsed)
        ]
        parsed = _per_distinct(parsed, levels, normalise_levels(parsed).alias("norm_level"))
        if fmt.name in self.labelled:
            parsed = parsed.with_columns(
                pl.coalesce(labelled_level(pl.col("msg")), "norm_level").alias("norm_level"),
                after_label(pl.col("msg")).alias("msg"),
            )
        elif "level" not in levels:
            # No level field: a level the message states as a label, or as a JSON object's
            # key, is the record's own.
            stated = [labelled_levels(parsed["msg"]), bracketed_level(pl.col("msg"))]
            if fmt.name in self.titled:
                after = pl.col("component").is_not_null()
                stated.append(pl.when(after).then(titled_level(pl.col("msg"))))
            if parsed["msg"].str.starts_with("{").any():
                stated.append(json_level(pl.col("msg")))
            parsed = parsed.with_columns(pl.coalesce("norm_level", *stated).alias("norm_level"))
        component = pl.col("component")
        if "source" in parsed.columns:
            component = pl.coalesce("source", component).alias("component")
        return parsed.select(
            "line",
            "timestamp",
            pl.lit(_guessed(layout, donor), dtype=GUESSED).alias("guessed"),
            pl.col("norm_level").alias("level"),
            component,
            # A line that is all header is its own message: a message is never empty.
            pl.when(pl.col("msg").str.len_bytes() > 0)
            .then(pl.col("msg"))
            .otherwise(pl.col("raw"))
            .alias("message"),
        )

    def _adopt(
        self, fmt: LogFormat, sample: pl.Series, state: ReadState, lines: pl.Series
    ) -> None:
        """Start using a newly detected format, with the timestamp layout of its sample
        (`lines`: the lines it was drawn from, indented ones included). The format is listed
        last, once all it needs is in place: other chunks take it from the list."""
        fields = split_lines(fmt, sample)
        layout = choose_timestamp_format(fields["ts"])
        donor = choose_timestamp_format(fields["ts2"]) if fmt.times[1] else None
        self.layouts[fmt.name] = (layout, donor)
        # The normalisation steps are the ones the sample needed; timestamps that then fail to
        # parse are parsed again with every step (see _refill).
        donated = (pl.col("ts2"), donor) if donor is not None else None
        self.stamps[fmt.name] = (
            parse_timestamps(pl.col("ts"), layout, fields["ts"].drop_nulls(), donor=donated),
            parse_timestamps(pl.col("ts"), layout, donor=donated),
        )
        if fmt.name == "timestamp-block":
            # Detected as blocks (see formats._block_format).
            self.blocks = True
        elif not self.formats and 0 < fields["msg"].null_count() < len(sample):
            # Records whose lines without a header follow each of them: a block log.
            self.blocks = multi_line(starts_record(fmt, lines.head(SAMPLE_LINES)))
        messages = fields["msg"].drop_nulls()
        if fields["level"].is_null().all() and len(messages):
            stated = labelled_levels(messages).is_not_null().mean() or 0.0
            if float(stated) >= LABELLED_SHARE:
                self.labelled.add(fmt.name)
        if fields["level"].is_null().all() and fields["component"].is_not_null().any():
            titled = fields.select(
                pl.when(pl.col("component").is_not_null()).then(titled_level(pl.col("msg")))
            ).to_series()
            if titled.is_not_null().mean() >= TITLED_SHARE:
                self.titled.add(fmt.name)
        self.formats.append(fmt)

    @property
    def format_name(self) -> str:
        """The detected format, or the formats in order of appearance for a mixed log."""
        if len(self.formats) == 1:
            return self.formats[0].name
        return "mixed: " + ", ".join(f.name for f in self.formats) if self.formats else "plain"

    def finish(self, state: ReadState) -> pl.DataFrame:
        """Concatenate records, attach continuation lines and assign templates (their texts
        are left in self.templates)."""
        chunks, masks, base = [], [], 0
        for key in sorted(self.records):
            # Number the masked forms of all chunks in one sequence.
            chunks.append(self.records[key].with_columns(pl.col("mid") + base))
            masks.append(self.masks[key].with_columns(pl.col("mid") + base))
            base += len(self.masks[key])
        records = pl.concat(chunks)
        self.records, self.masks = {}, {}
        for line, size in self.long_lines:
            state.warnings.append(
                f"Line {line} is {size / 1e6:.1f} MB long; only its first "
                f"{MAX_MESSAGE_CHARS // 1024} KB were analysed."
            )
        if self.extra:
            extra = pl.concat([self.extra[k] for k in sorted(self.extra)])
            records, self.joined = split_unclaimed(records, extra, blocks=self.blocks)
            self.extra = {}
            whole = None
            if self.blocks and not self.joined.is_empty():
                # A block's template is that of all its lines (a slow query's statement, an
                # alert log's event): its first line is often its time and little else.
                whole = records.join(self.joined, on="line").select(
                    "line", (pl.col("message") + "\n" + pl.col("more")).alias("whole")
                )
                records = records.with_columns(
                    pl.when(pl.col("line").is_in(whole["line"].implode()))
                    .then(None)
                    .otherwise(pl.col("mid"))
                    .alias("mid")
                )
            unlabelled = records["mid"].is_null()
            if unlabelled.any():
                # Lines without a header that are records of their own, and blocks.
                todo = records.filter(unlabelled).drop("mid")
                if whole is not None:
                    todo = todo.join(whole, on="line", how="left").with_columns(
                        pl.coalesce("whole", "message").alias("message")
                    )
                new, new_masks = label_messages(todo.drop("whole", strict=False))
                new = new.with_columns(
                    pl.col("mid") + base, records.filter(unlabelled)["message"].alias("message")
                )
                new_masks = new_masks.with_columns(pl.col("mid") + base)
                records = pl.concat([records.filter(~unlabelled), new]).sort("line")
                masks.append(new_masks)
        if self.traces:
            # A JSON record's trace follows its message as continuation lines would, unless
            # the message holds it already.
            traces = pl.concat([self.traces[k] for k in sorted(self.traces)]).join(
                records.select("line", "message"), on="line"
            )
            first = pl.col("more").str.split("\n").list.first()
            traces = traces.filter(~pl.col("message").str.contains(first, literal=True))
            self.joined = (
                pl.concat([self.joined, traces.select("line", "more")])
                .group_by("line", maintain_order=True)
                .agg(pl.col("more").str.join("\n"))
                .sort("line")
            )
            self.traces = {}
        # The years or dates guessed and the templates read different columns, and both run
        # in polars, which releases the GIL: they overlap.
        with ThreadPoolExecutor(max_workers=1) as helper:
            dated = helper.submit(_guess_dates, records.select("timestamp", "guessed"), state)
            records, self.templates = assign_templates(records.drop("guessed"), pl.concat(masks))
            return records.with_columns(dated.result()["timestamp"])


# A source's name before each line of merged output: before a bar (`web-1  | `,
# `worker_2 | `), or a path in brackets (`[pod/web-6d4cf/app] `).
SOURCE_PREFIXES = (
    r"^([A-Za-z0-9][\w.\-]{0,62}?) *\| ",
    r"^\[([\w.\-]+(?:/[\w.\-]+)+)\] ",
)
# Share of lines that must carry such a prefix, and how many sources it may name at most.
SOURCE_SHARE = 0.95
MAX_SOURCES = 64


def _source_prefix(lines: pl.Series) -> str | None:
    """The source prefix nearly all of a sample of the lines open with, if any: the names
    few, and no part of one a level (`INFO | ...`, `[main/INFO] ` are a header's level)."""
    sample = lines.gather_every(max(1, len(lines) // SAMPLE_LINES))
    sample = sample.filter(sample.str.len_bytes() > 0)
    if len(sample) < 2:
        return None
    for prefix in SOURCE_PREFIXES:
        names = sample.str.extract(prefix, 1)
        if names.null_count() > (1 - SOURCE_SHARE) * len(sample):
            continue
        distinct = names.drop_nulls().unique()
        parts = distinct.str.to_uppercase().str.split("/").explode()
        if len(distinct) <= MAX_SOURCES and not parts.is_in(list(LEVEL_WORDS)).any():
            return prefix
    return None


def _indented_throughout(lines: pl.Series) -> bool:
    """Whether nearly all of a sample of the lines are indented before a number or bracket."""
    sample = lines.gather_every(max(1, len(lines) // SAMPLE_LINES))
    sample = sample.filter(sample.str.len_bytes() > 0)
    if len(sample) < 2:
        return False
    indented = sample.str.contains(r"^\s").mean() or 0.0
    numbered = sample.str.contains(r"^\s*[0-9\[]").mean() or 0.0
    return indented >= INDENTED_SHARE and numbered >= 0.8


def _guessed(layout: str | None, donor: str | None) -> str | None:
    """What a layout's timestamps lack, to be guessed once the whole file is read."""
    if layout in YEARLESS and donor is None:
        return "year"
    if layout in (TIME_ONLY, TIME_ONLY_12) and not has_year(donor):
        return "date"
    return None


def _guess_dates(records: pl.DataFrame, state: ReadState) -> pl.DataFrame:
    """Set the year, or the date, of timestamps written without one, so time runs forward."""
    for kind, infer, warning in (
        (
            "year",
            infer_years,
            "Timestamps carry no year: years were inferred so that time runs "
            "forward, ending in the current year.",
        ),
        (
            "date",
            infer_dates,
            "Timestamps carry no date: dates were inferred so that time runs "
            "forward, ending today.",
        ),
    ):
        guessed = records["guessed"].eq(kind).fill_null(False)
        if not guessed.any():
            continue
        state.warnings.append(warning)
        stamps = (
            records["timestamp"].set(~guessed, None) if not guessed.all() else records["timestamp"]
        )
        fixed = infer(stamps)
        records = records.with_columns(
            pl.when(guessed).then(fixed).otherwise(pl.col("timestamp")).alias("timestamp")
        )
    return records.drop("guessed")


def _refill(parsed: pl.DataFrame, full: pl.Expr) -> pl.DataFrame:
    """Parse again, with full, the timestamps that are present but did not parse."""
    missed = parsed["timestamp"].is_null() & parsed["ts"].is_not_null()
    if not missed.any():
        return parsed
    rows = missed.arg_true()
    fixed = parsed[rows].select(full).to_series()
    stamps = parsed["timestamp"].clone().scatter(rows, fixed)
    return parsed.with_columns(stamps)


def _per_distinct(frame: pl.DataFrame, keys: list[str], expr: pl.Expr) -> pl.DataFrame:
    """Add expr's column, computed once per distinct combination of keys when they repeat."""
    # Second-resolution timestamps and levels repeat a lot; sub-second timestamps may not, and
    # then a unique and a join cost more than computing expr on every row. The distinct keys
    # are counted over the whole frame (a hash pass, a few percent of expr's cost): the first
    # lines of a chunk need not repeat as the rest does (a busy second, a file appended).
    if not keys:
        return frame.with_columns(expr)
    distinct = frame.select(keys).unique()
    if len(distinct) > 0.5 * len(frame):
        return frame.with_columns(expr)
    distinct = distinct.with_columns(expr)
    return frame.join(distinct, on=keys, how="left", nulls_equal=True, maintain_order="left")


def label_messages(records: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mask each distinct message once; give records the id (mid) of their masked form.

    Returns the records with a mid column, and the masked forms: mid, masked, len (records).
    """
    distinct = records.group_by("message").len()
    distinct = distinct.with_columns(
        mask_messages(distinct["message"].str.strip_chars()).alias("masked")
    )
    masks = (
        distinct.group_by("masked")
        .agg(pl.col("len").sum())
        .with_row_index("mid")
        .with_columns(pl.col("mid").cast(pl.UInt32))
    )
    ids = distinct.join(masks.select("masked", "mid"), on="masked").select("message", "mid")
    records = records.join(ids, on="message", how="left", maintain_order="left")
    return records, masks


def assign_templates(
    records: pl.DataFrame, masks: pl.DataFrame
) -> tuple[pl.DataFrame, pl.Series]:
    """Cluster the distinct masked forms; give each record its template id and word level.

    Returns the records and the templates' texts, the text of template id i at row i.
    """
    # Each distinct form keeps the ids (mids) of the chunks' forms behind it: the labels reach
    # every mid by exploding them, not by joining all the forms' text again.
    masked = masks.group_by("masked").agg(pl.col("len").sum(), pl.col("mid")).sort("masked")
    # Masking keeps words, so a level read from the words of each distinct masked message is
    # the level of every message behind it, for a fraction of the work.
    masked = masked.with_columns(infer_level(pl.col("masked")).alias("word_level"))
    # The columns go in as they are: lists would make a Python object of every distinct message.
    labels, templates = cluster_templates(masked["masked"], masked["len"])
    ids = pl.Series("template_id", labels, dtype=pl.Int64)
    # mids run 0..n-1: once sorted, row i holds mid i, and a gather maps records to it.
    by_mid = masked.select("mid", ids, "word_level").explode("mid").sort("mid")
    table = pl.Series("template", templates, dtype=pl.String)
    mids = records["mid"]
    # The texts stay in the table: a column of them for every record would be gathered only
    # for the report to take one per template.
    records = records.drop("mid").with_columns(
        by_mid["template_id"].gather(mids), by_mid["word_level"].gather(mids)
    )
    return records, table
