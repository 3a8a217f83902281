"""Translatable copies of the library's English wording: its notice, indicator titles, entity
kinds, kinds of validation problem and the templates of its explanations.

The library stays Django-free, so it cannot translate; tests keep these copies in step with it.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from arusha.analytics.indicators.explanations import PARAMS

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


# What each canonical column holds, for the guide to mapping files on the upload page: the
# library's schema descriptions (arusha.analytics.schema), a test keeps one for every column.
COLUMN_MEANINGS: dict[str, Promise] = {
    "declaration_id": _("Declaration number, unique with item_no."),
    "item_no": _("Item number within the declaration (default 1)."),
    "lodged_at": _("Date or date and time the declaration was lodged."),
    "released_at": _("Date and time the goods were released."),
    "office_id": _("Customs office where the declaration was lodged."),
    "declarant_id": _("Customs broker or declarant who lodged it."),
    "importer_id": _("Importer of record."),
    "officer_id": _("Officer who assessed or inspected the declaration."),
    "hs_code": _("Tariff code, at least 6 digits."),
    "origin_country": _("Country of origin, ISO 3166 alpha-2."),
    "customs_value": _("Customs value in national currency."),
    "net_mass_kg": _("Net mass in kilograms."),
    "duty_rate": _("Duty rate in percent."),
    "duty_paid": _("Duties and taxes paid, national currency."),
    "channel_assigned": _("Channel the risk engine assigned."),
    "channel_final": _("Channel after any manual change."),
    "inspected": _("Whether the item was checked (documents or goods)."),
    "offence_found": _("Whether an offence was found."),
    "revenue_recovered": _("Additional duties and fines recovered."),
}


def canonical_columns() -> list[tuple[str, bool, str]]:
    """Every column the analysis reads: its name, whether it is required, what it holds."""
    from arusha.analytics import schema

    return [(c.name, c.required, str(COLUMN_MEANINGS[c.name])) for c in schema.COLUMNS]


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


def _translated(table: dict[str, Promise], key: str) -> str:
    """The key's wording in the active language; the key itself where the table has none."""
    found = table.get(key)
    return str(found) if found is not None else key


def problem_kind(kind: str) -> str:
    return _translated(PROBLEM_KINDS, kind)


def indicator_title(name: str) -> str:
    """The indicator's title in the active language; the name itself if it has none (a test
    fails for any indicator the library registers without one)."""
    return _translated(INDICATOR_TITLES, name)


def kind_label(kind: str) -> str:
    return _translated(KIND, kind)


# What exactly is wrong, by the library's `detail` key (validation.Problem.detail). %(column)s is
# the canonical column; a mapped file's own column name is added by problem_detail.
DETAILS: dict[str, Promise] = {
    "required": _("Required column %(column)s is missing."),
    "mapping_absent": _(
        "The layout takes %(column)s from the column %(source)s, which the file does not have."
    ),
    "no_rows": _("The file has no data rows."),
    "empty": _("%(column)s is empty."),
    "not_whole_number": _("%(column)s is not a whole number of at most 15 digits."),
    "not_date": _("%(column)s is not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)."),
    "not_date_format": _("%(column)s is not a date in the format %(format)s."),
    "not_date_dmy": _("%(column)s is not a date (DD/MM/YYYY or DD/MM/YYYY HH:MM:SS)."),
    "not_date_mdy": _("%(column)s is not a date (MM/DD/YYYY or MM/DD/YYYY HH:MM:SS)."),
    "not_tariff_code": _("%(column)s is not a tariff code of at least 6 digits."),
    "not_tariff_code_number": _(
        "%(column)s is not a tariff code of at least 6 digits: kept as a number, it has lost "
        "any leading zero. Export the column as text, or give the layout's pad."
    ),
    "not_country": _("%(column)s is not a two-letter ISO 3166 country code."),
    "not_number": _("%(column)s is not a number."),
    "not_number_comma": _("%(column)s is not a number written with a decimal comma."),
    "not_finite": _("%(column)s is infinite or not a number (NaN)."),
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
    "unknown_format": _("Use a .csv, .xlsx or .parquet file."),
    "unreadable": _("The file cannot be read: check that it is a CSV, Excel or Parquet file."),
    "damaged": _(
        "Part of the file's data cannot be read: the file is damaged (perhaps cut short or "
        "altered while being copied). Export or copy it again."
    ),
    "empty_file": _("The file is empty: it has no header line."),
    "encoding": _(
        "Row %(row)s is not valid %(value)s text: choose the file's encoding and upload it again."
    ),
    "unknown_encoding": _("Unknown encoding “%(value)s”: choose UTF-8, Latin-1 or Windows-1252."),
    "bad_delimiter": _("The delimiter must be a comma, a semicolon, a tab or a vertical bar."),
    "carriage_return": _(
        "Row %(row)s holds a carriage return (CR) that ends no line: remove it, or save the "
        "file again with one kind of line end."
    ),
    "wrong_delimiter": _(
        "The chosen delimiter does not split the header into columns: the file seems to have "
        "%(value)s. Choose that delimiter, or leave it to be detected."
    ),
    "bad_decimal": _("The decimal mark must be a point or a comma."),
    "duplicate_header": _(
        "The column %(column)s appears twice in the header: give each column its own name."
    ),
    "blank_header": _("Column %(value)s of the header has no name."),
    "no_header": _(
        "The first line of the file has no column names: the header must be the first line."
    ),
    "bad_date_order": _("The date order must be year, day or month first."),
    "ambiguous_dates": _(
        "Dates such as %(value)s can be read day first or month first: choose the date order "
        "and upload the file again."
    ),
    "spreadsheet": _(
        "This is a spreadsheet workbook (or another ZIP file), not a CSV file: if it is an "
        "Excel workbook, upload it under a name ending in .xlsx; otherwise open it in the "
        "spreadsheet program, save it as CSV and upload that file."
    ),
    "not_workbook": _(
        "This is not an Excel workbook, although its name ends in .xlsx: save it again as XLSX "
        "(or as CSV) and upload that file."
    ),
    "workbook_too_large": _(
        "The workbook unpacks to more than %(value)s MB: save its declarations as CSV and "
        "upload that file."
    ),
    "workbook_packed": _(
        "The workbook is packed in an unusual way and cannot be read safely: open it in the "
        "spreadsheet program, save it again as XLSX (or as CSV) and upload that copy."
    ),
    "workbook_unreadable": _(
        "The workbook cannot be read: open it in the spreadsheet program, save it again as "
        "XLSX (or as CSV) and upload that copy."
    ),
    "no_sheet": _("The workbook has no visible worksheet."),
    "no_such_sheet": _(
        "The workbook has no sheet named “%(value)s”. Its sheets: %(column)s. Give the name as "
        "on the sheet's tab, or leave it empty."
    ),
    "empty_sheet": _("The sheet “%(value)s” of the workbook is empty."),
    "binary": _(
        "Line %(value)s of the file holds a NUL byte, which CSV text never has: is it a CSV file?"
    ),
}
UNREADABLE = _("The file could not be read.")
# An error no check of the library caught: its own text (a query, temporary paths) stays in the
# server's log.
UNEXPECTED = _(
    "The analysis stopped on an unexpected error and nothing was saved. This is a fault of "
    "Arusha, not of your file as far as its checks can tell: the administrator will find the "
    "details in the server log."
)
STILL_RUNNING = _("The file is being analysed: it can be deleted once the analysis ends.")
NOT_YET = _("The file is still being analysed: its results can be read once the run is done.")
NO_RESULTS = _(
    "This run has no results: its file failed validation or could not be read (see the run's "
    "status and problems)."
)
INTERRUPTED = _(
    "The server stopped during the analysis and the file was no longer there: upload it again."
)


def run_error(error: dict[str, Any]) -> str:
    """Why a background analysis stopped (AnalysisRun.error), in the active language."""
    kind = str(error.get("kind") or "")
    if kind == "unexpected":
        return str(UNEXPECTED)
    if kind == "interrupted":
        return str(INTERRUPTED)
    return source_error(SimpleNamespace(**{"row": None, "column": None, "value": None, **error}))


# The library's steps (run_integrity's progress), word for word its English (a test runs it).
STEPS: dict[str, Promise] = {
    "Reading and validating the data": _("Reading and validating the data"),
    "Coding identifiers and counting declarations per office, quarter and pair": _(
        "Coding identifiers and counting declarations per office, quarter and pair"
    ),
    "Testing officer-declarant pairs": _("Testing officer-declarant pairs"),
    "Measuring caseload concentration": _("Measuring caseload concentration"),
    "Comparing officers and offices with their peers": _(
        "Comparing officers and offices with their peers"
    ),
    "Screening unit values and first digits": _("Screening unit values and first digits"),
    "Scoring entities": _("Scoring entities"),
    "Saving the results": _("Saving the results"),  # storing.SAVING: the app's own last step
}


def step_label(label: str) -> str:
    return _translated(STEPS, label)


# How a CSV file was read (the library's summary "read_as"), in words.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1", "utf-16": "UTF-16"}
DELIMITERS: dict[str, Promise] = {
    ",": _("fields separated by commas"),
    ";": _("fields separated by semicolons"),
    "\t": _("fields separated by tabs"),
    "|": _("fields separated by vertical bars"),
}
DECIMAL_MARKS: dict[str, Promise] = {".": _("decimal point"), ",": _("decimal comma")}
DATE_ORDERS: dict[str, Promise] = {
    "ymd": _("dates year first (2024-02-26)"),
    "dmy": _("dates day first (26/02/2024)"),
    "mdy": _("dates month first (02/26/2024)"),
    "format": _("dates in the formats of the mapping file"),
}


def read_as(settings: dict[str, str]) -> str:
    """How a CSV file was read, detected or chosen ("CSV: Windows-1252, fields separated by
    semicolons, decimal comma, dates day first"), or which sheet of a workbook ("Excel
    workbook, sheet “Declarations”", with the decimal mark and date order for values typed as
    text when they are not a point and year first); empty for other files."""
    if not settings:
        return ""
    if "sheet" in settings:  # a workbook: only what was typed as text was read by settings
        text = str(_("Excel workbook, sheet “%(sheet)s”")) % {"sheet": settings["sheet"]}
        order = settings.get("date_order", "")
        decimal = settings.get("decimal", "")
        details = [
            DECIMAL_MARKS.get(decimal) if decimal != "." else None,
            DATE_ORDERS.get(order) if order != "ymd" else None,
        ]
        return ", ".join([text, *(str(d) for d in details if d)])
    encoding = str(settings.get("encoding", ""))
    parts = [
        ENCODINGS.get(encoding, encoding),
        DELIMITERS.get(settings.get("delimiter", "")),
        DECIMAL_MARKS.get(settings.get("decimal", "")),
        DATE_ORDERS.get(settings.get("date_order", "")),
    ]
    return "CSV: " + ", ".join(str(p) for p in parts if p)


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


def source_error(exc: Exception | SimpleNamespace) -> str:
    """Why the file could not be read, in the active language, from the error's kind, row,
    column and value alone (never the engine's own text, a query or a path): a SourceError, or
    one stored with a run (SimpleNamespace)."""
    template = SOURCE_ERRORS.get(str(getattr(exc, "kind", "")))
    if template is None:
        return str(UNREADABLE)
    fields = {name: getattr(exc, name, None) for name in ("row", "column", "value")}
    if getattr(exc, "kind", "") == "wrong_delimiter":  # the delimiter the file seems to have
        fields["value"] = DELIMITERS.get(str(fields["value"]), fields["value"])
    return str(template) % {k: "" if v is None else v for k, v in fields.items()}


# Each template of an indicator's explanation, by the library's key, word for word the library's
# TEMPLATES in English (a test compares them). A sentence is its parts' templates filled in and
# joined as they are, so a template keeps its leading space or closing "; ".
EXPLANATIONS: dict[str, Promise] = {
    "not_computed.priced": _(
        "Not computed: %(count)s priced lines in unit-value groups large enough to compare, "
        "below the minimum of %(minimum)s."
    ),
    "not_computed.office": _(
        "Not computed: %(count)s declarations at office %(office)s, below the minimum of "
        "%(minimum)s."
    ),
    "not_computed.high": _(
        "Not computed: %(count)s yellow or red declarations, below the minimum of %(minimum)s."
    ),
    "not_computed.red_inspected": _(
        "Not computed: %(count)s inspected red-channel declarations, below the minimum of "
        "%(minimum)s."
    ),
    "not_computed.released_red": _(
        "Not computed: %(count)s released red-channel declarations, below the minimum of "
        "%(minimum)s."
    ),
    "not_computed.released_yellow": _(
        "Not computed: %(count)s released yellow-channel declarations, below the minimum of "
        "%(minimum)s."
    ),
    "undervaluation.officer": _(
        "%(entity)s at office %(office)s: %(cleared)s of %(priced)s priced lines (%(rate)s) "
        "were declared far below the usual value per kg (robust z <= %(threshold)s) and cleared"
        " without adjustment, against %(peer_rate)s for other officers at the office; %(q)s."
    ),
    "undervaluation.declarant": _(
        "%(entity)s: %(cleared)s of %(priced)s priced lines (%(rate)s) were declared far below "
        "the usual value per kg (robust z <= %(threshold)s) and cleared without adjustment, "
        "against %(peer_rate)s for other declarants; %(q)s."
    ),
    "undervaluation.office": _(
        "%(entity)s: %(cleared)s of %(priced)s priced lines (%(rate)s) were declared far below "
        "the usual value per kg (robust z <= %(threshold)s) and cleared without adjustment, "
        "against %(peer_rate)s for other offices; %(q)s."
    ),
    "benford": _(
        "%(entity)s: first digits of %(n)s declared values deviate from Benford's law by "
        "%(mad)s on average (MAD; above %(bound)s is nonconformity, %(expected_mad)s expected "
        "by chance); digit 1 leads %(lead)s of values against 30 %% expected; %(q)s."
    ),
    "pair_excess": _(
        "%(officer)s handled %(n)s declarations of %(declarant)s at office %(office)s in "
        "%(period)s, %(ratio)s times the %(expected)s expected under random assignment"
    ),
    "exposed.day": _(" in the days both were there"),
    "exposed.week": _(" in the weeks both were there"),
    "pair_excess.end": _("; %(q)s."),
    "pair_excess.detail": _(
        " (the officer handled %(n_i)s of the office's %(n_t)s declarations that quarter, the "
        "declarant lodged %(n_j)s); flagged in %(flagged_quarters)s of %(quarters)s quarters "
        "tested; %(q)s."
    ),
    "signature.opening": _(
        "%(n)s declarations of %(declarant)s handled by %(officer)s at office %(office)s: "
    ),
    "signature.risk": _(
        "%(pair_rate)s yellow or red against %(officer_rate)s for the officer's other "
        "declarations and %(declarant_rate)s for the declarant's with other officers; "
    ),
    "signature.offence": _(
        "offence found in %(pair_rate)s of inspected against %(officer_rate)s for the officer's"
        " other declarations and %(declarant_rate)s for the declarant's with other officers; "
    ),
    "signature.release": _(
        "released in %(pair_hours)s h (same channels) against %(officer_hours)s h for the "
        "officer's other declarations and %(declarant_hours)s h for the declarant's with other "
        "officers; "
    ),
    "signature.downgrade": _(
        "%(pair_rate)s of yellow or red downgraded against %(officer_rate)s for the officer's "
        "other declarations and %(declarant_rate)s for the declarant's with other officers; "
    ),
    "signature.no_outcomes": _("too few declarations to compare outcomes; "),
    "signature.closing": _(
        "pairing %(ratio)s times the %(expected)s expected under random assignment. Combined z "
        "= %(z)s, %(q)s."
    ),
    "signature.short": _(
        "compared with the officer's other declarations and the declarant's with other "
        "officers, together with the pairing (%(ratio)s times the %(expected)s expected), "
        "combined z = %(z)s, %(q)s."
    ),
    "declarant_concentration": _(
        "At office %(office)s, %(share)s of the %(n)s declarations handled by %(entity)s came "
        "from declarant %(top)s (%(others)s declarants in all); concentration index %(index)s "
        "against %(expected_index)s expected under random assignment; %(q)s."
    ),
    "officer_concentration": _(
        "At office %(office)s, %(share)s of the %(n)s declarations of %(entity)s went to "
        "officer %(top)s (%(others)s officers in all); concentration index %(index)s against "
        "%(expected_index)s expected under random assignment; %(q)s."
    ),
    "downgrades.officer": _(
        "%(entity)s at office %(office)s moved %(k)s of %(n)s yellow or red declarations to a "
        "lower channel (%(rate)s), against %(peer_rate)s for other officers at office "
        "%(office)s; %(q)s."
    ),
    "red_detection.officer": _(
        "%(entity)s at office %(office)s found an offence in %(k)s of %(n)s inspected red-"
        "channel declarations (%(rate)s), against %(peer_rate)s for other officers at office "
        "%(office)s; %(q)s."
    ),
    "fast_release_red.officer": _(
        "%(entity)s at office %(office)s released %(n)s red-channel declarations in %(hours)s "
        "hours (geometric mean), against %(peer_hours)s hours for other officers at office "
        "%(office)s; %(q)s."
    ),
    "fast_release_yellow.officer": _(
        "%(entity)s at office %(office)s released %(n)s yellow-channel declarations in "
        "%(hours)s hours (geometric mean), against %(peer_hours)s hours for other officers at "
        "office %(office)s; %(q)s."
    ),
    "downgrades.office": _(
        "Office %(office)s moved %(k)s of %(n)s yellow or red declarations to a lower channel "
        "(%(rate)s), against %(peer_rate)s for the other offices; %(q)s."
    ),
    "red_detection.office": _(
        "Office %(office)s found an offence in %(k)s of %(n)s inspected red-channel "
        "declarations (%(rate)s), against %(peer_rate)s for the other offices; %(q)s."
    ),
    "fast_release_red.office": _(
        "Office %(office)s released %(n)s red-channel declarations in %(hours)s hours "
        "(geometric mean), against %(peer_hours)s hours for the other offices; %(q)s."
    ),
    "fast_release_yellow.office": _(
        "Office %(office)s released %(n)s yellow-channel declarations in %(hours)s hours "
        "(geometric mean), against %(peer_hours)s hours for the other offices; %(q)s."
    ),
}
NOT_AVAILABLE = _("n/a")
Q_NOT_COMPUTED = _("q not computed")


def has_wording(parts: object) -> bool:
    """Whether a stored explanation has a structured form this version can word (runs stored
    before it have none, and show the library's English)."""
    if not isinstance(parts, list) or not parts:
        return False
    return all(isinstance(p, dict) and p.get("key") in EXPLANATIONS for p in parts)


def explanation(parts: list[dict[str, Any]]) -> str:
    """An indicator's explanation in the active language, its numbers written the locale's way."""
    out = []
    for part in parts:
        params = part.get("params") or {}
        values = {str(name): _value(str(name), value) for name, value in params.items()}
        out.append(str(EXPLANATIONS[part["key"]]) % values)
    return "".join(out)


def _value(name: str, value: Any) -> str:
    """One parameter, written as the library writes it in English, with the locale's marks."""
    kind = PARAMS.get(name, "text")
    if kind == "text":
        return str(value)
    if kind == "q":
        return _q(value)
    if value is None:
        return str(NOT_AVAILABLE)
    x = float(value)
    if kind == "int":
        return _number(f"{int(x)}")
    if kind == "pct" and x < 0.1:
        return f"{_number(f'{100 * x:.1f}')} %"
    if kind in ("pct", "whole_pct"):
        return f"{_number(f'{100 * x:.0f}')} %"
    if kind == "setting":
        return _number(f"{x:g}")
    return _number(f"{x:.{3 if kind == 'num3' else 1}f}")


def _q(value: Any) -> str:
    if value is None:
        return str(Q_NOT_COMPUTED)
    q = float(value)
    if q < 0.0001:
        return f"q < {_number('0.0001')}"
    return f"q = {_number(f'{q:.1g}' if q < 0.01 else f'{q:.2f}')}"


def _number(text: str) -> str:
    """A number the library wrote in English (digits, point, no grouping) in the locale's way."""
    if "e" in text or "n" in text:  # an exponent, inf or nan: no locale writes them otherwise
        return text
    decimals = len(text.partition(".")[2])
    return number_format(Decimal(text), decimal_pos=decimals, force_grouping=True)
