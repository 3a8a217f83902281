"""What a reader must never see in a message about their file: the engine's own text, a query or a
temporary path. One list for the library, the command line and the web pages."""

from __future__ import annotations

import html
import re

ENGINE_TEXT = (
    re.compile(r"duckdb"),
    # A query as the engine quotes it, not the word "select" in a sentence.
    re.compile(r"select \*"),
    re.compile(r'select "'),
    re.compile(r'from "'),
    re.compile(r"\bline \d+:"),
    re.compile(r"read_csv"),
    re.compile(r"read_parquet"),
    re.compile(r"/tmp\b"),  # noqa: S108 (a path that must not appear, not one we use)
    re.compile(r"arusha-integrity-"),
    re.compile(r"\bbinder\b"),
    re.compile(r"conversion error"),
    re.compile(r"could not convert"),
    re.compile(r"invalid input"),
    re.compile(r"\berror:"),
    re.compile(r"traceback"),
)
TAG = re.compile(r"<[^>]*>")


def engine_text(text: str) -> list[str]:
    """The engine's words found in `text` (a page is read as its visible text, so that a
    <select> element is not taken for a query)."""
    lowered = html.unescape(TAG.sub(" ", text)).lower()
    return [p.pattern for p in ENGINE_TEXT if p.search(lowered)]


def assert_plain(text: str) -> None:
    assert not engine_text(text), (engine_text(text), text)
