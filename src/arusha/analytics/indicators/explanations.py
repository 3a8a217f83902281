"""Explanations of indicator rows: one table of English templates renders both the English
sentence and its structured form, a list of parts (a template key and the raw numbers) that the
web app words in the reader's language.

The structured form is a JSON string, `[{"key": "...", "params": {...}}, ...]`; a sentence is its
parts' templates, filled in and concatenated (each template carries its own punctuation).
Numbers are kept rounded as the English shows them, so any rendering of the parts agrees with
the English to the last digit. Both forms are built column-wise: there can be hundreds of
thousands of pair rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

# Rows with q above this get the short explanation; the long one costs time and space.
DETAIL_Q = 0.25

_NOT_COMPUTED = "Not computed: %(count)s {what}, below the minimum of %(minimum)s."
_AGAINST = (
    " against %(officer_rate)s for the officer's other declarations and %(declarant_rate)s for "
    "the declarant's with other officers; "
)
_UNDERVALUED = (
    "%(cleared)s of %(priced)s priced lines (%(rate)s) were declared far below the usual value "
    "per kg (robust z <= %(threshold)s) and cleared without adjustment, against %(peer_rate)s for "
)
_CONDUCT = {
    "downgrades": "moved %(k)s of %(n)s yellow or red declarations to a lower channel (%(rate)s), "
    "against %(peer_rate)s for ",
    "red_detection": "found an offence in %(k)s of %(n)s inspected red-channel declarations "
    "(%(rate)s), against %(peer_rate)s for ",
    "fast_release_red": "released %(n)s red-channel declarations in %(hours)s hours (geometric "
    "mean), against %(peer_hours)s hours for ",
    "fast_release_yellow": "released %(n)s yellow-channel declarations in %(hours)s hours "
    "(geometric mean), against %(peer_hours)s hours for ",
}
_CONCENTRATION = (
    "; concentration index %(index)s against %(expected_index)s expected under random "
    "assignment; %(q)s."
)

# Every template, by key; the web app holds a translatable copy of each (a test compares them).
TEMPLATES: dict[str, str] = {
    "not_computed.priced": _NOT_COMPUTED.format(
        what="priced lines in unit-value groups large enough to compare"
    ),
    "not_computed.office": _NOT_COMPUTED.format(what="declarations at office %(office)s"),
    "not_computed.high": _NOT_COMPUTED.format(what="yellow or red declarations"),
    "not_computed.red_inspected": _NOT_COMPUTED.format(what="inspected red-channel declarations"),
    "not_computed.released_red": _NOT_COMPUTED.format(what="released red-channel declarations"),
    "not_computed.released_yellow": _NOT_COMPUTED.format(
        what="released yellow-channel declarations"
    ),
    "undervaluation.officer": "%(entity)s at office %(office)s: "
    + _UNDERVALUED
    + "other officers at the office; %(q)s.",
    "undervaluation.declarant": "%(entity)s: " + _UNDERVALUED + "other declarants; %(q)s.",
    "undervaluation.office": "%(entity)s: " + _UNDERVALUED + "other offices; %(q)s.",
    "benford": "%(entity)s: first digits of %(n)s declared values deviate from Benford's law by "
    "%(mad)s on average (MAD; above %(bound)s is nonconformity, %(expected_mad)s expected by "
    "chance); digit 1 leads %(lead)s of values against 30 %% expected; %(q)s.",
    "pair_excess": "%(officer)s handled %(n)s declarations of %(declarant)s at office %(office)s "
    "in %(period)s, %(ratio)s times the %(expected)s expected under random assignment",
    "exposed.day": " in the days both were there",
    "exposed.week": " in the weeks both were there",
    "pair_excess.end": "; %(q)s.",
    "pair_excess.detail": " (the officer handled %(n_i)s of the office's %(n_t)s declarations "
    "that quarter, the declarant lodged %(n_j)s); flagged in %(flagged_quarters)s of "
    "%(quarters)s quarters tested; %(q)s.",
    "signature.opening": "%(n)s declarations of %(declarant)s handled by %(officer)s at office "
    "%(office)s: ",
    "signature.risk": "%(pair_rate)s yellow or red" + _AGAINST,
    "signature.offence": "offence found in %(pair_rate)s of inspected" + _AGAINST,
    "signature.release": "released in %(pair_hours)s h (same channels) against "
    "%(officer_hours)s h for the officer's other declarations and %(declarant_hours)s h for the "
    "declarant's with other officers; ",
    "signature.downgrade": "%(pair_rate)s of yellow or red downgraded" + _AGAINST,
    "signature.no_outcomes": "too few declarations to compare outcomes; ",
    "signature.closing": "pairing %(ratio)s times the %(expected)s expected under random "
    "assignment. Combined z = %(z)s, %(q)s.",
    "signature.short": "compared with the officer's other declarations and the declarant's with "
    "other officers, together with the pairing (%(ratio)s times the %(expected)s expected), "
    "combined z = %(z)s, %(q)s.",
    "declarant_concentration": "At office %(office)s, %(share)s of the %(n)s declarations handled "
    "by %(entity)s came from declarant %(top)s (%(others)s declarants in all)" + _CONCENTRATION,
    "officer_concentration": "At office %(office)s, %(share)s of the %(n)s declarations of "
    "%(entity)s went to officer %(top)s (%(others)s officers in all)" + _CONCENTRATION,
    **{
        f"{name}.officer": "%(entity)s at office %(office)s "
        + words
        + "other officers at office %(office)s; %(q)s."
        for name, words in _CONDUCT.items()
    },
    **{
        f"{name}.office": "Office %(office)s " + words + "the other offices; %(q)s."
        for name, words in _CONDUCT.items()
    },
}

# How each parameter is written, whatever the template: identifiers as they are; counts; numbers
# with one or three decimals; shares as percentages (whole, or one decimal below 10 %); q-values
# with at most two significant digits; settings in their shortest form.
PARAMS: dict[str, str] = {
    **dict.fromkeys(("entity", "officer", "declarant", "office", "period", "top"), "text"),
    **dict.fromkeys(
        ("count", "minimum", "n", "k", "n_i", "n_j", "n_t", "cleared", "priced", "others"), "int"
    ),
    **dict.fromkeys(("flagged_quarters", "quarters"), "int"),
    **dict.fromkeys(("ratio", "expected", "z", "hours", "peer_hours"), "num"),
    **dict.fromkeys(("pair_hours", "officer_hours", "declarant_hours"), "num"),
    **dict.fromkeys(("mad", "expected_mad", "index", "expected_index"), "num3"),
    **dict.fromkeys(("rate", "peer_rate", "pair_rate", "officer_rate", "declarant_rate"), "pct"),
    "share": "pct",
    "lead": "whole_pct",
    "q": "q",
    **dict.fromkeys(("threshold", "bound"), "setting"),
}
# Decimals a value is kept to: those the English shows (a share shows one decimal of a percent
# below 10 %, none above), so that every rendering shows the same digits.
DECIMALS = {"int": 0, "num": 1, "num3": 3, "whole_pct": 2, "q": 12, "setting": 9}


def fmt_q(q: float) -> str:
    if not np.isfinite(q):
        return "q not computed"
    if q < 0.0001:
        return "q < 0.0001"
    if q < 0.01:
        return f"q = {q:.1g}"
    return f"q = {q:.2f}"


def fmt_pct(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{100 * x:.1f} %" if x < 0.1 else f"{100 * x:.0f} %"


def _finite(write: Callable[[float], str]) -> Callable[[float], str]:
    return lambda x: write(x) if np.isfinite(x) else "n/a"


ENGLISH: dict[str, Callable[[float], str]] = {
    "int": _finite(lambda x: f"{int(x):,}"),
    "num": _finite(lambda x: f"{x:,.1f}"),
    "num3": _finite(lambda x: f"{x:,.3f}"),
    "pct": fmt_pct,
    "whole_pct": _finite(lambda x: f"{100 * x:.0f} %"),
    "q": fmt_q,
    "setting": _finite(lambda x: f"{x:g}"),
}
_NAME = re.compile(r"%\((\w+)\)s")


@cache
def placeholders(key: str) -> tuple[str, ...]:
    return tuple(_NAME.findall(TEMPLATES[key]))


def english(parts: list[dict[str, Any]]) -> str:
    """The English sentence of a structured explanation, one row at a time (as the web app
    renders it, in English)."""
    out = []
    for part in parts:
        key, params = str(part["key"]), part.get("params") or {}
        written = {name: english_value(name, params.get(name)) for name in placeholders(key)}
        out.append(TEMPLATES[key] % written)
    return "".join(out)


def english_value(name: str, value: object) -> str:
    kind = PARAMS[name]
    if kind == "text":
        return str(value)
    return ENGLISH[kind](np.nan if value is None else float(value))  # type: ignore[arg-type]


# Column-wise ------------------------------------------------------------------------------------


class Text(NamedTuple):
    """Explanations of many rows: the English, and the parts (JSON objects, each followed by a
    comma) from which the structured form is made."""

    english: np.ndarray
    parts: np.ndarray


def phrase(key: str, size: int, **params: object) -> Text:
    """One template filled in for `size` rows; each parameter a column or one value for all."""
    names = placeholders(key)
    if set(names) != set(params):
        raise ValueError(f"{key} takes {sorted(set(names))}, not {sorted(params)}")
    columns = {name: _column(name, params[name], size) for name in params}
    pieces = _NAME.split(TEMPLATES[key].replace("%%", "%"))
    # split() alternates literal text and parameter names
    english = [columns[p][0] if i % 2 else p for i, p in enumerate(pieces)]
    encoded: list[str | np.ndarray] = [f'{{"key":{json.dumps(key)},"params":{{']
    for i, name in enumerate(columns):
        encoded += [("," if i else "") + f"{json.dumps(name)}:", columns[name][1]]
    encoded.append("}},")
    return Text(_concat(english, size), _concat(encoded, size))


def join(*texts: Text) -> Text:
    size = len(texts[0].english)
    return Text(_concat([t.english for t in texts], size), _concat([t.parts for t in texts], size))


def nothing(size: int) -> Text:
    blank = np.full(size, "", dtype=object)
    return Text(blank, blank)


def where(condition: object, yes: Text, no: Text) -> Text:
    chosen = np.asarray(condition, dtype=bool)
    return Text(
        np.where(chosen, yes.english, no.english).astype(object),
        np.where(chosen, yes.parts, no.parts).astype(object),
    )


def pick(text: Text, at: np.ndarray) -> Text:
    return Text(text.english[at], text.parts[at])


def detailed(q: object, short: Text, detail: Callable[[np.ndarray], Text]) -> Text:
    """The short explanation everywhere, replaced by `detail(positions)` where q <= DETAIL_Q."""
    positions = np.flatnonzero(np.nan_to_num(np.asarray(q, dtype=float), nan=1.0) <= DETAIL_Q)
    english, parts = short.english.copy(), short.parts.copy()
    if len(positions):
        long = detail(positions)
        english[positions], parts[positions] = long.english, long.parts
    return Text(english, parts)


def columns(text: Text) -> dict[str, np.ndarray]:
    """The `explanation` and `wording` columns of indicator rows."""
    wording = np.array([f"[{p[:-1]}]" for p in text.parts.tolist()], dtype=object)
    return {"explanation": text.english, "wording": wording}


def _concat(pieces: Sequence[str | np.ndarray], size: int) -> np.ndarray:
    """Pieces (text, or columns of it) joined row by row; neighbouring texts are joined first.

    Each row is joined once from all its pieces (about three times faster than adding the
    columns one after another, which builds every intermediate string)."""
    merged: list[str | np.ndarray] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    texts = [p for p in merged if isinstance(p, str)]
    if len(texts) == len(merged):
        return np.full(size, "".join(texts), dtype=object)
    rows = [[p] * size if isinstance(p, str) else p.tolist() for p in merged]
    out = np.empty(size, dtype=object)
    out[:] = ["".join(row) for row in zip(*rows, strict=True)]
    return out


def _column(name: str, values: object, size: int) -> tuple[np.ndarray, np.ndarray]:
    """A parameter's English and JSON, each distinct value written once: counts, rates and
    q-values repeat a lot, and writing them is the slow part of long explanation columns."""
    kind = PARAMS[name]
    if kind == "text":
        # Python objects throughout: a NumPy text array is as wide as the longest value.
        given = np.broadcast_to(np.asarray(values, dtype=object), size)
        codes, distinct = pd.factorize(given)
        words = [str(v) for v in distinct]
        text = np.array([*words, ""], dtype=object)[codes]
        encoded = np.array([*(json.dumps(w) for w in words), ""], dtype=object)[codes]
        for i in np.flatnonzero(codes < 0):  # None or NaN: written as str() writes them
            text[i] = str(given[i])
            encoded[i] = json.dumps(text[i])
        return text, encoded
    rounded = _rounded(kind, np.broadcast_to(np.asarray(values, dtype=float), size))
    distinct, at = np.unique(rounded, return_inverse=True)
    write = ENGLISH[kind]
    english = np.array([write(x) for x in distinct.tolist()], dtype=object)
    encoded = np.array([_json_number(kind, x) for x in distinct.tolist()], dtype=object)
    return english[at.reshape(-1)], encoded[at.reshape(-1)]


def _rounded(kind: str, values: np.ndarray) -> np.ndarray:
    """Values as the English shows them; a value rounding to zero is 0, never -0."""
    if kind == "pct":
        return np.where(values < 0.1, np.round(values, 3), np.round(values, 2)) + 0.0
    return np.round(values, DECIMALS[kind]) + 0.0


def _json_number(kind: str, x: float) -> str:
    if not np.isfinite(x):
        return "null"
    return str(int(x)) if kind == "int" else repr(x)
