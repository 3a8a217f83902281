"""Every tested (office, quarter, officer, declarant) cell is stored with its run, with the
library's numbers, and goes when the run goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arusha.analytics import run_integrity
from arusha.integrity.models import AnalysisRun, PairCell

KEY = ["office_id", "period", "officer_id", "declarant_id"]


@pytest.fixture(scope="module")
def library_cells(declarations_csv: Path) -> Any:
    return run_integrity(declarations_csv).pair_cells


def test_each_tested_cell_is_stored_with_the_librarys_numbers(run: Any, library_cells: Any) -> None:
    stored = {
        (c.office_id, c.period, c.officer_id, c.declarant_id): c for c in run.pair_cells.all()
    }
    assert len(library_cells) > 0
    assert len(stored) == len(library_cells)
    for row in library_cells.to_dict("records"):
        cell = stored[tuple(row[k] for k in KEY)]
        assert (cell.n, cell.n_officer, cell.n_declarant, cell.n_office) == (
            row["n"],
            row["n_i"],
            row["n_j"],
            row["n_t"],
        )
        assert cell.expected == pytest.approx(row["expected"])
        assert cell.p_value == pytest.approx(row["p_value"])
        assert cell.q_value == pytest.approx(row["q_value"])
        assert cell.flagged == row["flagged"]


def test_the_cells_agree_with_the_pair_excess_indicator(run: Any) -> None:
    """The pair's indicator row quotes its most significant quarter: that cell is stored."""
    indicator = run.indicators.filter(indicator="pair_excess").order_by("q_value").first()
    officer, declarant = indicator.entity_id.split("|")
    cell = run.pair_cells.get(
        office_id=indicator.office_id,
        period=indicator.period,
        officer_id=officer,
        declarant_id=declarant,
    )
    assert cell.n == indicator.value
    assert cell.expected == pytest.approx(indicator.expected)


def test_a_failed_validation_stores_no_cell_and_deleting_a_run_removes_its_cells(
    run: Any, ecuador: Any, alice: Any, tmp_path: Path
) -> None:
    from arusha.integrity.storing import analyse_file

    bad = tmp_path / "bad.csv"
    bad.write_text("declaration_id,office_id\nD1,\n")
    failed = analyse_file(bad, organisation=ecuador, user=alice, source_name="bad.csv")
    assert failed.status == AnalysisRun.Status.FAILED_VALIDATION
    assert not failed.pair_cells.exists()
    assert PairCell.objects.filter(run=run).exists()
    run.delete()
    assert not PairCell.objects.exists()
