"""Scores of an assessment, computed by hand on the shipped framework."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.assessments.models import AnswerInput


def _answer_kf1_and_kf4(assessment: Any, alice: Any) -> None:
    assessment.save_section(
        alice,
        "kf1",
        {
            "kf1.strategy": AnswerInput("established"),  # weight 1.5, score 2/3
            "kf1.example": AnswerInput("leading"),  # weight 1, score 1
            "kf1.unit": AnswerInput("no"),  # weight 0.5, score 0
            "kf1.declarations": AnswerInput("nascent"),  # weight 1, score 0
        },
    )
    assessment.save_section(
        alice,
        "kf4",
        {
            "kf4.electronic": AnswerInput(85),  # weight 1, band from 80: 0.67
            "kf4.selection": AnswerInput("emerging"),  # weight 1.5, score 1/3
        },
    )


def test_key_factor_scores_match_the_hand_computed_means(assessment: Any, alice: Any) -> None:
    _answer_kf1_and_kf4(assessment, alice)
    scores = assessment.scores()
    # kf1: (1.5 × 2/3 + 1 × 1 + 0.5 × 0 + 1 × 0) / 4 = 2/4
    assert scores.key_factors[1].score == pytest.approx(0.5)
    assert scores.key_factors[1].level == "established"
    # kf4: (1 × 0.67 + 1.5 × 1/3) / 2.5 = 1.17 / 2.5; the unanswered questions are left out
    assert scores.key_factors[4].score == pytest.approx(0.468)
    assert scores.key_factors[4].level == "emerging"
    assert scores.key_factors[4].unanswered == 3
    # Overall: the mean of the two scored sections.
    assert scores.overall.score == pytest.approx((0.5 + 0.468) / 2)
    assert 2 not in scores.key_factors or scores.key_factors[2].score is None


def test_the_results_page_shows_scores_strengths_and_gaps(
    client: Any, assessment: Any, alice: Any
) -> None:
    _answer_kf1_and_kf4(assessment, alice)
    client.force_login(alice)
    page = client.get(reverse("assessments:results", args=[assessment.code])).text
    assert "50/100" in page  # kf1
    assert "47/100" in page  # kf4
    kf1 = page.split('id="kf1"')[1].split("</article>")[0]
    strengths, gaps = kf1.split("Gaps")
    assert "How visibly do senior managers lead on integrity?" in strengths  # leading
    assert "kf1.unit" in gaps and "kf1.declarations" in gaps  # a "no" and a nascent


def test_an_answer_that_does_not_fit_is_refused(assessment: Any, alice: Any) -> None:
    from arusha.questionnaires.scoring import AnswerError

    with pytest.raises(AnswerError) as error:
        assessment.save_section(alice, "kf4", {"kf4.electronic": AnswerInput(150)})
    assert "kf4.electronic" in str(error.value)
    assert not assessment.answers.exists()
