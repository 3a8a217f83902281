"""The API: assessments, answers, results, regional median and risks, with the pages' rules."""

from __future__ import annotations

from typing import Any

import pytest

from arusha.core.models import ApiToken
from tests.assessments.conftest import answer_everything


def _api(client: Any, user: Any) -> Any:
    _token, raw = ApiToken.issue(user, "test")
    headers = {"Authorization": f"Bearer {raw}"}

    class Calls:
        def get(self, url: str) -> Any:
            return client.get(url, headers=headers)

        def put(self, url: str, data: dict[str, Any]) -> Any:
            return client.put(url, data=data, content_type="application/json", headers=headers)

    return Calls()


def test_an_officer_answers_and_reads_the_results(client: Any, assessment: Any, alice: Any) -> None:
    api = _api(client, alice)
    url = f"/api/assessments/{assessment.code}/answers/kf1.unit"
    response = api.put(url, {"value": "yes", "evidence": "Resolución 12"})
    assert response.status_code == 200, response.content
    assert response.json()["evidence"] == "Resolución 12"
    assert api.put(url, {"value": "maybe"}).status_code == 422
    listed = api.get("/api/assessments").json()
    assert [a["code"] for a in listed] == [str(assessment.code)]
    assert listed[0]["questionnaire_hash"] == assessment.questionnaire_version.content_hash
    results = api.get(f"/api/assessments/{assessment.code}/results").json()
    kf1 = next(f for f in results["key_factors"] if f["key_factor"] == 1)
    assert kf1["score"] == pytest.approx(1.0)


def test_a_viewer_may_read_but_not_answer(client: Any, assessment: Any, bob: Any) -> None:
    api = _api(client, bob)
    assert api.get(f"/api/assessments/{assessment.code}/answers").status_code == 200
    response = api.put(f"/api/assessments/{assessment.code}/answers/kf1.unit", {"value": "yes"})
    assert response.status_code == 403


def test_a_validated_assessment_refuses_answers(
    client: Any, assessment: Any, alice: Any, rita: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    assessment.validate(rita)
    api = _api(client, alice)
    response = api.put(f"/api/assessments/{assessment.code}/answers/kf1.unit", {"value": "no"})
    assert response.status_code == 403
    assert assessment.answers.get(question_code="kf1.unit").value == "yes"


def test_the_regional_median_is_for_coordinators_and_suppressed(
    client: Any, coordinator: Any, alice: Any, assessment: Any
) -> None:
    body = _api(client, coordinator).get("/api/assessments/regions/AMS/median").json()
    assert body == {"region": "AMS", "suppressed": True, "medians": None}
    assert _api(client, alice).get("/api/assessments/regions/AMS/median").status_code == 404


def test_questionnaire_versions_are_readable_by_any_signed_in_user(
    client: Any, version: Any, charlie: Any
) -> None:
    api = _api(client, charlie)
    listed = api.get("/api/questionnaires").json()
    assert [v["content_hash"] for v in listed] == [version.content_hash]
    detail = api.get(f"/api/questionnaires/{version.code}").json()
    assert detail["content"]["slug"] == "arusha-self-assessment"
    assert client.get("/api/questionnaires").status_code == 401


def test_risks_come_with_their_treatments(client: Any, alice: Any, ecuador: Any) -> None:
    from arusha.assessments.risks import Risk, RiskTreatment

    risk = Risk.objects.create(
        organisation=ecuador,
        process_step="release",
        title="Release delayed",
        key_factor=3,
        likelihood=3,
        impact=3,
        control_likelihood=3,
        control_impact=2,
        owner="Ops",
    )
    RiskTreatment.objects.create(risk=risk, title="Publish release times", reduces_likelihood=1)
    body = _api(client, alice).get("/api/risks").json()
    assert body[0]["inherent"] == 9 and body[0]["residual"] == 6
    assert body[0]["treatments"][0]["title"] == "Publish release times"
