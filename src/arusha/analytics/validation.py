"""Validation before analysis: every problem in the data, with counts and example row numbers.

Checks: required columns present; required values present; values parsable; no impossible values
(negative amounts, release before lodging, dates before 1950 or in the future, item numbers
below 1); (declaration_id, item_no) unique; every declaration has an item 1; office, declarant,
officer and lodging date the same on every item of a declaration. Any problem stops the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from arusha.analytics.engine import ROW, Engine, Reject
from arusha.analytics.load import Check, Staged

EXAMPLES = 5
# Item numbers 1..62 are checked for duplicates with one bit each inside a 64-bit integer
# (sum of bits = OR of bits exactly when no item repeats); other numbers get an exact re-check.
MAX_BIT_ITEM = 62
DECLARATION_FIELDS = ("office_id", "declarant_id", "officer_id", "lodged_at")


# Every kind of problem, with a label for screens (the web app keeps translated copies).
PROBLEM_KINDS = {
    "missing_column": "Required column missing",
    "empty": "No data rows",
    "missing_value": "Required value missing",
    "unparsable": "Value cannot be read",
    "impossible": "Impossible value",
    "duplicate_key": "Repeated declaration and item number",
    "missing_first_item": "Declaration without item 1",
    "inconsistent": "Differs between items of a declaration",
    "malformed_row": "Row does not fit the header",
    "encoding": "Text in another encoding",
}
# DuckDB's types of CSV rows set aside -> (kind, detail, English message).
REJECTS = {
    "TOO MANY COLUMNS": (
        "malformed_row",
        "too_many_fields",
        "the row has more fields than the header",
    ),
    "MISSING COLUMNS": (
        "malformed_row",
        "too_few_fields",
        "the row has fewer fields than the header",
    ),
    "UNQUOTED VALUE": (
        "malformed_row",
        "unclosed_quote",
        "a quotation mark is not closed, or is followed by other text in the field",
    ),
    "LINE SIZE OVER MAXIMUM": ("malformed_row", "line_too_long", "the line is too long"),
    "INVALID ENCODING": ("encoding", "not_utf8", "the text is not valid UTF-8"),
    "INVALID UNICODE": ("encoding", "not_utf8", "the text is not valid UTF-8"),
}
UNREADABLE_ROW = ("malformed_row", "unreadable", "the row cannot be read")
WHOLE_ROW_REJECTS = frozenset({"TOO MANY COLUMNS", "MISSING COLUMNS"})


@dataclass(frozen=True)
class Problem:
    """One kind of problem in one column: how many rows, and the first few row numbers."""

    column: str
    kind: str  # a key of PROBLEM_KINDS
    count: int
    rows: tuple[int, ...]
    message: str
    detail: str = ""  # what exactly is wrong, for the web app's translated wording
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"Unknown kind of problem: {self.kind}")

    def describe(self) -> str:
        if self.kind in ("missing_column", "empty"):
            return self.message
        unit = "declaration" if self.kind in ("inconsistent", "missing_first_item") else "row"
        unit += "" if self.count == 1 else "s"
        example = ", ".join(str(r) for r in self.rows)
        label = "row" if len(self.rows) == 1 else "rows"
        return f"{self.message}: {self.count:,} {unit} (for example {label} {example})"

    @classmethod
    def from_dict(cls, stored: dict[str, object]) -> Problem:
        """A problem back from `ValidationReport.to_dict` (as the web app stores it)."""
        return cls(**{**stored, "rows": tuple(stored["rows"])})  # type: ignore[arg-type]

    @property
    def lacks_required_column(self) -> bool:
        return self.kind == "missing_column" and self.detail == "required"


@dataclass
class ValidationReport:
    """All problems found. Row numbers count data rows from 1 (a CSV header is not counted)."""

    rows: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"{self.rows:,} rows checked, no problems."
        return f"Validation failed with {len(self.problems)} problem(s); nothing was analysed."

    def to_text(self) -> str:
        lines = [self.summary()]
        lines += [f"- [{p.column or '-'}] {p.describe()}" for p in self.problems]
        return "\n".join(lines)

    @property
    def lacks_required_columns(self) -> bool:
        """Required columns missing: read without a mapping, most likely the administration's
        own export, whose columns have other names."""
        return any(p.lacks_required_column for p in self.problems)

    def to_dict(self) -> dict[str, object]:
        return {"rows": self.rows, "ok": self.ok, "problems": [asdict(p) for p in self.problems]}


SEPARATE_CHECKS_FROM = 1_000_000  # rows from which checks on a value's form run per value


def validate_staged(engine: Engine, staged: Staged) -> ValidationReport:
    """Run every check; return the report (the caller decides to stop).

    On large data the checks on a column's form (a tariff code, a country, a channel) run once
    per distinct value, and every other check is counted in one query over the rows. On small
    data one query counts everything, as the fixed cost of grouping would dominate. (Until
    2026-12-07 each check on large data was its own query, so that the engine could skip blocks
    by their statistics: one query for all of them is two to three times faster.)"""
    if staged.missing:
        problems = [
            Problem(m.column, "missing_column", 0, (), m.message, m.detail, m.params)
            for m in staged.missing
        ]
        return ValidationReport(rows=0, problems=problems)
    if staged.rejected:
        # Rows that do not fit the header shift every later row: report them alone.
        return ValidationReport(rows=0, problems=_rejected(staged.rejected))
    wide = staged.wide
    report = ValidationReport(rows=int(wide.count().to_pyarrow().as_py()))
    if report.rows == 0:
        report.problems.append(Problem("", "empty", 0, (), "The file has no data rows.", "no_rows"))
        return report
    checks = staged.checks
    if report.rows >= SEPARATE_CHECKS_FROM:
        counts = _counts_apart(wide, checks)
    else:
        counts = _counts_together(wide, checks)
    for check, count in zip(checks, counts, strict=True):
        if count:
            rows = _examples(_failing(wide, check))
            report.problems.append(
                Problem(
                    check.column, check.kind, count, rows, check.message, check.detail, check.params
                )
            )
    key_problems = _key_problems if engine.is_duckdb else _key_problems_portable
    report.problems += key_problems(wide, staged.present)
    return report


def _rejected(rejects: list[Reject]) -> list[Problem]:
    """One problem per kind of CSV row set aside and column, with the first row numbers.

    The reader sets a row with fields too many or too few aside once per field it lacks or
    has over; that is one problem of the whole row, counted once."""
    groups: dict[tuple[str, str, str, str], set[int]] = {}
    for reject in rejects:
        kind, detail, message = REJECTS.get(reject.kind, UNREADABLE_ROW)
        column = "" if reject.kind in WHOLE_ROW_REJECTS else reject.column
        groups.setdefault((kind, detail, message, column), set()).add(reject.row)
    return [
        Problem(column, kind, len(rows), tuple(sorted(rows)[:EXAMPLES]), message, detail)
        for (kind, detail, message, column), rows in groups.items()
    ]


def _counts_together(wide: ir.Table, checks: list[Check]) -> list[int]:
    """The rows failing each check, counted in one query."""
    sums = {f"c{i}": c.condition(wide).cast("int64").sum() for i, c in enumerate(checks)}
    found = wide.aggregate(**sums).to_pyarrow().to_pylist()[0]
    return [int(found[f"c{i}"] or 0) for i in range(len(checks))]


def _counts_apart(wide: ir.Table, checks: list[Check]) -> list[int]:
    """The rows failing each check on large data: the checks on a column's form by counting the
    rows of each distinct value and testing the values once each, every other check together in
    one query (one scan of 5 million rows: 0.05 s, against 0.11 s for one query per check)."""
    plain = [c for c in checks if not c.per_value]
    together = iter(_counts_together(wide, plain) if plain else [])
    return [_per_value_count(wide, c) if c.per_value else next(together) for c in checks]


def _per_value_count(wide: ir.Table, check: Check) -> int:
    """Rows whose value fails a check on its form: the rows of each distinct source value,
    summed over the values that fail (one grouping, where filtering the rows by the failing
    values would scan them a second time)."""
    if check.source is None or check.transform is None:  # stage() sets both for per_value checks
        raise ValueError(f"{check.column}: a per-value check needs a source column")
    values = wide.group_by(check.source).aggregate(__rows=wide.count())
    values = values.mutate(**{check.column: check.transform(values[check.source])})
    bad = values.filter(check.condition(values))
    return int(bad.aggregate(n=bad["__rows"].sum()).to_pyarrow().column("n")[0].as_py() or 0)


def _count(rows: ir.Table) -> int:
    return int(rows.count().to_pyarrow().as_py())


def _failing(wide: ir.Table, check: Check) -> ir.Table:
    return _per_value(wide, check) if check.per_value else wide.filter(check.condition(wide))


def _per_value(wide: ir.Table, check: Check) -> ir.Table:
    """The rows whose value fails a check on its form, testing each distinct source value once."""
    if check.source is None or check.transform is None:  # stage() sets both for per_value checks
        raise ValueError(f"{check.column}: a per-value check needs a source column")
    values = wide.select(check.source).distinct()
    values = values.mutate(**{check.column: check.transform(values[check.source])})
    bad = values.filter(check.condition(values)).select(check.source)
    return wide.semi_join(bad, check.source)


def _examples(rows: ir.Table) -> tuple[int, ...]:
    picked = rows.select(ROW).order_by(ROW).limit(EXAMPLES).to_pyarrow()
    return tuple(int(r) for r in picked.column(ROW).to_pylist())


@ibis.udf.scalar.builtin(name="hash")
def _hash(value) -> dt.uint64:  # any type goes in
    """The engine's own 64-bit hash (Ibis's .hash() adds two casts per row on DuckDB)."""


def _fingerprint(t: ir.Table, fields: list[str]) -> ir.IntegerValue:
    """One number per row that changes when any of `fields` changes (shifts keep the fields
    apart, so that swapping two values does not cancel out)."""
    out: ir.IntegerValue = _hash(t[fields[0]])
    for shift, f in enumerate(fields[1:], start=1):
        out = out ^ (_hash(t[f]) >> shift)
    return out


def _key_problems(t: ir.Table, present: frozenset[str]) -> list[Problem]:
    """Duplicate keys, declarations without item 1, and fields that differ between items.

    One pass: per declaration, the sum and the OR of one bit per item number (equal exactly
    when no item number repeats; numbers outside 1..62 all share bit 0, so two of them force
    an exact re-check), and the smallest and largest fingerprint of its declaration fields."""
    fields = [f for f in DECLARATION_FIELDS if f in present]
    item = t.item_no
    in_range = (item >= 1) & (item <= MAX_BIT_ITEM)
    bit = ibis.ifelse(in_range, ibis.literal(1, "int64") << item, ibis.literal(1, "int64"))
    fingerprint = _fingerprint(t, fields)
    per_decl = t.group_by("declaration_id").aggregate(
        bits_sum=bit.sum(), bits_or=bit.bit_or(), lo=fingerprint.min(), hi=fingerprint.max()
    )
    return _declaration_problems(
        t,
        fields,
        per_decl,
        suspects=per_decl.bits_sum != per_decl.bits_or,
        no_first=(per_decl.bits_or & 2) == 0,
    )


def _key_problems_portable(t: ir.Table, present: frozenset[str]) -> list[Problem]:
    """The same checks in operations every Ibis backend compiles (PySpark has no BIT_OR and no
    unsigned hash): per declaration, its items against its distinct item numbers, its items
    numbered 1, and the smallest and largest of its declaration fields written as one text."""
    fields = [f for f in DECLARATION_FIELDS if f in present]
    parts = [t[f].cast("string").fill_null("\x00") for f in fields]
    joined = ibis.literal("\x1f").join(parts)
    per_decl = t.group_by("declaration_id").aggregate(
        n=t.count(),
        items=t.item_no.nunique(),
        first=t.count(where=t.item_no == 1),
        lo=joined.min(),
        hi=joined.max(),
    )
    return _declaration_problems(
        t, fields, per_decl, suspects=per_decl.n != per_decl.items, no_first=per_decl.first == 0
    )


def _declaration_problems(
    t: ir.Table,
    fields: list[str],
    per_decl: ir.Table,
    *,
    suspects: ir.BooleanValue,
    no_first: ir.BooleanValue,
) -> list[Problem]:
    """Problems from one row per declaration: `suspects` may repeat an item number (checked
    exactly), `no_first` has no item 1, and lo != hi when declaration fields differ."""
    totals = per_decl.aggregate(
        suspects=per_decl.count(where=suspects),
        no_first=per_decl.count(where=no_first),
        differ=per_decl.count(where=per_decl.lo != per_decl.hi),
    )
    found = totals.to_pyarrow().to_pylist()[0]
    problems: list[Problem] = []
    if found["suspects"]:
        problems += _duplicates(t, per_decl.filter(suspects).select("declaration_id"))
    if found["no_first"]:
        ids = per_decl.filter(no_first).select("declaration_id")
        rows = _examples(t.filter(t.declaration_id.isin(ids.declaration_id)))
        message = "declaration has no item 1 (declaration-level fields are read from item 1)"
        count = int(found["no_first"])
        problems.append(Problem("item_no", "missing_first_item", count, rows, message, "no_item_1"))
    if found["differ"]:
        problems += _inconsistent(t, fields)
    return problems


def _inconsistent(t: ir.Table, fields: list[str]) -> list[Problem]:
    """Which declaration fields differ between items (only run when some do)."""
    per_decl = t.group_by("declaration_id").aggregate(
        **{f"{f}_n": t[f].nunique() for f in fields},
        **{f"{f}_null": t[f].isnull().cast("int64").sum() for f in fields},
        n=t.count(),
    )
    problems = []
    for f in fields:
        differs = (per_decl[f"{f}_n"] > 1) | (
            (per_decl[f"{f}_null"] > 0) & (per_decl[f"{f}_null"] < per_decl.n)
        )
        ids = per_decl.filter(differs).select("declaration_id")
        count = int(ids.count().to_pyarrow().as_py())
        if count:
            rows = _examples(t.filter(t.declaration_id.isin(ids.declaration_id)))
            message = f"{f} differs between items of the same declaration"
            problems.append(Problem(f, "inconsistent", count, rows, message, "differs"))
    return problems


def _duplicates(t: ir.Table, suspects: ir.Table) -> list[Problem]:
    """Exact check of (declaration_id, item_no) on the declarations the bit test singled out."""
    lines = t.filter(t.declaration_id.isin(suspects.declaration_id) & t.item_no.notnull())
    keys = (
        lines.group_by(["declaration_id", "item_no"])
        .aggregate(n=lines.count())
        .filter(lambda k: k.n > 1)
    )
    extra = int(
        keys.aggregate(extra=(keys.n - 1).sum()).to_pyarrow().column("extra")[0].as_py() or 0
    )
    if not extra:
        return []
    repeated = lines.semi_join(keys, ["declaration_id", "item_no"])
    message = "(declaration_id, item_no) repeats an earlier row"
    rows = _examples(repeated)
    return [Problem("declaration_id", "duplicate_key", extra, rows, message, "repeats")]
