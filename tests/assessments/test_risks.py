"""The corruption risk map: residual risk follows completed treatment actions; heat maps."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.assessments.risks import Risk, RiskTreatment, rating_band
from arusha.core.audit import AuditEntry


@pytest.fixture
def risk(ecuador: Any) -> Risk:
    return Risk.objects.create(
        organisation=ecuador,
        process_step="physical_inspection",
        title="Inspection waived for a payment",
        actors="examining officer, forwarder",
        key_factor=8,
        likelihood=5,
        impact=4,
        control_likelihood=4,
        control_impact=4,
        owner="Integrity unit",
    )


def test_residual_risk_is_recomputed_as_treatments_are_completed(risk: Risk, alice: Any) -> None:
    assert (risk.inherent, risk.residual) == (20, 16)
    cameras = RiskTreatment.objects.create(risk=risk, title="Body cameras", reduces_likelihood=2)
    rotation = RiskTreatment.objects.create(
        risk=risk, title="Rotation", reduces_likelihood=1, reduces_impact=1
    )
    risk.set_treatment_done(alice, cameras, True)
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 4)
    risk.set_treatment_done(alice, rotation, True)
    risk.refresh_from_db()
    assert (risk.residual_likelihood, risk.residual_impact, risk.residual) == (1, 3, 3)
    risk.set_treatment_done(alice, cameras, False)
    risk.refresh_from_db()
    assert risk.residual == 9
    assert AuditEntry.objects.filter(action="assessments.risk_treatment_done").count() == 2
    assert AuditEntry.objects.filter(action="assessments.risk_treatment_reopened").count() == 1


def test_residual_risk_never_falls_below_one(risk: Risk, alice: Any) -> None:
    big = RiskTreatment.objects.create(risk=risk, title="Scanner", reduces_likelihood=4)
    other = RiskTreatment.objects.create(risk=risk, title="Audit", reduces_likelihood=4)
    risk.set_treatment_done(alice, big, True)
    risk.set_treatment_done(alice, other, True)
    assert risk.residual_likelihood == 1


def test_rating_bands() -> None:
    assert [rating_band(n) for n in (1, 4, 5, 9, 10, 16, 20, 25)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
        "critical",
        "critical",
    ]


def test_an_officer_records_a_risk_and_completes_a_treatment(
    client: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("assessments:risk_create", args=[ecuador.code]),
        {
            "process_step": "valuation",
            "title": "Undervaluation accepted",
            "actors": "importer, valuer",
            "key_factor": 4,
            "likelihood": 4,
            "impact": 5,
            "existing_controls": "Value database",
            "control_likelihood": 3,
            "control_impact": 4,
            "owner": "Valuation unit",
        },
    )
    risk = Risk.objects.get()
    assert response.url == reverse("assessments:risk_detail", args=[risk.code])
    client.post(
        reverse("assessments:treatment_add", args=[risk.code]),
        {"title": "Second review", "reduces_likelihood": 1, "reduces_impact": 0},
    )
    treatment = risk.treatments.get()
    client.post(
        reverse("assessments:treatment_done", args=[risk.code, treatment.code]), {"done": "1"}
    )
    risk.refresh_from_db()
    assert risk.residual == 2 * 4
    page = client.get(reverse("assessments:risk_map", args=[ecuador.code])).text
    assert "Undervaluation accepted" in page
    assert page.count("<svg") == 2
    assert "Inherent risk" in page and "Residual risk" in page


def test_controls_cannot_raise_a_risk(client: Any, alice: Any, ecuador: Any) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("assessments:risk_create", args=[ecuador.code]),
        {
            "process_step": "release",
            "title": "Release delayed",
            "key_factor": 3,
            "likelihood": 2,
            "impact": 2,
            "control_likelihood": 4,
            "control_impact": 2,
            "owner": "Ops",
        },
    )
    assert response.status_code == 200
    assert "Controls cannot make the risk higher." in response.text
    assert not Risk.objects.exists()
