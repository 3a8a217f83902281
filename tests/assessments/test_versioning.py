"""A new questionnaire version leaves old answers and scores unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from arusha.assessments.models import AnswerInput, Assessment
from arusha.questionnaires.loading import publish
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.schema import parse_questionnaire


def _second_version(version: Any) -> Any:
    """Version 2026.1: kf1.strategy reworded and weighted 3 instead of 1.5."""
    content = dict(version.content)
    content["version"] = "2026.1"
    sections = [dict(s) for s in content["sections"]]
    questions = [dict(q) for q in sections[0]["questions"]]
    questions[0]["weight"] = 3.0
    questions[0]["text"] = {**questions[0]["text"], "en": "Is there an integrity strategy?"}
    sections[0]["questions"] = questions
    content["sections"] = sections
    return publish(parse_questionnaire(content)).version


def test_a_new_version_leaves_old_answers_and_scores_unchanged(
    assessment: Any, alice: Any, ecuador: Any
) -> None:
    assessment.save_section(
        alice,
        "kf1",
        {"kf1.strategy": AnswerInput("leading"), "kf1.example": AnswerInput("nascent")},
    )
    before = assessment.scores().key_factors[1].score
    assert before == pytest.approx(1.5 / 2.5)

    newer = _second_version(assessment.questionnaire_version)
    assert newer.pk != assessment.questionnaire_version.pk
    assert QuestionnaireVersion.objects.latest_of("arusha-self-assessment") == newer

    assessment.refresh_from_db()
    assert assessment.questionnaire_version.version == "2025.1"
    assert assessment.scores().key_factors[1].score == pytest.approx(before)
    assert assessment.answers.get(question_code="kf1.strategy").value == "leading"
    assert assessment.questionnaire().question("kf1.strategy").weight == 1.5

    # The same answers on the new version weigh differently: (3 × 1 + 1 × 0) / 4.
    later = Assessment.objects.create(
        organisation=ecuador, cycle="2027", year=2027, questionnaire_version=newer
    )
    later.save_section(
        alice,
        "kf1",
        {"kf1.strategy": AnswerInput("leading"), "kf1.example": AnswerInput("nascent")},
    )
    assert later.scores().key_factors[1].score == pytest.approx(0.75)
    assert (
        later.questionnaire().question("kf1.strategy").text.en == "Is there an integrity strategy?"
    )
