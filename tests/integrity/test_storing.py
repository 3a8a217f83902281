"""Storing a run's results: in short transactions, so that on SQLite (where a transaction holds
the whole database's write lock) a large run does not stop every other write of the platform for
the tens of seconds its rows take; nothing of a run is shown before it is done; a store that stops
half-way leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse

from arusha.analytics import run_integrity
from arusha.integrity import storing
from arusha.integrity.models import AnalysisRun, EntityScore, IndicatorValue, PairCell

Status = AnalysisRun.Status


@pytest.fixture(scope="module")
def result(declarations_csv: Path) -> Any:
    return run_integrity(declarations_csv)


def _new_run(ecuador: Any, alice: Any) -> AnalysisRun:
    return AnalysisRun(organisation=ecuador, uploaded_by=alice, source_name="declarations.csv")


@pytest.mark.django_db(transaction=True)
def test_rows_are_written_in_short_transactions_while_the_run_shows_nothing(
    client: Any, result: Any, ecuador: Any, alice: Any, monkeypatch: Any
) -> None:
    """Between two chunks no transaction is open (another writer gets the lock), the chunks
    written are committed, and the run is still being analysed: its pages and the API show
    none of them."""
    monkeypatch.setattr(storing, "STORE_CHUNK", 25)
    assert len(result.entities) > 50
    chunks = storing._chunks
    seen: list[tuple[bool, str, int]] = []
    client.force_login(alice)

    def watched(rows: Any, size: int) -> Any:
        for chunk in chunks(rows, size):
            run = AnalysisRun.objects.get()
            seen.append((connection.in_atomic_block, run.status, EntityScore.objects.count()))
            if len(seen) == 3:  # some entities are written: the pages still show none
                scored = EntityScore.objects.first()
                assert scored is not None
                page = reverse(
                    "integrity:entity", args=[run.code, scored.entity_kind, scored.entity_id]
                )
                assert client.get(page).status_code == 404
                api = client.get(f"/api/integrity/runs/{run.code}/entities")
                assert api.status_code == 409
                assert client.get(reverse("integrity:export", args=[run.code])).status_code == 404
            yield chunk

    monkeypatch.setattr(storing, "_chunks", watched)
    run = storing.store_result(_new_run(ecuador, alice), result)

    assert len(seen) > 3
    assert not any(atomic for atomic, _status, _count in seen)
    assert {status for _atomic, status, _count in seen} == {Status.RUNNING}
    assert seen[2][2] == 50  # two chunks of entities committed before the third
    run.refresh_from_db()
    assert run.status == Status.DONE
    assert run.entities.count() == len(result.entities)
    assert run.indicators.count() == len(result.indicators)
    assert run.pair_cells.count() == len(result.pair_cells)


def test_a_store_that_stops_half_way_leaves_no_rows(
    result: Any, ecuador: Any, alice: Any, monkeypatch: Any
) -> None:
    """Entities are written, then the indicator values stop after two chunks (a disk full, a
    value the database refuses): the run fails and none of its rows stays."""
    monkeypatch.setattr(storing, "STORE_CHUNK", 50)
    assert len(result.indicators) > 100
    real = storing._indicators
    given: list[int] = []

    def stopping(run: Any, found: Any) -> Any:
        for row in real(run, found):
            if len(given) == 100:
                raise OSError("disk full")
            given.append(1)
            yield row

    monkeypatch.setattr(storing, "_indicators", stopping)
    with pytest.raises(OSError, match="disk full"):
        storing.store_result(_new_run(ecuador, alice), result)
    run = AnalysisRun.objects.get()
    assert (run.status, run.error) == (Status.FAILED, {"kind": "unexpected"})
    assert len(given) == 100
    for model in (EntityScore, IndicatorValue, PairCell):
        assert not model.objects.exists(), model


def test_stored_rows_are_the_results_as_the_orm_reads_them(
    result: Any, ecuador: Any, alice: Any
) -> None:
    """Written with one statement per chunk, not through the ORM: every field reads back as the
    library gave it, JSON included."""
    run = storing.store_result(_new_run(ecuador, alice), result)
    first = result.indicators.iloc[0]
    stored = run.indicators.get(
        entity_kind=first["entity_kind"],
        entity_id=str(first["entity_id"]),
        office_id=str(first["office_id"] or ""),
        indicator=first["indicator"],
        period=str(first["period"] or ""),
    )
    assert stored.flagged == bool(first["flagged"])
    assert stored.value == pytest.approx(first["value"])
    assert stored.wording == json.loads(first["wording"])
    assert stored.explanation == first["explanation"]
    top = run.entities.order_by("entity_kind", "rank").filter(entity_kind="officer").first()
    assert top is not None and top.rank == 1
    assert isinstance(top.contributions, dict) and top.contributions
    assert top.top_wording and isinstance(top.top_wording, list)
    cell = run.pair_cells.order_by("-n").first()
    assert cell is not None
    assert cell.n == int(result.pair_cells["n"].max())


def test_saving_is_the_last_step_a_background_analysis_reports(
    declarations_csv: Path, ecuador: Any, alice: Any
) -> None:
    steps: list[tuple[str, int, int]] = []
    run = _new_run(ecuador, alice)
    storing.analyse_into(run, declarations_csv, None, lambda *step: steps.append(step))
    assert steps[-1] == (storing.SAVING, 8, 8)
    assert [done for _label, done, _total in steps] == list(range(1, 9))
    assert {total for _label, _done, total in steps} == {8}
    assert run.status == Status.DONE
