"""Index a folder of documents (Markdown, reST, HTML, text), one object per section.

A section runs from a heading to the next heading of any level; its name is the path of
headings that leads to it, so a hit reads `docs/tutorial.md#Query parameters > Defaults`.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy.orm import Session

from agent.docs.environment import EnvironmentUnavailable
from agent.docs.extract import DOC_CHARS
from agent.docs.indexer import READER, words_of
from db import docs as store

SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".rst": "rest", ".txt": "text",
            ".html": "html", ".htm": "html"}
MAX_FILE_BYTES = 5_000_000
MAX_FILES = 20_000
SKIPPED_DIRS = {".git", "node_modules", "__pycache__", ".venv", "venv", "site-packages"}
MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1{2,}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass(frozen=True)
class Section:
    """A heading path and the text under it."""

    title: str
    text: str
    line: int


@dataclass(frozen=True)
class FolderReport:
    """What indexing a folder did."""

    folder: str
    files: int
    sections: int
    unchanged: bool


def markdown_sections(text: str) -> Iterator[Section]:
    """Sections of Markdown, by ATX heading (headings inside code fences are code)."""
    yield from by_headings(text.splitlines(), markdown_heading)


def markdown_heading(lines: list[str], i: int, fenced: bool) -> tuple[int, str] | None:
    match = MD_HEADING.match(lines[i]) if not fenced else None
    return (len(match.group(1)), match.group(2)) if match else None


def rest_heading(lines: list[str], i: int, fenced: bool) -> tuple[int, str] | None:
    """A reST title: a line underlined by punctuation at least as long as it."""
    if i + 1 >= len(lines) or not lines[i].strip() or RST_UNDERLINE.match(lines[i]):
        return None
    under = lines[i + 1]
    if RST_UNDERLINE.match(under) and len(under.rstrip()) >= len(lines[i].rstrip()):
        return "=-~^\"'`#*+:.".index(under[0]) + 1, lines[i].strip()
    return None


def by_headings(lines: list[str], heading_at: object) -> Iterator[Section]:
    """Split lines into sections wherever `heading_at` sees a heading."""
    assert callable(heading_at)
    path: list[tuple[int, str]] = []
    body: list[str] = []
    start = 1
    fenced = False
    i = 0
    while i < len(lines):
        if FENCE.match(lines[i]):
            fenced = not fenced
        found = heading_at(lines, i, fenced)
        if found is None:
            body.append(lines[i])
            i += 1
            continue
        yield from emit(path, body, start)
        level, title = found
        path = [(lvl, t) for lvl, t in path if lvl < level] + [(level, title)]
        body = []
        start = i + 1
        i += 2 if heading_at is rest_heading else 1
    yield from emit(path, body, start)


def emit(path: list[tuple[int, str]], body: list[str], line: int) -> Iterator[Section]:
    text = "\n".join(body).strip()
    if text or path:
        yield Section(" > ".join(t for _, t in path), text, line)


class HTMLText(HTMLParser):
    """HTML to Markdown-like text: headings become `#` lines, scripts and styles are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n" + "#" * int(tag[1]) + " ")
        elif tag in ("p", "br", "li", "pre", "div", "tr"):
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.out.append(data if "\n" not in data else data.replace("\n", " "))


def sections_of(path: Path, text: str) -> Iterator[Section]:
    """The sections of one document, by its format."""
    kind = SUFFIXES[path.suffix.lower()]
    if kind == "markdown":
        yield from markdown_sections(text)
    elif kind == "rest":
        yield from by_headings(text.splitlines(), rest_heading)
    elif kind == "html":
        parser = HTMLText()
        parser.feed(text)
        yield from markdown_sections(html.unescape("".join(parser.out)))
    else:
        yield Section("", text.strip(), 1)


def documents(folder: Path) -> list[Path]:
    """The documents under `folder`, bounded in number and size."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if path.suffix.lower() in SUFFIXES and path.stat().st_size <= MAX_FILE_BYTES:
                found.append(path)
                if len(found) >= MAX_FILES:
                    return found
    return found


def fingerprint(paths: list[Path]) -> str:
    """Changes when any document is added, removed or modified."""
    digest = hashlib.sha256()
    for path in paths:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def index_folder(session: Session, path: str | os.PathLike[str]) -> FolderReport:
    """Index the documents under `path`; an unchanged folder is not read again."""
    folder = Path(path).expanduser().resolve()
    if not folder.is_dir():
        raise EnvironmentUnavailable(f"{path} is not a folder.")
    files = documents(folder)
    version = fingerprint(files)
    old = store.find_source(session, environment="", kind="folder", name=str(folder))
    if old is not None and (old.version, old.reader) == (version, READER):
        return FolderReport(str(folder), len(files), old.objects, True)
    rows = []
    for file in files:
        relative = file.relative_to(folder).as_posix()
        text = file.read_text(encoding="utf-8", errors="replace")
        for section in sections_of(file, text):
            qualname = f"{relative}#{section.title}" if section.title else relative
            # The whole heading path: "Defaults" under "Query parameters" is about both.
            title_words = " ".join(words_of(t) for t in section.title.split(" > ") if t)
            rows.append(store.ObjectRow(
                qualname, "section", section.title, section.text[:DOC_CHARS], relative,
                section.line, {}, f"{Path(relative).stem} {title_words}".replace("|", " ")))
    source = store.replace_source(session, kind="folder", environment="", name=str(folder),
                                  version=version, location=str(folder), rows=rows,
                                  reader=READER)
    store.refresh_statistics(session)
    return FolderReport(str(folder), len(files), source.objects, False)
