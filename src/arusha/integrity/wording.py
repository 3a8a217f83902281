"""Translatable copies of the library's English wording: its notice, indicator titles, entity
kinds and kinds of validation problem.

The library stays Django-free, so it cannot translate; tests keep these copies in step with it.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Word for word arusha.analytics.NOTICE in English (a test compares them).
NOTICE = _(
    "These are indicators for review, not proof of wrongdoing. Each compares an officer, "
    "declarant, pair or office with what random assignment or its peers would predict; "
    "legitimate reasons (specialisation, rotation, workload, data errors) can explain any of "
    "them. They concern named people: restrict access, log it, and review every lead with due "
    "process."
)

# Each registered indicator's title, word for word the library's in English (a test compares them).
INDICATOR_TITLES: dict[str, Promise] = {
    "undervaluation": _("Undervalued lines cleared without adjustment"),
    "benford": _("First-digit (Benford) deviation of declared values"),
    "pair_excess": _("Officer-declarant pairing above random assignment"),
    "collusion_signature": _("Collusion signature of a pair"),
    "declarant_concentration": _("Declarant concentration in an officer's caseload"),
    "officer_concentration": _("Officer concentration in a declarant's flow"),
    "downgrades": _("Manual channel downgrades"),
    "red_detection": _("Detection rate on red-channel inspections"),
    "fast_release_red": _("Release time on red-channel declarations"),
    "fast_release_yellow": _("Release time on yellow-channel declarations"),
}

# One entity (a page's heading) and a list of them (the ranked list's filter).
KIND: dict[str, Promise] = {
    "officer": _("Officer"),
    "declarant": _("Declarant"),
    "pair": _("Officer–declarant pair"),
    "office": _("Office"),
}
KINDS: dict[str, Promise] = {
    "officer": _("Officers"),
    "declarant": _("Declarants"),
    "pair": _("Officer–declarant pairs"),
    "office": _("Offices"),
}


# Each kind of validation problem, word for word the library's PROBLEM_KINDS in English.
PROBLEM_KINDS: dict[str, Promise] = {
    "missing_column": _("Required column missing"),
    "empty": _("No data rows"),
    "missing_value": _("Required value missing"),
    "unparsable": _("Value cannot be read"),
    "impossible": _("Impossible value"),
    "duplicate_key": _("Repeated declaration and item number"),
    "missing_first_item": _("Declaration without item 1"),
    "inconsistent": _("Differs between items of a declaration"),
    "malformed_row": _("Row does not fit the header"),
    "encoding": _("Text in another encoding"),
}


def problem_kind(kind: str) -> str:
    label = PROBLEM_KINDS.get(kind)
    return str(label) if label is not None else kind


def indicator_title(name: str) -> str:
    """The indicator's title in the active language; the name itself if it has none (a test
    fails for any indicator the library registers without one)."""
    title = INDICATOR_TITLES.get(name)
    return str(title) if title is not None else name


def kind_label(kind: str) -> str:
    label = KIND.get(kind)
    return str(label) if label is not None else kind


# What exactly is wrong, by the library's `detail` key (validation.Problem.detail). %(column)s is
# the canonical column; a mapped file's own column name is added by problem_detail.
DETAILS: dict[str, Promise] = {
    "required": _("Required column %(column)s is missing."),
    "mapping_absent": _(
        "The layout takes %(column)s from the column %(source)s, which the file does not have."
    ),
    "no_rows": _("The file has no data rows."),
    "empty": _("%(column)s is empty."),
    "not_whole_number": _("%(column)s is not a whole number."),
    "not_date": _("%(column)s is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)."),
    "not_date_format": _("%(column)s is not a date in the format %(format)s."),
    "not_tariff_code": _("%(column)s is not a tariff code of at least 6 digits."),
    "not_country": _("%(column)s is not a two-letter ISO 3166 country code."),
    "not_number": _("%(column)s is not a number."),
    "not_number_comma": _("%(column)s is not a number written with a decimal comma."),
    "not_channel": _("%(column)s is not green, yellow or red."),
    "not_boolean": _("%(column)s is not true or false (or 1/0, yes/no)."),
    "below_1": _("%(column)s is below 1."),
    "before_1950": _("%(column)s is before 1950."),
    "in_future": _("%(column)s is in the future."),
    "negative": _("%(column)s is negative."),
    "released_before_lodged": _("The release (released_at) is before the lodging (lodged_at)."),
    "repeats": _(
        "The declaration number and item number (declaration_id, item_no) repeat an earlier row."
    ),
    "no_item_1": _(
        "The declaration has no item 1 (a declaration's own fields are read from its item 1)."
    ),
    "differs": _("%(column)s differs between the items of one declaration."),
    "too_many_fields": _("The row has more fields than the header."),
    "too_few_fields": _("The row has fewer fields than the header."),
    "unclosed_quote": _(
        "A quotation mark is not closed, or other text follows it in the same field."
    ),
    "line_too_long": _("The line is too long."),
    "not_utf8": _("The text is not valid UTF-8: choose the file's encoding (for example Latin-1)."),
    "unreadable": _("The row cannot be read."),
}

# Why a file could not be read at all, by SourceError.kind.
SOURCE_ERRORS: dict[str, Promise] = {
    "not_found": _("The file was not found."),
    "unknown_format": _("Use a .csv or .parquet file."),
    "unreadable": _("The file cannot be read: check that it is a CSV or Parquet file."),
    "empty_file": _("The file is empty: it has no header line."),
    "encoding": _(
        "Row %(row)s is not valid %(value)s text: choose the file's encoding and upload it again."
    ),
    "unknown_encoding": _("Unknown encoding “%(value)s”: choose UTF-8, Latin-1 or Windows-1252."),
    "bad_delimiter": _("The delimiter must be a comma, a semicolon, a tab or a vertical bar."),
    "bad_decimal": _("The decimal mark must be a point or a comma."),
    "duplicate_header": _(
        "The column %(column)s appears twice in the header: give each column its own name."
    ),
    "blank_header": _("Column %(value)s of the header has no name."),
}
UNREADABLE = _("The file could not be read.")


def problem_detail(problem: dict[str, Any]) -> str:
    """A stored validation problem in the active language: what is wrong, naming the column (and
    the file's own column when a layout renames it). Runs stored before problems had a detail
    key show the library's English message."""
    template = DETAILS.get(str(problem.get("detail") or ""))
    if template is None:
        return str(problem.get("message", ""))
    params = {str(k): str(v) for k, v in (problem.get("params") or {}).items()}
    text = str(template) % {"format": "", "source": "", **params, "column": problem.get("column")}
    source = params.get("source")
    if source and problem.get("detail") != "mapping_absent":
        suffix = str(_("(column %(source)s of the file)")) % {"source": source}
        text = f"{text.rstrip('.')} {suffix}."
    return text


def source_error(exc: Exception) -> str:
    """Why the file could not be read, in the active language, from the error's kind, row,
    column and value alone (never the engine's own text, a query or a path)."""
    template = SOURCE_ERRORS.get(str(getattr(exc, "kind", "")))
    if template is None:
        return str(UNREADABLE)
    fields = {name: getattr(exc, name, None) for name in ("row", "column", "value")}
    return str(template) % {k: "" if v is None else v for k, v in fields.items()}
