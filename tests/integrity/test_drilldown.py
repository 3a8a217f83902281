"""The drill-down's pair charts on a hand-built run: an officer's declarant mix against the
office's, a declarant's officers, a pair's quarters; each with its table, caption and access
rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.integrity import drilldown
from arusha.integrity.charts import PAIRED_BAR, mix_chart
from arusha.integrity.models import AnalysisRun, EntityScore, PairCell


def _cell(run: AnalysisRun, **fields: Any) -> PairCell:
    values = {
        "office_id": "OF1",
        "period": "2024Q1",
        "officer_id": "OFR1",
        "declarant_id": "DCL1",
        "n": 30,
        "n_officer": 50,
        "n_declarant": 40,
        "n_office": 200,
        "p_value": 0.2,
        "q_value": 0.5,
        "flagged": False,
    }
    values.update(fields)
    values["expected"] = values["n_officer"] * values["n_declarant"] / values["n_office"]
    return PairCell.objects.create(run=run, **values)


@pytest.fixture
def built(ecuador: Any, alice: Any) -> AnalysisRun:
    """OFR1 at OF1 in 2024Q1 handles 50 declarations: 30 of DCL1 (a fifth of the office's 200),
    10 of DCL2 (half of the office's) and 10 of DCL3 (a tenth, flagged). DCL1 also goes to OFR2.
    In 2024Q2 OFR1 has one cell, less significant."""
    run = AnalysisRun.objects.create(
        organisation=ecuador, uploaded_by=alice, source_name="built.csv", status="done"
    )
    _cell(run)
    _cell(run, declarant_id="DCL2", n=10, n_declarant=100)
    _cell(run, declarant_id="DCL3", n=10, n_declarant=20, q_value=0.01, flagged=True)
    _cell(run, officer_id="OFR2", n=10, n_officer=150, n_declarant=40)
    _cell(run, period="2024Q2", n=8, n_officer=40, n_declarant=30, n_office=160, q_value=0.9)
    for kind, entity, office in [
        ("officer", "OFR1", "OF1"),
        ("declarant", "DCL1", ""),
        ("pair", "OFR1|DCL1", "OF1"),
    ]:
        EntityScore.objects.create(
            run=run, entity_kind=kind, entity_id=entity, office_id=office, score=1.0, rank=1
        )
    return run


def _page(client: Any, run: AnalysisRun, kind: str, entity: str, **query: str) -> str:
    response = client.get(reverse("integrity:entity", args=[run.code, kind, entity]), query)
    assert response.status_code == 200
    return response.content.decode()


def test_an_officers_shares_are_against_the_offices_largest_excess_first(
    built: AnalysisRun,
) -> None:
    score = built.entities.get(entity_kind="officer")
    cells = drilldown.cells_of(built, score)
    quarter = drilldown.chosen_quarter(cells, drilldown.quarters(cells), "")
    assert quarter is not None and quarter.key == "OF1|2024Q1"  # its most significant cell
    mix = drilldown.declarant_mix(cells, quarter)
    assert [s.partner for s in mix.shares] == ["DCL1", "DCL3", "DCL2"]
    shares = {s.partner: (s.share, s.reference) for s in mix.shares}
    assert shares["DCL1"] == pytest.approx((0.6, 0.2))
    assert shares["DCL3"] == pytest.approx((0.2, 0.1))
    assert shares["DCL2"] == pytest.approx((0.2, 0.5))
    assert mix.tested == 3
    chart = mix_chart(mix.shares)
    assert chart.rows[0].width == PAIRED_BAR  # 60 % is the longest bar
    assert chart.rows[0].reference_width == PAIRED_BAR // 3
    assert [r.flagged for r in chart.rows] == [False, True, False]


def test_a_declarants_officers_are_against_each_officers_share_of_the_office(
    built: AnalysisRun,
) -> None:
    score = built.entities.get(entity_kind="declarant")
    cells = drilldown.cells_of(built, score)
    quarter = drilldown.chosen_quarter(cells, drilldown.quarters(cells), "OF1|2024Q1")
    assert quarter is not None
    mix = drilldown.officer_mix(cells, quarter)
    shares = [(s.partner, s.share, s.reference) for s in mix.shares]
    assert shares == [("OFR1", 0.75, 0.25), ("OFR2", 0.25, 0.75)]


def test_only_the_ten_largest_excesses_are_drawn_out_of_all_tested(
    built: AnalysisRun,
) -> None:
    for i in range(10):
        _cell(built, declarant_id=f"DCL{10 + i}", n=5, n_declarant=10 + i)
    score = built.entities.get(entity_kind="officer")
    cells = drilldown.cells_of(built, score)
    quarter = drilldown.chosen_quarter(cells, drilldown.quarters(cells), "")
    assert quarter is not None
    mix = drilldown.declarant_mix(cells, quarter)
    assert (len(mix.shares), mix.tested) == (10, 13)
    assert "DCL2" not in [s.partner for s in mix.shares]  # the only deficit is left out


def test_the_officer_page_draws_the_mix_with_a_table_and_the_notice(
    client: Any, built: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    page = _page(client, built, "officer", "OFR1", office="OF1")
    assert 'id="mix-chart"' in page
    assert page.count('class="bar-value bar-flagged"') == 1
    assert "60.0 %" in page and "20.0 %" in page  # DCL1: the officer's share, the office's
    assert '<td class="num">30 / 50</td>' in page
    assert "Office OF1, 2024Q1." in page
    assert "(3 of 3 shown)" in page
    assert "not proof of wrongdoing" in page
    assert 'style="' not in page
    assert '<option value="OF1|2024Q2">' in page


def test_the_user_picks_another_quarter(client: Any, built: AnalysisRun, alice: Any) -> None:
    client.force_login(alice)
    page = _page(client, built, "officer", "OFR1", office="OF1", quarter="OF1|2024Q2")
    assert "Office OF1, 2024Q2." in page
    assert "20.0 %" in page and "18.8 %" in page  # 8 of 40, 30 of 160
    assert '<option value="OF1|2024Q2" selected>' in page


def test_a_quarter_the_officer_has_no_cell_in_falls_back_to_the_most_significant(
    client: Any, built: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    page = _page(client, built, "officer", "OFR1", office="OF1", quarter="OF9|2030Q1")
    assert "Office OF1, 2024Q1." in page


def test_the_pair_page_shows_observed_against_expected_by_quarter(
    client: Any, built: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    page = _page(client, built, "pair", "OFR1|DCL1", office="OF1")
    assert 'id="pair-chart"' in page and 'id="mix-chart"' not in page
    assert page.index(">2024Q1<") < page.index(">2024Q2<")
    assert '<td class="num">10.0</td>' in page  # expected 50 x 40 / 200 in 2024Q1
    assert "not proof of wrongdoing" in page


def test_an_office_page_has_no_pair_chart(client: Any, built: AnalysisRun, alice: Any) -> None:
    EntityScore.objects.create(
        run=built, entity_kind="office", entity_id="OF1", office_id="OF1", score=0, rank=1
    )
    client.force_login(alice)
    page = _page(client, built, "office", "OF1")
    assert 'id="mix-chart"' not in page and 'id="pair-chart"' not in page


@pytest.mark.parametrize("persona", ["charlie", "bob"])
def test_others_get_404_for_any_quarter_and_no_view_is_audited(
    client: Any, built: AnalysisRun, persona: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for kind, entity in [("officer", "OFR1"), ("declarant", "DCL1"), ("pair", "OFR1|DCL1")]:
        url = reverse("integrity:entity", args=[built.code, kind, entity])
        assert client.get(url, {"quarter": "OF1|2024Q1"}).status_code == 404
    assert not AuditEntry.objects.filter(action="integrity.entity_viewed").exists()


def test_each_quarter_looked_at_is_audited(client: Any, built: AnalysisRun, alice: Any) -> None:
    client.force_login(alice)
    _page(client, built, "officer", "OFR1", office="OF1")
    _page(client, built, "officer", "OFR1", office="OF1", quarter="OF1|2024Q2")
    entries = AuditEntry.objects.filter(action="integrity.entity_viewed")
    assert entries.count() == 2
    assert {e.details["entity_id"] for e in entries} == {"OFR1"}
    assert {e.details["office_id"] for e in entries} == {"OF1"}
    assert "OF1|2024Q2" in {e.details["quarter"] for e in entries}
