"""The assessment cycle: answer, submit, request changes, validate; validated is read-only; every
step is in the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.assessments.models import (
    AnswerInput,
    AssessmentLocked,
    IncompleteAssessment,
    NoteMissing,
    WrongStatus,
)
from arusha.core.audit import AuditEntry, verify_chain
from tests.assessments.conftest import answer_everything


def test_it_refuses_to_submit_with_required_questions_unanswered(
    assessment: Any, alice: Any
) -> None:
    assessment.save_section(alice, "kf1", {"kf1.strategy": AnswerInput("emerging")})
    with pytest.raises(IncompleteAssessment) as error:
        assessment.submit(alice)
    assert "kf1.example" in error.value.missing
    assert "kf1.strategy" not in error.value.missing
    assert "kf3.appeal_days" not in error.value.missing  # optional


def test_the_whole_cycle_is_recorded_in_the_audit_trail(
    assessment: Any, alice: Any, rita: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    with pytest.raises(AssessmentLocked):
        assessment.save_section(alice, "kf1", {"kf1.strategy": AnswerInput("leading")})
    with pytest.raises(NoteMissing):
        assessment.request_changes(rita, "  ")
    assessment.request_changes(rita, "Add the evidence for kf6.")
    assert assessment.is_editable
    assessment.save_section(alice, "kf6", {"kf6.audit": AnswerInput("leading")})
    assessment.submit(alice)
    assessment.validate(rita, "Well documented.")
    actions = list(
        AuditEntry.objects.for_object(assessment).order_by("seq").values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "assessments.changes_requested",
        "assessments.answers_saved",
        "assessments.submitted",
        "assessments.validated",
    ]
    assert actions.count("assessments.submitted") == 2
    assert verify_chain() == []


def test_a_validated_assessment_is_read_only(
    client: Any, assessment: Any, alice: Any, rita: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    assessment.validate(rita)
    before = assessment.key_factor_scores()
    with pytest.raises(AssessmentLocked):
        assessment.save_section(alice, "kf1", {"kf1.strategy": AnswerInput("nascent")})
    with pytest.raises(WrongStatus):
        assessment.submit(alice)
    with pytest.raises(AssessmentLocked):
        assessment.comment(rita, "late remark")
    client.force_login(alice)
    url = reverse("assessments:section", args=[assessment.code, "kf1"])
    page = client.get(url).text
    assert "disabled" in page and 'id="save-section"' not in page
    response = client.post(url, {"kf1.strategy": "nascent"})
    assert response.status_code == 404
    assert assessment.answers.get(question_code="kf1.strategy").value == "established"
    assert assessment.key_factor_scores() == before
    # kf1: three maturity questions at 2/3 (weights 1.5 + 1 + 1) and a yes at 0.5: 17/24
    assert before[1] == pytest.approx((3.5 * 2 / 3 + 0.5) / 4)


def test_an_officer_answers_a_section_in_spanish_through_the_form(
    client: Any, assessment: Any, alice: Any
) -> None:
    from django.conf import settings

    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    url = reverse("assessments:section", args=[assessment.code, "kf1"])
    page = client.get(url).text
    assert "Liderazgo y compromiso" in page
    assert "Incipiente" in page
    response = client.post(
        url,
        {
            "kf1.strategy": "established",
            "kf1.unit": "yes",
            "kf1.unit__evidence": "Unidad de Integridad, resolución 12/2024",
            "kf1.unit__link": "https://example.org/resolucion",
            "kf1.example__note": "Entrevistas con directivos",
        },
    )
    assert response.status_code == 302
    unit = assessment.answers.get(question_code="kf1.unit")
    assert (unit.value, unit.evidence) == ("yes", "Unidad de Integridad, resolución 12/2024")
    assert unit.link == "https://example.org/resolucion"
    assert assessment.answers.get(question_code="kf1.example").note == "Entrevistas con directivos"
    assert AuditEntry.objects.filter(action="assessments.answers_saved").exists()


def test_an_officer_attaches_an_evidence_document(
    client: Any, assessment: Any, alice: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    client.force_login(alice)
    url = reverse("assessments:section", args=[assessment.code, "kf7"])
    upload = SimpleUploadedFile("codigo.pdf", b"%PDF-1.4 code", content_type="application/pdf")
    assert client.post(url, {"kf7.code": "emerging", "kf7.code__file": upload}).status_code == 302
    document = assessment.evidence_files.get()
    assert document.question_code == "kf7.code"
    download = client.get(reverse("assessments:evidence", args=[assessment.code, document.code]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 code"


def test_the_review_form_validates_a_submitted_assessment(
    client: Any, assessment: Any, alice: Any, rita: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    client.force_login(rita)
    url = reverse("assessments:review", args=[assessment.code])
    client.post(url, {"decision": "request_changes", "text": ""})
    assessment.refresh_from_db()
    assert assessment.status == "submitted"  # a request for changes needs a note
    client.post(url, {"decision": "validate", "text": ""})
    assessment.refresh_from_db()
    assert assessment.status == "validated"
    assert assessment.validated_by == rita


def test_a_request_for_changes_keeps_the_section_chosen_and_shows_it(
    client: Any, assessment: Any, alice: Any, rita: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    section = assessment.questionnaire().sections[5]
    client.force_login(rita)
    client.post(
        reverse("assessments:review", args=[assessment.code]),
        {"decision": "request_changes", "section": section.code, "text": "Attach the plan."},
    )
    assessment.refresh_from_db()
    assert assessment.status == "changes_requested"
    assert assessment.comments.get().section_code == section.code
    entry = AuditEntry.objects.get(action="assessments.changes_requested")
    assert entry.details["section"] == section.code
    client.force_login(alice)
    detail = client.get(reverse("assessments:detail", args=[assessment.code])).text
    assert f'class="comment-section">{section.title.get("en")}</a>' in detail
    assert f"· {section.code}</header>" not in detail
    page = client.get(reverse("assessments:section", args=[assessment.code, section.code])).text
    assert "Attach the plan." in page.split('id="section-comments"')[1]
    other = assessment.questionnaire().sections[0].code
    page = client.get(reverse("assessments:section", args=[assessment.code, other])).text
    assert "Attach the plan." not in page


def test_an_incomplete_submission_names_the_sections_still_to_answer(
    client: Any, assessment: Any, alice: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.answers.filter(question_code__startswith="kf4.").delete()
    client.force_login(alice)
    url = reverse("assessments:submit", args=[assessment.code])
    page = client.post(url, follow=True).content.decode()
    section = next(s for s in assessment.questionnaire().sections if s.code == "kf4")
    required = sum(1 for q in section.questions if q.required)
    assert f"Still to answer: {section.title.get('en')} ({required})" in page
    assert "kf4." not in page.split('class="messages"')[1].split("</section>")[0]


def test_integrity_officers_cannot_validate_their_own_assessment(
    client: Any, assessment: Any, alice: Any
) -> None:
    answer_everything(assessment, alice)
    assessment.submit(alice)
    client.force_login(alice)
    response = client.post(
        reverse("assessments:review", args=[assessment.code]), {"decision": "validate"}
    )
    assert response.status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_an_officer_opens_a_cycle_on_the_latest_version(
    client: Any, version: Any, alice: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    response = client.post(
        reverse("assessments:open"), {"organisation": ecuador.pk, "cycle": "2027", "year": 2027}
    )
    assert response.status_code == 302
    opened = ecuador.assessments.get(cycle="2027")
    assert opened.questionnaire_version == version
    assert AuditEntry.objects.for_object(opened).get().action == "assessments.opened"
