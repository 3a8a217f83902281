"""Fixtures of the survey tests: the shipped perception questionnaire published, two SENAE
offices, an open SENAE campaign, and helpers that answer the whole questionnaire."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest


@pytest.fixture
def survey_version(db: None) -> Any:
    from arusha.questionnaires.loading import load_files
    from arusha.questionnaires.schema import shipped_questionnaires

    path = next(p for p in shipped_questionnaires() if p.name == "private-sector-perception.yaml")
    return load_files([path])[0].version


@pytest.fixture
def offices(ecuador: Any) -> list[Any]:
    from arusha.reporting.models import Office

    return [
        Office.objects.create(organisation=ecuador, code="GYE-MAR", name="Guayaquil port"),
        Office.objects.create(organisation=ecuador, code="UIO-AIR", name="Quito airport"),
    ]


@pytest.fixture
def campaign(survey_version: Any, ecuador: Any, offices: Any, alice: Any) -> Any:
    from django.utils import timezone

    from arusha.surveys.models import Campaign

    today = timezone.localdate()
    return Campaign.objects.create(
        organisation=ecuador,
        title="Perception 2026",
        questionnaire_version=survey_version,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=30),
        target_groups=["importer", "customs_broker"],
        created_by=alice,
    )


def full_answers(
    questionnaire: Any,
    agreement: str = "agree",
    group: str | None = "importer",
    office: str | None = "GYE-MAR",
    frequency: str = "never",
) -> dict[str, Any]:
    """An answer to every required question (and the attributes asked for)."""
    answers: dict[str, Any] = {}
    for _section, question in questionnaire.iter_questions():
        if question.code == "about.business_kind":
            value: Any = group
        elif question.code == "about.main_office":
            value = office
        elif question.option_set == "agreement":
            value = agreement
        elif question.option_set == "frequency":
            value = frequency
        elif not question.required:
            continue
        elif question.kind == "single_choice":
            value = question.choices[0].code
        else:
            continue
        if value is not None:
            answers[question.code] = value
    return answers


def add_responses(campaign: Any, count: int, **kwargs: Any) -> None:
    """Store `count` identical responses directly (results tests need many)."""
    from django.utils import timezone

    from arusha.surveys.models import Response

    questionnaire = campaign.questionnaire_version.questionnaire()
    answers = full_answers(questionnaire, **kwargs)
    attribute_codes = {q.code for _s, q in questionnaire.iter_questions() if q.attribute}
    Response.objects.bulk_create(
        Response(
            campaign=campaign,
            questionnaire_version=campaign.questionnaire_version,
            submitted_on=timezone.localdate(),
            via=Response.Via.OPEN_LINK,
            answers={k: v for k, v in answers.items() if k not in attribute_codes},
            attributes={k: v for k, v in answers.items() if k in attribute_codes},
        )
        for _ in range(count)
    )
