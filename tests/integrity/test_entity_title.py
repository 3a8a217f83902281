"""An entity page names a pair in words ("Officer OFR1 and declarant DCL1"), in the reader's
language, instead of the stored key "OFR1|DCL1"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from arusha.integrity.models import AnalysisRun, EntityScore, PairCell


@pytest.fixture
def pair_run(ecuador: Any, alice: Any) -> AnalysisRun:
    run = AnalysisRun.objects.create(
        organisation=ecuador, uploaded_by=alice, source_name="built.csv", status="done"
    )
    PairCell.objects.create(
        run=run,
        office_id="OF1",
        period="2024Q1",
        officer_id="OFR1",
        declarant_id="DCL1",
        n=30,
        n_officer=50,
        n_declarant=40,
        n_office=200,
        expected=10.0,
        p_value=0.2,
        q_value=0.5,
        flagged=False,
    )
    for kind, entity in [("pair", "OFR1|DCL1"), ("officer", "OFR1")]:
        EntityScore.objects.create(
            run=run, entity_kind=kind, entity_id=entity, office_id="OF1", score=1.0, rank=1
        )
    return run


def _page(client: Any, run: AnalysisRun, kind: str, entity: str) -> str:
    response = client.get(reverse("integrity:entity", args=[run.code, kind, entity]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_pair_page_is_titled_with_the_officer_and_the_declarant(
    client: Any, pair_run: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    page = _page(client, pair_run, "pair", "OFR1|DCL1")
    assert "<h1>Officer OFR1 and declarant DCL1</h1>" in page
    assert "<title>Officer OFR1 and declarant DCL1 · Arusha</title>" in page
    assert "OFR1|DCL1</h1>" not in page


def test_the_pair_title_is_translated(client: Any, pair_run: AnalysisRun, alice: Any) -> None:
    client.force_login(alice)
    with translation.override("es"):
        expected = translation.gettext("Officer %(officer)s and declarant %(declarant)s") % {
            "officer": "OFR1",
            "declarant": "DCL1",
        }
    client.cookies["django_language"] = "es"
    assert f"<h1>{expected}</h1>" in _page(client, pair_run, "pair", "OFR1|DCL1")


def test_an_officer_page_keeps_the_officers_identifier_as_title(
    client: Any, pair_run: AnalysisRun, alice: Any
) -> None:
    client.force_login(alice)
    assert "<h1>OFR1</h1>" in _page(client, pair_run, "officer", "OFR1")
