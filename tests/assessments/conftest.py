"""Fixtures of the assessment tests: the shipped framework published, an Ecuador assessment,
and Rita, Ecuador's assessment reviewer."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def version(db: None) -> Any:
    from arusha.questionnaires.loading import load_files
    from arusha.questionnaires.schema import shipped_questionnaires

    path = next(p for p in shipped_questionnaires() if p.name == "arusha-self-assessment.yaml")
    return load_files([path])[0].version


@pytest.fixture
def rita(make_user: Any, ecuador: Any) -> Any:
    return make_user("rita", ecuador, "assessment_reviewer")


@pytest.fixture
def assessment(version: Any, ecuador: Any, alice: Any) -> Any:
    from arusha.assessments.models import Assessment

    return Assessment.objects.create(
        organisation=ecuador,
        cycle="2026",
        year=2026,
        questionnaire_version=version,
        opened_by=alice,
    )


def answer_everything(assessment: Any, user: Any, level: str = "established") -> None:
    """Answer every question: maturity at `level`, yes, numbers at their top band."""
    from arusha.assessments.models import AnswerInput

    questionnaire = assessment.questionnaire()
    for section in questionnaire.sections:
        answers = {}
        for question in section.questions:
            if question.kind == "maturity":
                value: Any = level
            elif question.kind == "yes_no_evidence":
                value = "yes"
            elif question.kind == "number":
                value = question.max if question.max is not None else 10
            else:
                continue
            answers[question.code] = AnswerInput(value=value, evidence="Annual report")
        assessment.save_section(user, section.code, answers)
