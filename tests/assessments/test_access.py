"""No administration sees another's assessments, answers or risks; roles decide who answers and
who reviews."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from arusha.assessments.models import AnswerInput, EvidenceFile
from arusha.assessments.risks import Risk
from arusha.core.models import ApiToken
from tests.assessments.conftest import answer_everything


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def risk(ecuador: Any) -> Risk:
    return Risk.objects.create(
        organisation=ecuador,
        process_step="valuation",
        title="Undervaluation for a payment",
        key_factor=4,
        likelihood=4,
        impact=5,
        control_likelihood=3,
        control_impact=4,
        owner="Integrity unit",
    )


def _protected_urls(assessment: Any, risk: Risk) -> list[str]:
    code = assessment.code
    document = EvidenceFile.objects.create(
        assessment=assessment,
        question_code="kf1.unit",
        title="x.pdf",
        document=ContentFile(b"%PDF-1.4", name="x.pdf"),
    )
    return [
        reverse("assessments:detail", args=[code]),
        reverse("assessments:section", args=[code, "kf1"]),
        reverse("assessments:results", args=[code]),
        reverse("assessments:report", args=[code]),
        reverse("assessments:xlsx", args=[code]),
        reverse("assessments:evidence", args=[code, document.code]),
        reverse("assessments:gap_action", args=[code, "kf1.unit"]),
        reverse("assessments:actions", args=[assessment.organisation.code]),
        reverse("assessments:risk_map", args=[assessment.organisation.code]),
        reverse("assessments:risk_detail", args=[risk.code]),
    ]


def test_another_administration_gets_404_everywhere(
    client: Any, assessment: Any, alice: Any, charlie: Any, risk: Risk
) -> None:
    assessment.save_section(alice, "kf1", {"kf1.unit": AnswerInput("yes", "Resolución secreta")})
    client.force_login(charlie)
    for url in _protected_urls(assessment, risk):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Resolución secreta" not in response.text
    assert assessment.code.hex not in client.get(reverse("assessments:list")).text.replace("-", "")


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_coordinators_and_platform_admins_do_not_see_an_administrations_answers(
    client: Any, assessment: Any, risk: Risk, persona: str, request: Any
) -> None:
    from tests.conftest import verified_client

    user = request.getfixturevalue(persona)
    verified_client(client, user)
    for url in _protected_urls(assessment, risk):
        assert client.get(url).status_code == 404, url


def test_the_owners_see_everything(client: Any, assessment: Any, bob: Any, risk: Risk) -> None:
    client.force_login(bob)
    for url in _protected_urls(assessment, risk):
        if "/gaps/" in url:
            continue  # creating actions is for integrity officers
        assert client.get(url).status_code == 200, url


def test_a_viewer_reads_but_cannot_answer(client: Any, assessment: Any, bob: Any) -> None:
    client.force_login(bob)
    url = reverse("assessments:section", args=[assessment.code, "kf1"])
    assert client.post(url, {"kf1.strategy": "leading"}).status_code == 404
    assert client.post(reverse("assessments:submit", args=[assessment.code])).status_code == 404
    assert not assessment.answers.exists()


def test_an_assigned_colleague_answers_only_their_section(
    client: Any, assessment: Any, alice: Any, bob: Any
) -> None:
    assessment.assign(alice, "kf8", bob)
    client.force_login(bob)
    kf8 = reverse("assessments:section", args=[assessment.code, "kf8"])
    kf1 = reverse("assessments:section", args=[assessment.code, "kf1"])
    assert client.post(kf8, {"kf8.merit": "emerging"}).status_code == 302
    assert client.post(kf1, {"kf1.strategy": "leading"}).status_code == 404
    assert list(assessment.answers.values_list("question_code", flat=True)) == ["kf8.merit"]


def test_an_invited_external_reviewer_sees_and_validates_that_assessment_only(
    client: Any, assessment: Any, alice: Any, charlie: Any, peru: Any, version: Any
) -> None:
    from arusha.assessments.models import Assessment

    other = Assessment.objects.create(
        organisation=assessment.organisation, cycle="2020", year=2020, questionnaire_version=version
    )
    answer_everything(assessment, alice)
    assessment.submit(alice)
    client.force_login(alice)
    client.post(reverse("assessments:invite", args=[assessment.code]), {"email": charlie.email})
    assert assessment.external_reviewers.filter(pk=charlie.pk).exists()
    client.force_login(charlie)
    assert client.get(reverse("assessments:detail", args=[assessment.code])).status_code == 200
    assert client.get(reverse("assessments:detail", args=[other.code])).status_code == 404
    section = reverse("assessments:section", args=[assessment.code, "kf1"])
    assert client.post(section, {"kf1.strategy": "nascent"}).status_code == 404
    client.post(reverse("assessments:review", args=[assessment.code]), {"decision": "validate"})
    assessment.refresh_from_db()
    assert assessment.status == "validated"


def test_the_api_hides_other_administrations_assessments(
    client: Any, assessment: Any, alice: Any, charlie: Any, risk: Risk
) -> None:
    assessment.save_section(alice, "kf1", {"kf1.unit": AnswerInput("yes")})
    _token, raw = ApiToken.issue(charlie, "charlie")
    headers = {"Authorization": f"Bearer {raw}"}
    for url in [
        f"/api/assessments/{assessment.code}",
        f"/api/assessments/{assessment.code}/answers",
        f"/api/assessments/{assessment.code}/results",
        f"/api/risks/{risk.code}",
    ]:
        assert client.get(url, headers=headers).status_code == 404, url
    assert client.get("/api/assessments", headers=headers).json() == []
    assert client.get("/api/risks", headers=headers).json() == []
    response = client.put(
        f"/api/assessments/{assessment.code}/answers/kf1.unit",
        data={"value": "no"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    assert assessment.answers.get().value == "yes"


def test_only_integrity_officers_keep_the_risk_map(
    client: Any, bob: Any, alice: Any, risk: Risk, ecuador: Any
) -> None:
    client.force_login(bob)
    assert client.get(reverse("assessments:risk_create", args=[ecuador.code])).status_code == 404
    treatment = reverse("assessments:treatment_add", args=[risk.code])
    assert client.post(treatment, {"title": "x"}).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("assessments:risk_create", args=[ecuador.code])).status_code == 200
