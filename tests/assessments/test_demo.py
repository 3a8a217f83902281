"""The demo: validated assessments for six AMS administrations over two cycles, SENAE's third
cycle in progress, SENAE's risk map; loading twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from arusha.assessments.models import Assessment
from arusha.assessments.results import regional_comparison
from arusha.assessments.risks import Risk
from arusha.core.audit import verify_chain
from arusha.questionnaires.models import QuestionnaireVersion


def test_the_demo_loads_twice_without_duplicates(db: Any) -> None:
    call_command("load_demo")
    counts = (
        Assessment.objects.count(),
        Risk.objects.count(),
        QuestionnaireVersion.objects.count(),
    )
    call_command("load_demo")
    assert (
        Assessment.objects.count(),
        Risk.objects.count(),
        QuestionnaireVersion.objects.count(),
    ) == counts
    assert verify_chain() == []


def test_the_demo_shows_the_regional_comparison_and_one_cycle_in_progress(db: Any) -> None:
    call_command("load_demo")
    validated = Assessment.objects.validated().for_region("AMS")
    assert validated.values("organisation").distinct().count() >= 5
    assert validated.values("year").distinct().count() == 2
    comparison = regional_comparison("AMS")
    assert not comparison.suppressed
    assert all(value is not None for value in comparison.medians.values())
    current = Assessment.objects.get(organisation__short_name="SENAE", year=2026)
    assert current.status == "draft"
    assert current.answers.exists()
    assert Risk.objects.filter(organisation__short_name="SENAE").count() >= 8
    assert {r.process_step for r in Risk.objects.all()} >= {"lodging", "valuation", "release"}
