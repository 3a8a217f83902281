"""From a gap to an action in the integrity action plan, linked back to the key factor and
question; or in a joint action plan of the partnerships app."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from arusha.assessments.models import AnswerInput, IntegrityAction
from arusha.core.audit import AuditEntry


def test_an_officer_creates_an_action_from_a_gap(client: Any, assessment: Any, alice: Any) -> None:
    assessment.save_section(alice, "kf7", {"kf7.gifts": AnswerInput("no")})
    client.force_login(alice)
    results = client.get(reverse("assessments:results", args=[assessment.code])).text
    url = reverse("assessments:gap_action", args=[assessment.code, "kf7.gifts"])
    assert url in results
    response = client.post(
        url,
        {
            "plan": "integrity",
            "title": "Open a gifts register",
            "owner": "Integrity unit",
            "due_date": "2026-12-31",
        },
    )
    assert response.url == reverse("assessments:actions", args=[assessment.organisation.code])
    action = IntegrityAction.objects.get()
    assert (action.key_factor, action.question_code, action.assessment) == (
        7,
        "kf7.gifts",
        assessment,
    )
    assert action.due_date == date(2026, 12, 31)
    assert AuditEntry.objects.for_object(action).get().action == "assessments.gap_action_created"
    results = client.get(reverse("assessments:results", args=[assessment.code])).text
    assert "Open a gifts register" in results
    listing = client.get(response.url).text
    gifts = assessment.questionnaire().question("kf7.gifts").text.get("en")
    assert "Open a gifts register" in listing and gifts in listing


def test_the_action_can_go_into_a_joint_action_plan(
    client: Any, assessment: Any, alice: Any, ecuador: Any
) -> None:
    from arusha.partnerships.models import Action, ActionPlan, Agreement

    agreement = Agreement.objects.create(
        kind="mou", title="MoU with brokers", scope="national", administration=ecuador
    )
    plan = ActionPlan.objects.create(agreement=agreement, administration=ecuador, title="Plan 2026")
    client.force_login(alice)
    url = reverse("assessments:gap_action", args=[assessment.code, "kf10.agreements"])
    assert "Plan 2026" in client.get(url).text
    client.post(url, {"plan": str(plan.code), "title": "Sign an MoU with carriers"})
    joint = Action.objects.get()
    assert (joint.plan, joint.number, joint.title) == (plan, 1, "Sign an MoU with carriers")
    assert IntegrityAction.objects.get().partnership_action == joint


def test_only_integrity_officers_create_actions(client: Any, assessment: Any, bob: Any) -> None:
    client.force_login(bob)
    url = reverse("assessments:gap_action", args=[assessment.code, "kf7.gifts"])
    assert client.post(url, {"plan": "integrity", "title": "x"}).status_code == 404
    assert not IntegrityAction.objects.exists()


def test_an_unknown_question_is_404(client: Any, assessment: Any, alice: Any) -> None:
    client.force_login(alice)
    url = reverse("assessments:gap_action", args=[assessment.code, "kf99.nothing"])
    assert client.get(url).status_code == 404


def test_the_action_plan_and_the_evidence_name_questions_in_words(
    client: Any, assessment: Any, alice: Any
) -> None:
    assessment.save_section(
        alice, "kf7", {"kf7.gifts": AnswerInput("no", note="Register started in March")}
    )
    IntegrityAction.objects.create(
        organisation=assessment.organisation,
        assessment=assessment,
        key_factor=7,
        question_code="kf7.gifts",
        title="Open a gifts register",
    )
    question = assessment.questionnaire().question("kf7.gifts")
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    plan = client.get(reverse("assessments:actions", args=[assessment.organisation.code])).text
    assert question.text.get("es") in plan
    assert "kf7.gifts" not in plan
    results = client.get(reverse("assessments:results", args=[assessment.code])).text
    assert f"<strong>{question.text.get('es')}</strong>: Register started" in results
    report = client.get(reverse("assessments:report", args=[assessment.code])).text
    assert f"{question.text.get('es')}: " in report and "kf7.gifts:" not in report
    assert assessment.questionnaire_version.content_hash not in report
    assert assessment.questionnaire_version.content_hash[:12] in report
