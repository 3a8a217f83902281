"""Run the analytics library on a file and keep what it finds: the only module that calls it."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import JSONField, Model, QuerySet

from arusha.analytics import Engine, IntegrityResult, ValidationFailed, run_integrity
from arusha.analytics.csvformat import CsvFormat
from arusha.analytics.integrity import ProgressFn
from arusha.analytics.mapping import Mapping, parse_mapping
from arusha.core.models import Organisation, User
from arusha.integrity.models import AnalysisRun, EntityScore, IndicatorValue, PairCell

BASE_COLUMNS = {
    "entity_kind",
    "entity_id",
    "office_id",
    "score",
    "rank",
    "flags",
    "indicators",
    "top_reason",
    "top_indicator",
    "top_wording",
}


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _jsonable(data: object) -> Any:
    """The summary holds numpy numbers, tuples and maybe NaN; JSON keeps plain values, NaN as null
    (PostgreSQL's jsonb refuses NaN)."""
    return json.loads(json.dumps(data, default=_default), parse_constant=lambda _name: None)


def _default(value: Any) -> Any:
    if hasattr(value, "item"):
        item = value.item()
        return None if isinstance(item, float) and math.isnan(item) else item
    return str(value)


def save_upload(upload: Any, path: Path) -> None:
    """Write an uploaded file to `path`, chunk by chunk (it may be a gigabyte)."""
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def analyse_file(
    path: Path,
    *,
    organisation: Organisation,
    user: User | None,
    source_name: str,
    mapping: str = "",
    mapping_text: str = "",
    layout_name: str = "",
    is_demo: bool = False,
    csv_format: CsvFormat | None = None,
) -> AnalysisRun:
    """Validate, then analyse, the file (a CSV file is read once for both); a run that fails
    validation keeps only its report. `mapping` names a shipped layout; `mapping_text` is the
    YAML of one of the administration's own (see AnalysisRun.mapping_text), `layout_name` the
    name it is saved under, if it is."""
    run = AnalysisRun(
        organisation=organisation,
        uploaded_by=user,
        source_name=source_name,
        mapping=mapping,
        mapping_text=mapping_text,
        layout_name=layout_name,
        is_demo=is_demo,
    )
    return analyse_into(run, path, csv_format)


def analyse_into(
    run: AnalysisRun,
    path: Path,
    csv_format: CsvFormat | None = None,
    progress: ProgressFn | None = None,
) -> AnalysisRun:
    """Analyse the file into `run` (new, or queued by background.py) and save it, done or with
    its validation report. Raises AnalyticsError when the file cannot be read at all."""
    engine = Engine(memory_limit=settings.INTEGRITY_MEMORY_LIMIT or None)
    steps = 0

    def analysing(label: str, done: int, total: int) -> None:
        nonlocal steps
        steps = total + 1  # and then saving the results
        if progress is not None:
            progress(label, done, steps)

    try:
        result = run_integrity(path, layout(run), analysing, csv_format=csv_format, engine=engine)
    except ValidationFailed as failed:
        run.rows = failed.report.rows
        run.status = AnalysisRun.Status.FAILED_VALIDATION
        run.problems = _jsonable(failed.report.to_dict()["problems"])
        with transaction.atomic():
            still_ours(run)
            run.save()
        return run
    finally:
        engine.close()
    if progress is not None:
        progress(SAVING, steps, steps)
    return store_result(run, result)


def layout(run: AnalysisRun) -> Mapping | str | None:
    """How the run's file is read: its own layout's YAML, a shipped layout's name, or None for
    the canonical schema."""
    if run.mapping_text:
        return parse_mapping(run.mapping_text, origin="the run's mapping")
    return run.mapping or None


SAVING = "Saving the results"  # the last step of a background analysis (see wording.STEPS)
STORE_CHUNK = 500  # rows per transaction: another write waits < 1 s (bench_integrity_store.py)


def store_result(run: AnalysisRun, result: IntegrityResult) -> AnalysisRun:
    """Save what the analysis found into `run`, and mark it done.

    On SQLite a transaction holds the write lock of the whole database: a large run's hundreds
    of thousands of rows written in one took 40 s for 5 million declaration lines, during which
    every other write of the platform (a report, a survey answer) waited and then failed. So the
    rows are built outside any transaction and written in transactions of `STORE_CHUNK` rows
    while the run is *being analysed* (its pages and the API show no result of a run in that
    state), and the run is marked done last. When writing stops half-way, the rows already
    written are deleted and the run fails (see also background.recover, for a server stopped
    while writing)."""
    if run.pk is None or run.status != AnalysisRun.Status.RUNNING:
        run.status = AnalysisRun.Status.RUNNING
        run.save()
    try:
        _write(run, EntityScore, _entities(run, result))
        _write(run, IndicatorValue, _indicators(run, result))
        _write(run, PairCell, _pair_cells(run, result))
    except TakenBack:
        raise  # the rows written before were deleted by whoever took the run back
    except BaseException:
        with transaction.atomic():
            if _ours(run):  # else the rows are another process's to keep or delete
                delete_results(run)
                run.status, run.error = AnalysisRun.Status.FAILED, {"kind": "unexpected"}
                run.save(update_fields=["status", "error", "updated_at"])
        raise
    run.status = AnalysisRun.Status.DONE
    run.summary = _jsonable(_summary(result.summary))
    run.rows = int(result.summary.get("rows", run.rows) or 0)  # type: ignore[call-overload]
    with transaction.atomic():
        still_ours(run)
        run.save()
    return run


class TakenBack(Exception):
    """Another server process took the run back (background.abandoned) and analyses it now:
    this one must stop without writing anything more to it."""


def held(pk: int, worker: str) -> QuerySet[AnalysisRun]:
    """The run, while the process named `worker` still analyses it; else nothing."""
    return AnalysisRun.objects.filter(pk=pk, status=AnalysisRun.Status.RUNNING, worker=worker)


def _ours(run: AnalysisRun) -> bool:
    """Whether the run is still being analysed by the process named on it; always, for a run
    no process claimed (analysed while its upload waits). Locks its row until the end of the
    transaction, so that a taking back waits for the write that checked."""
    if not run.worker:
        return True
    return held(run.pk, run.worker).select_for_update().exists()


def still_ours(run: AnalysisRun) -> None:
    """Inside a transaction: raise TakenBack unless the run is still this process's."""
    if not _ours(run):
        raise TakenBack


def _write(run: AnalysisRun, model: type[Model], rows: Iterator[dict[str, Any]]) -> None:
    """Insert `rows` (each a value per field of `model` but its key) in transactions of
    `STORE_CHUNK` rows, one statement run for all the rows of each, each after checking that
    the run is still this process's (TakenBack if not).

    Not bulk_create: it prepares every value of every row through its field, which took 14 s of
    Django's own work for 99,381 indicator values against 1.3 s in SQLite (profiled). The values
    built here are already the database's (text, numbers, booleans); only JSON goes through its
    field, which adapts it for each database."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    prepare = {f.attname: f for f in fields if isinstance(f, JSONField)}
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (the model's own names)
        f"({', '.join(quote(str(f.column)) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [f.attname for f in fields]
    for chunk in _chunks(rows, STORE_CHUNK):
        params = [
            [
                prepare[name].get_db_prep_save(row[name], connection)
                if name in prepare
                else row[name]
                for name in names
            ]
            for row in chunk
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            still_ours(run)
            cursor.executemany(sql, params)


def delete_results(run: AnalysisRun) -> None:
    """Delete what a run found (rows a stopped store left behind, or before analysing again)."""
    for rows in (run.entities, run.indicators, run.pair_cells):
        rows.all().delete()


def _chunks(rows: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    """The rows of a frame as dictionaries, a chunk at a time: converting 100,000 rows at once
    holds Python's lock for seconds, during which the server's other threads (its requests)
    wait."""
    for start in range(0, len(frame), STORE_CHUNK):
        yield from frame.iloc[start : start + STORE_CHUNK].to_dict("records")


def _summary(summary: dict[str, object]) -> dict[str, object]:
    """What the run page shows; the settings and per-step timings stay in the CLI's output."""
    keep = (
        "notice",
        "read_as",
        "rows",
        "declarations",
        "periods",
        "offices",
        "officers",
        "declarants",
    )
    kept = {key: summary[key] for key in keep if key in summary}
    kept["columns_absent"] = summary.get("columns_absent", [])
    kept["indicators"] = summary.get("indicators", {})
    return kept


def _entities(run: AnalysisRun, result: IntegrityResult) -> Iterator[dict[str, Any]]:
    frame = result.entities
    indicator_columns = [c for c in frame.columns if c not in BASE_COLUMNS]
    for row in _records(frame):
        contributions = {
            name: round(value, 3)
            for name in indicator_columns
            if (value := _number(row[name])) is not None
        }
        yield {
            "run_id": run.pk,
            "entity_kind": str(row["entity_kind"]),
            "entity_id": str(row["entity_id"]),
            "office_id": str(row.get("office_id") or ""),
            "score": _number(row["score"]) or 0.0,
            "rank": int(row["rank"]),
            "flags": int(row.get("flags") or 0),
            "top_reason": str(row.get("top_reason") or ""),
            "top_indicator": str(row.get("top_indicator") or ""),
            "top_wording": _parts(row.get("top_wording")),
            "contributions": contributions,
        }


def _indicators(run: AnalysisRun, result: IntegrityResult) -> Iterator[dict[str, Any]]:
    return (
        {
            "run_id": run.pk,
            "entity_kind": str(row["entity_kind"]),
            "entity_id": str(row["entity_id"]),
            "office_id": str(row.get("office_id") or ""),
            "indicator": str(row["indicator"]),
            "period": str(row.get("period") or ""),
            "value": _number(row["value"]),
            "expected": _number(row["expected"]),
            "p_value": _number(row["p_value"]),
            "q_value": _number(row["q_value"]),
            "flagged": bool(row["flagged"]),
            "explanation": str(row.get("explanation") or ""),
            "wording": _parts(row.get("wording")),
        }
        for row in _records(result.indicators)
    )


def _parts(wording: object) -> list[Any]:
    """An explanation's structured form, from the library's JSON text."""
    if not isinstance(wording, str) or not wording:
        return []
    parts = json.loads(wording)
    return parts if isinstance(parts, list) else []


def _pair_cells(run: AnalysisRun, result: IntegrityResult) -> Iterator[dict[str, Any]]:
    """The tested cells; empty when the file has no officer column."""
    return (
        {
            "run_id": run.pk,
            "office_id": str(row["office_id"]),
            "period": str(row["period"]),
            "officer_id": str(row["officer_id"]),
            "declarant_id": str(row["declarant_id"]),
            "n": int(row["n"]),
            "n_officer": int(row["n_i"]),
            "n_declarant": int(row["n_j"]),
            "n_office": int(row["n_t"]),
            "expected": float(row["expected"]),
            "p_value": _number(row["p_value"]),
            "q_value": _number(row["q_value"]),
            "flagged": bool(row["flagged"]),
        }
        for row in _records(result.pair_cells)
    )
