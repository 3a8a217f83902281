"""The pair chart says how its expected counts are worked out: over the weeks both parties were
at the office."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.integrity.models import AnalysisRun, EntityScore, PairCell


@pytest.fixture
def pair_run(ecuador: Any, alice: Any) -> AnalysisRun:
    run = AnalysisRun.objects.create(
        organisation=ecuador, uploaded_by=alice, source_name="pair.csv", status="done"
    )
    PairCell.objects.create(
        run=run, office_id="OF1", period="2024Q1", officer_id="OFR1", declarant_id="DCL1",
        n=30, n_officer=50, n_declarant=40, n_office=200, expected=8.5, p_value=0.01,
        q_value=0.02, flagged=True,
    )  # fmt: skip
    EntityScore.objects.create(
        run=run, entity_kind="pair", entity_id="OFR1|DCL1", office_id="OF1", score=1.0, rank=1
    )
    return run


def _caption(client: Any, run: AnalysisRun) -> str:
    url = reverse("integrity:entity", args=[run.code, "pair", "OFR1|DCL1"])
    response = client.get(url, {"office": "OF1"})
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('<figcaption id="pair-chart-caption">')
    return page[start : page.index("</figcaption>", start)]


def test_the_pair_chart_says_the_expected_count_is_summed_over_the_weeks_both_were_there(
    client: Any, pair_run: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    caption = _caption(client, pair_run)
    assert "for each week both were at the office" in caption
    assert "summed over those weeks" in caption
