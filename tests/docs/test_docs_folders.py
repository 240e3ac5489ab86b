"""Indexing folders of documents, chunked by heading."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.docs import EnvironmentUnavailable, index_folder, search_docs
from agent.docs.folders import markdown_sections, sections_of
from db.docs import delete_sources, list_sources

GUIDE = """# Guide

Intro text.

## Query parameters

Declare them as function arguments.

```python
# not a heading
x = 1
```

### Defaults

A default makes a parameter optional.

## Deployment

Run behind a reverse proxy.
"""
REST = """Tutorial
========

Welcome.

Installing
----------

Use pip to install the wheel.
"""
HTML = ("<html><head><style>h1 {}</style><script>var x;</script></head><body>"
        "<h1>Wiki</h1><p>Team notes.</p><h2>On-call</h2><p>Page the rotation lead.</p>"
        "</body></html>")


def test_markdown_is_split_at_headings_with_the_heading_path_and_line() -> None:
    sections = list(markdown_sections(GUIDE))
    titles = [s.title for s in sections]
    assert titles == ["Guide", "Guide > Query parameters", "Guide > Query parameters > Defaults",
                      "Guide > Deployment"]
    assert "# not a heading" in sections[1].text
    assert sections[2].line == 14 and sections[2].text == "A default makes a parameter optional."


def test_rest_html_and_text_each_have_their_sections(tmp_path: Path) -> None:
    rest = list(sections_of(tmp_path / "a.rst", REST))
    assert [s.title for s in rest] == ["Tutorial", "Tutorial > Installing"]
    html = list(sections_of(tmp_path / "a.html", HTML))
    assert [s.title for s in html] == ["Wiki", "Wiki > On-call"]
    assert "var x" not in html[0].text and html[1].text == "Page the rotation lead."
    [text] = sections_of(tmp_path / "notes.txt", "plain notes\n")
    assert text.title == "" and text.text == "plain notes"


def test_a_folder_is_indexed_searched_and_not_read_again_when_unchanged(
        docs_sessions, tmp_path: Path) -> None:
    (tmp_path / "guide.md").write_text(GUIDE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "tutorial.rst").write_text(REST)
    (tmp_path / "wiki.html").write_text(HTML)
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    with docs_sessions() as session:
        report = index_folder(session, tmp_path)
        again = index_folder(session, tmp_path)
        hits = search_docs(session, "how do I make a query parameter optional", k=3)
        scoped = search_docs(session, "install the wheel", k=2, package=tmp_path.name)
        delete_sources(session, [s.id for s in list_sources(session, kind="folder")])
    assert (report.files, report.sections, report.unchanged) == (3, 8, False)
    assert again.unchanged
    assert hits[0].qualname == "guide.md#Guide > Query parameters > Defaults"
    assert hits[0].source == "guide.md:14" and hits[0].kind == "section"
    assert scoped[0].qualname == "sub/tutorial.rst#Tutorial > Installing"


def test_a_missing_folder_is_refused(docs_sessions, tmp_path: Path) -> None:
    with docs_sessions() as session, pytest.raises(EnvironmentUnavailable):
        index_folder(session, tmp_path / "missing")
