"""Template rules on small logs made up here: masking by token type, splitting and merging."""

from __future__ import annotations

import random
import time

import polars as pl

from agent.analysis.logs import analyze_log
from agent.analysis.logs.masking import ascii_classes, mask_expr, mask_messages
from agent.analysis.logs.templates import _glob_matches, cluster_templates


def _mask(messages: list[str]) -> list[str]:
    return pl.DataFrame({"m": messages}).select(mask_expr(pl.col("m")))["m"].to_list()


def _clusters(weighted: dict[str, int]) -> list[set[str]]:
    """Cluster masked messages; return the sets of messages that share a template."""
    labels, _ = cluster_templates(list(weighted), list(weighted.values()))
    groups: dict[int, set[str]] = {}
    for message, label in zip(weighted, labels, strict=True):
        groups.setdefault(label, set()).add(message)
    return sorted(groups.values(), key=sorted)


def _template_ids(lines: list[str]) -> list[int]:
    report = analyze_log(("\n".join(lines) + "\n").encode())
    return report.records["template_id"].tolist()


# --- splitting ---------------------------------------------------------------------------------


def test_a_constant_prefix_on_a_variable_token_keeps_two_events_apart() -> None:
    users = ["ann", "ben", "cid", "dora", "eve", "finn"]
    lines = [
        f"2024-03-0{d} 10:00:00 INFO pam: session opened for {u} by (uid={d})"
        for d, u in enumerate(users, 1)
    ]
    lines.append("2024-03-07 10:00:00 INFO pam: session opened for root by CONSOLE(uid=0)")
    ids = _template_ids(lines)
    assert len(set(ids[:-1])) == 1
    assert ids[-1] != ids[0]


def test_a_keyed_variable_covers_a_plain_word_value_of_the_same_key() -> None:
    clusters = _clusters(
        {
            "login failed for user=<*> from=<*>": 40,
            "login failed for user=<*> from=gateway.example.net": 3,
        }
    )
    assert len(clusters) == 1


def test_a_pattern_with_several_variables_covers_a_value_it_fits() -> None:
    clusters = _clusters({"bound to (<*>:<*>) ok": 30, "bound to (local:main) ok": 2})
    assert len(clusters) == 1
    clusters = _clusters({"bound to (<*>:<*>) ok": 30, "bound to [local] ok": 2})
    assert len(clusters) == 2


def test_a_part_settles_a_position_its_group_could_not() -> None:
    # The whole variable at the third token belongs to the "dns:" event only: once "dns:" and
    # "keepalive:" are apart, "local"/"remote" is a word choice that makes two events.
    clusters = _clusters(
        {
            "probe <*>: dns: <*> addr: <*>": 10,
            "probe <*>: keepalive: local addr: <*>": 5,
            "probe <*>: keepalive: remote addr: <*>": 5,
        }
    )
    assert clusters == [
        {"probe <*>: dns: <*> addr: <*>"},
        {"probe <*>: keepalive: local addr: <*>"},
        {"probe <*>: keepalive: remote addr: <*>"},
    ]


def test_one_shape_with_a_name_that_varies_stays_one_event() -> None:
    # `crawler/<*>;` tokens differ only in the name before the variable: a field whose value
    # is a product and version, not two kinds of message.
    clusters = _clusters(
        {
            '"GET <*> HTTP/<*>" <*> "Mozilla/<*> (compatible; fetchbot/<*>; +<*>"': 30,
            '"GET <*> HTTP/<*>" <*> "Mozilla/<*> (compatible; Crawly/<*>; +<*>"': 20,
        }
    )
    assert len(clusters) == 1


def test_state_names_from_a_small_set_keep_their_events_apart() -> None:
    # Lifecycle and transition words are the events' own words, however many the set holds.
    states = ["Started", "Paused", "Resumed", "Stopped", "Suspended"]
    weighted = {f"[instance: <*>] VM {s} (Lifecycle Event)": 5 for s in states}
    pairs = [("NEW", "QUEUED"), ("QUEUED", "RUNNING"), ("RUNNING", "DONE"), ("RUNNING", "FAILED")]
    weighted |= {f"<*> Transitioned from {a} to {b}": 7 for a, b in pairs}
    assert len(_clusters(weighted)) == len(states) + len(pairs)


def test_lowercase_names_from_a_small_set_stay_one_variable() -> None:
    users = ["cyrus", "news", "test", "backup", "ftp"]
    assert len(_clusters({f"session closed for user {u}": 20 for u in users})) == 1


def test_a_position_with_many_values_in_its_group_stays_a_variable_in_the_parts() -> None:
    hosts = ["alpha", "bravo", "delta", "gamma", "kilo", "lima"]
    weighted = {f"link up on port <*> peer {h}": 4 for h in hosts}
    weighted |= {f"link down on port <*> peer {h}": 4 for h in hosts[:2]}
    clusters = _clusters(weighted)
    assert len(clusters) == 2
    assert {len(c) for c in clusters} == {6, 2}


def test_patterns_match_whole_tokens_with_one_or_more_characters_per_wildcard() -> None:
    assert _glob_matches("rhost=<*>", "rhost=example.com")
    assert _glob_matches("a<*>b<*>c", "a-b-b-c")
    assert not _glob_matches("rhost=<*>", "rhost=")
    assert not _glob_matches("(uid=<*>)", "LOGIN(uid=<*>)")
    assert not _glob_matches("<*>x<*>", "x")


def test_a_hostile_token_pattern_is_matched_in_linear_time() -> None:
    pattern = "<*>a" * 2000 + "<*>b"
    start = time.process_time()
    assert not _glob_matches(pattern, "a" * 20000)
    assert time.process_time() - start < 1.0


def test_labels_before_dot_leaders_are_constants_however_many_a_table_has() -> None:
    rows = ["cache depth", "cache threshold", "fetch width", "queue length", "retry limit"]
    lines = [
        f"2024-03-01 10:00:{i:02d} INFO boot: {row}{'.' * (20 - len(row))}{i % 3}"
        for i, row in enumerate(rows * 3)
    ]
    ids = _template_ids(lines)
    assert len(set(ids)) == len(rows)
    assert ids[: len(rows)] == ids[len(rows) : 2 * len(rows)]


# --- masking -----------------------------------------------------------------------------------


def test_ascii_spellings_mask_ascii_messages_exactly_as_the_unicode_patterns_do() -> None:
    # Made-up messages from the pieces masking tells apart, with every ASCII character
    # sprinkled in: a spelling that drifts from the Unicode pattern shows as a difference.
    pieces = list("0123456789abcdefXYZ.:/-_=\"'()[] <>~%@#+,\t?") + [
        "KB", "ms", " s ", "bytes", "12:30:45", "2024-01-02 ", "Jan 02 ", "0x1f", "://",
        "..", "MB/s", "a=b", "10.0.0.1:80", "fe80::1:2:3:4", "/var/log/x.log",
    ]  # fmt: skip
    every = [chr(i) for i in range(1, 128)]
    draw = random.Random(7)
    messages = [
        "".join(
            draw.choice(pieces) if draw.random() < 0.8 else draw.choice(every)
            for _ in range(draw.randint(1, 25))
        )
        for _ in range(20_000)
    ]
    frame = pl.DataFrame({"m": messages})
    unicode = frame.select(mask_expr(pl.col("m")))["m"]
    ascii = frame.select(mask_expr(pl.col("m"), ascii=True))["m"]
    assert (unicode != ascii).sum() == 0


def test_messages_with_other_scripts_keep_the_unicode_patterns() -> None:
    # Arabic-Indic digits are digits to the Unicode patterns, not to the ASCII spellings.
    messages = pl.Series("m", ["retry \u0663\u0664 done", "retry 34 done", "caf\u00e9 5 open"])
    assert mask_messages(messages).to_list() == [
        "retry <*> done",
        "retry <*> done",
        "caf\u00e9 <*> open",
    ]


def test_a_pattern_the_ascii_spelling_cannot_write_is_kept_as_it_is() -> None:
    assert ascii_classes(r"[^\w.-]\s\D") == r"[^0-9A-Za-z_.-][\t\n\x0B\x0C\r ][^0-9]"
    for pattern in (r"\d[^\S ]", r"\d\p{Greek}", r"\d[[:alpha:]]"):
        assert ascii_classes(pattern) == pattern


def test_a_quoted_token_with_structure_is_one_variable() -> None:
    masked = _mask(
        [
            'loading module "com.example.audit" from disk',
            "opened 'C:\\data\\x.db' read-only",
            'peer "10.1.2.3:7000" joined',
        ]
    )
    assert masked == ["loading module <*> from disk", "opened <*> read-only", "peer <*> joined"]


def test_a_request_target_with_a_query_string_is_one_variable() -> None:
    masked = _mask(
        ["GET /track.gif?user=ann&page=home OK", "GET /a/b?q=1 OK", "GET /robots.txt OK"]
    )
    assert masked == ["GET <*> OK", "GET <*> OK", "GET /robots.txt OK"]


def test_a_quoted_plain_word_and_a_quoted_phrase_keep_their_words() -> None:
    masked = _mask(["icon now in state 'Inactive'", 'request "GET /app/a.html HTTP/1.1" done'])
    assert masked == ["icon now in state 'Inactive'", 'request "GET <*> HTTP/<*>" done']


def test_quoted_state_names_that_repeat_stay_apart_as_events() -> None:
    lines = [
        f"2024-03-01 10:00:{i:02d} INFO ui: icon now in state '{state}'"
        for i, state in enumerate(["Active", "Inactive"] * 5)
    ]
    ids = _template_ids(lines)
    assert len(set(ids)) == 2


def test_a_quoted_phrase_given_to_a_key_is_one_value() -> None:
    masked = _mask(['lock tag="View Lock", uid=3', 'lock tag="*alarm*", uid=4', "say 'hi there'"])
    assert masked == ["lock tag=<*>, uid=<*>", 'lock tag="*alarm*", uid=<*>', "say 'hi there'"]


def test_a_mac_address_is_one_value_not_clock_times() -> None:
    assert _mask(["DHCPACK on 10.0.0.1 to 00:11:22:33:44:55 via eth1"]) == [
        "DHCPACK on <*> to <*> via <*>"
    ]


def test_two_quantities_in_a_row_are_both_masked() -> None:
    assert _mask(["skipped 12ms 999.1 GB ok", "rate 5 MB/s, 3 s left"]) == [
        "skipped <*> <*> ok",
        "rate <*>, <*> left",
    ]


def test_a_quantity_before_a_colon_is_masked_whole() -> None:
    assert _mask(["query took 12 sec: SELECT 1", "done in 3 ms; ok"]) == [
        "query took <*>: SELECT <*>",
        "done in <*>; ok",
    ]


def test_a_key_keeps_its_name_and_a_label_keeps_its_dot_leader() -> None:
    masked = _mask(["auth mode=fast uid=0 rhost=10.0.0.1 dir=/var/lib/x", "cache depth.....12"])
    assert masked == ["auth mode=fast uid=<*> rhost=<*> dir=<*>", "cache depth.....<*>"]


def test_digits_glued_to_a_date_like_run_are_not_a_timestamp() -> None:
    # "00589370 909900" reads like yyyymmdd hhmmss, but the second token goes on: masking it as
    # one timestamp would change the token count of this message only.
    masked = _mask(["header 00589370 90990003 00000002", "header 0064588e 8aff0003 00000002"])
    assert masked == ["header <*> <*> <*>", "header <*> <*> <*>"]
    assert _mask(["started 2024-03-01 10:00:00 ok"]) == ["started <*> ok"]


def test_an_optional_numeric_parenthetical_joins_its_variable_and_a_word_one_stays() -> None:
    masked = _mask(["took 5 ms (0.005 s) to flush", "took 7 ms to flush", "flush failed (timeout)"])
    assert masked == ["took <*> to flush", "took <*> to flush", "flush failed (timeout)"]


def test_a_value_glued_to_numbers_and_its_numeric_parenthetical_are_one_variable() -> None:
    masked = _mask(["peer 10.0.0.1:80x7 (3) up", "took 5ms(12) ok", "tag v2 (a1) ok"])
    assert masked == ["peer <*> up", "took <*> ok", "tag <*> ok"]


# --- merging -----------------------------------------------------------------------------------


def test_clusters_that_differ_only_in_a_variable_span_merge() -> None:
    # Some process names carry a "*64" marker: one token more, but the same message.
    plain = ["mail.app", "notes.app", "chat.app", "maps.app", "photos.app"]
    marked = ["game.app", "video.app", "build.app", "music.app"]
    lines = [
        f"[10.30 16:49:{i:02d}] {name} - files.example.org:443 close, {i} bytes sent"
        for i, name in enumerate(plain + [f"{m} *64" for m in marked])
    ]
    lines.append("[10.30 16:50:00] mail.app - files.example.org:443 open through proxy")
    ids = _template_ids(lines)
    assert len(set(ids[:-1])) == 1
    assert ids[-1] != ids[0]


def test_a_name_seen_among_many_values_is_a_variable_where_only_a_few_carry_a_marker() -> None:
    # Only two programs run as 64-bit here: their "*64" lines form a small group where the
    # name takes two values, but the same names vary freely in the main group.
    plain = ["mail.app", "notes.app", "chat.app", "maps.app", "photos.app", "video.app"]
    names = plain + ["mail.app *64", "chat.app *64"] * 3
    lines = [
        f"[10.30 16:49:{i:02d}] {name} - files.example.org:443 close, {i} bytes sent"
        for i, name in enumerate(names)
    ]
    assert len(set(_template_ids(lines))) == 1


def test_plain_words_seen_among_many_values_still_tell_events_apart() -> None:
    outcomes = ["ok", "failed", "timeout", "cancelled", "skipped"]
    weighted = {f"job <*> ended: {o}": 3 for o in outcomes}
    weighted |= {"probe <*> result ok now": 5, "probe <*> result failed now": 5}
    clusters = _clusters(weighted)
    assert {"probe <*> result ok now"} in clusters
    assert {"probe <*> result failed now"} in clusters


def test_a_lone_message_joins_the_template_it_fits_but_for_one_word() -> None:
    # The only "*64" line also names a rule no other line names: alone in its group, it still
    # reads as the common message once its rule is the variable the others have there.
    rules = ["alpha", "bravo", "delta", "gamma", "kilo", "lima"]
    matching = [
        f"matching {rules[i % 6]} rule : using proxy p.example.org:80" for i in range(30)
    ] + ["matching zulu rule : using proxy p.example.org:80"]
    others = [f"close, {i} bytes sent" if i % 3 else "open through proxy" for i in range(60)]
    # Half the other lines' programs carry the marker, so it is message, not header.
    programs = [f"app{i % 4}.exe" + " *64" * (i % 2) for i in range(60)]
    programs += [f"app{i % 4}.exe" for i in range(30)] + ["app1.exe *64"]
    lines = [
        f"[10.30 16:{i // 60:02d}:{i % 60:02d}] {program} - h{i}.example.org:443 {message}"
        for i, (program, message) in enumerate(zip(programs, others + matching, strict=True))
    ]
    ids = _template_ids(lines)
    assert len(set(ids[60:])) == 1
    assert ids[0] not in ids[60:]


def test_a_lone_message_differing_in_a_constant_word_stays_apart() -> None:
    clusters = _clusters(
        {
            "job <*> ended: ok after <*>": 40,
            "job <*> ended: failed after <*>": 30,
            "job <*> ended: skipped after <*>": 1,
        }
    )
    assert len(clusters) == 3


def test_an_empty_bracket_or_parenthesis_becomes_a_variable_inside_its_brackets() -> None:
    assert _mask(["queue [] is empty", "args () given", "queue [12] is full", "end []"]) == [
        "queue [<*>] is empty",
        "args (<*>) given",
        "queue [<*>] is full",
        "end [<*>]",
    ]


def test_fields_after_a_tab_that_ends_a_message_are_one_variable() -> None:
    assert _mask(
        [
            '"Saved the game"\t"cn=amadmin,ou=Users"\t"863f"',
            "Worker started\t{\"attempt\": 4, \"pool\": \"db\"}",
        ]
    ) == ['"Saved the game" <*>', "Worker started <*>"]


def test_columns_after_a_single_token_keep_their_own_masking() -> None:
    # A line of columns (Zeek's) is not a message with fields.
    assert _mask(["1320279566.45\tCwFs\tGET\t/index.html"]) == ["<*>\tCwFs\tGET\t/index.html"]



def test_a_signed_quantity_with_its_unit_is_one_variable_as_an_unsigned_one_is() -> None:
    signed, unsigned, offset = _mask(
        ["skew of -37 ms against peer", "skew of 37 ms against peer", "offset +2.5 s applied"]
    )
    assert signed == unsigned == "skew of <*> against peer"
    assert offset == "offset <*> applied"


def test_a_windows_path_with_spaces_in_its_folders_is_one_variable() -> None:
    spaced, plain = _mask(
        [r"opened C:\Program Files\Acme App\data\orders.db with 64MB cache",
         r"opened C:\data\x.db with 64MB cache"]
    )
    assert spaced == plain == "opened <*> with <*> cache"
