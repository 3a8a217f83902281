"""What a reader must never see in a message about their file: the engine's own text, a query or a
temporary path. One list for the library, the command line and the web pages."""

from __future__ import annotations

import html
import re

PATTERNS = (
    r"duckdb",
    r"select ",  # a query (pages are read as their visible text, so <select> is not one)
    r'from "',
    r"\bline \d+:",
    r"read_csv",
    r"read_parquet",
    r"/tmp",  # noqa: S108 (a path that must not appear, not one we use)
    r"arusha-integrity-",
    r"\bbinder\b",
    r"conversion",
    r"could not convert",
    r"invalid input",
    r"\berror:",
    r"traceback",
)
ENGINE_TEXT = tuple(re.compile(p) for p in PATTERNS)
TAG = re.compile(r"<[^>]*>")


def engine_text(text: str) -> list[str]:
    """The engine's words found in `text` (a page is read as its visible text, so that a
    <select> element is not taken for a query)."""
    lowered = html.unescape(TAG.sub(" ", text)).lower()
    return [p.pattern for p in ENGINE_TEXT if p.search(lowered)]


def assert_plain(text: str) -> None:
    assert not engine_text(text), (engine_text(text), text)
