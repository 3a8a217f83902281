"""Scores on hand-computed examples. The questionnaire is samples.scoring_data():

section a (key factor 1): a1 maturity 1..4, weight 2; a2 yes/no; a3 number with bands
                          0 -> 0, 50 -> 0.5, 90 -> 1
section b (key factor 2): b1 choice good 1 / fair 0.5 / poor 0 / dont_know (no answer);
                          b2 multiple p1 0.25, p2 0.25, p3 0.5, none 0; b3 text (unscored)
section c (key factor 1): c1 maturity 1..4
bands: nascent from 0, emerging from 0.25, established from 0.5, leading from 0.75
"""

from __future__ import annotations

from typing import Any

import pytest

from arusha.questionnaires.schema import Questionnaire, parse_questionnaire
from arusha.questionnaires.scoring import (
    Answer,
    AnswerError,
    band_for,
    is_favourable,
    is_unfavourable,
    missing_required,
    normalise_answer,
    score_answers,
)
from tests.questionnaires.samples import scoring_data


@pytest.fixture
def questionnaire() -> Questionnaire:
    return parse_questionnaire(scoring_data())


ANSWERS: dict[str, Any] = {
    "a1": "established",  # (3 - 1) / (4 - 1) = 2/3
    "a2": {"value": "yes", "evidence": "Strategy 2024"},  # 1
    "a3": 60,  # band from 50: 0.5
    "b1": "dont_know",  # answered, but no score: outside the mean
    "b2": ["p1", "p3"],  # 0.25 + 0.5 = 0.75
    "b3": "Free text is never scored",
    # c1 unanswered
}


def test_each_kind_of_question_maps_to_a_score(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, ANSWERS)

    assert scores.questions["a1"].score == pytest.approx(2 / 3)
    assert scores.questions["a2"].score == 1
    assert scores.questions["a3"].score == 0.5
    assert scores.questions["b1"].score is None
    assert scores.questions["b1"].answered is True
    assert scores.questions["b2"].score == 0.75
    assert scores.questions["b3"].score is None
    assert scores.questions["c1"].answered is False


def test_a_section_is_the_weighted_mean_of_its_answered_questions(
    questionnaire: Questionnaire,
) -> None:
    scores = score_answers(questionnaire, ANSWERS)

    # a: (2 * 2/3 + 1 * 1 + 1 * 0.5) / (2 + 1 + 1) = (17/6) / 4 = 17/24 = 0.7083 -> established
    section_a = scores.sections["a"]
    assert section_a.score == pytest.approx(17 / 24)
    assert section_a.level == "established"
    assert (section_a.scored, section_a.unanswered, section_a.no_score) == (3, 0, 0)
    # b: b1 has no score and b3 is text, so b2 alone: 0.75 / 1 = 0.75, exactly on "leading"
    section_b = scores.sections["b"]
    assert section_b.score == 0.75
    assert section_b.level == "leading"
    assert (section_b.scored, section_b.unanswered, section_b.no_score) == (1, 0, 1)
    # weight in the mean / weight of scored questions = 1 / (1 + 1)
    assert section_b.coverage == 0.5


def test_a_section_with_nothing_answered_has_no_score(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, ANSWERS)

    section_c = scores.sections["c"]
    assert section_c.score is None
    assert section_c.level is None
    assert (section_c.scored, section_c.unanswered, section_c.coverage) == (0, 1, 0.0)


def test_a_key_factor_pools_the_questions_of_all_its_sections(
    questionnaire: Questionnaire,
) -> None:
    scores = score_answers(questionnaire, {**ANSWERS, "c1": "nascent"})

    # factor 1 = sections a and c: (2 * 2/3 + 1 + 0.5 + 1 * 0) / (2 + 1 + 1 + 1) = (17/6) / 5
    assert scores.key_factors[1].score == pytest.approx(17 / 30)
    assert scores.key_factors[1].level == "established"
    assert scores.key_factors[2].score == 0.75


def test_overall_is_the_mean_of_section_scores(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, ANSWERS)

    # sections a and b (c has no score), equal section weights: (17/24 + 18/24) / 2 = 35/48
    assert scores.overall.score == pytest.approx(35 / 48)
    assert scores.overall.level == "established"
    # scored questions a1 a2 a3 b1 b2 c1: four in the mean, b1 no score, c1 unanswered
    assert (scores.overall.scored, scores.overall.no_score, scores.overall.unanswered) == (4, 1, 1)
    # answered weight (2 + 1 + 1 + 1) over all scored weight (2 + 1 + 1 + 1 + 1 + 1)
    assert scores.overall.coverage == pytest.approx(5 / 7)


def test_overall_can_pool_all_questions_instead() -> None:
    data = scoring_data()
    data["scoring"]["overall"] = "questions"
    questionnaire = parse_questionnaire(data)

    scores = score_answers(questionnaire, ANSWERS)

    # (2 * 2/3 + 1 + 0.5 + 0.75) / (2 + 1 + 1 + 1) = (43/12) / 5 = 43/60
    assert scores.overall.score == pytest.approx(43 / 60)


def test_section_weights_count_in_the_overall_score() -> None:
    data = scoring_data()
    data["sections"][1]["weight"] = 3
    questionnaire = parse_questionnaire(data)

    scores = score_answers(questionnaire, ANSWERS)

    # (1 * 17/24 + 3 * 18/24) / 4 = (71/24) / 4 = 71/96
    assert scores.overall.score == pytest.approx(71 / 96)


def test_unanswered_questions_do_not_pull_a_score_down(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, {"a1": "leading"})

    assert scores.sections["a"].score == 1
    assert scores.sections["a"].unanswered == 2
    assert scores.sections["a"].coverage == 0.5  # weight 2 of 4
    assert scores.overall.score == 1


def test_no_answers_at_all_give_no_score(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, {})

    assert scores.overall.score is None
    assert scores.overall.level is None
    assert scores.overall.unanswered == 6


def test_empty_values_count_as_unanswered(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, {"a1": None, "a3": "", "b2": [], "a2": Answer()})

    assert scores.overall.unanswered == 6


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "nascent"),
        (0.2499, "nascent"),
        (0.25, "emerging"),
        (0.4999, "emerging"),
        (0.5, "established"),
        (0.7499, "established"),
        (0.75, "leading"),
        (1, "leading"),
    ],
)
def test_band_boundaries_belong_to_the_higher_band(
    questionnaire: Questionnaire, score: float, level: str
) -> None:
    band = band_for(questionnaire, score)

    assert band is not None
    assert band.code == level


def test_band_lookup_is_exact_where_floating_point_is_not() -> None:
    data = scoring_data()
    b1, b2 = data["sections"][1]["questions"][:2]
    b1["weight"] = 3
    b1["options"][1]["score"] = 0.7  # fair
    b2["options"][0]["score"] = 0.9  # p1
    questionnaire = parse_questionnaire(data)

    scores = score_answers(questionnaire, {"b1": "fair", "b2": ["p1"]})

    # (3 * 0.7 + 1 * 0.9) / 4 = 3 / 4 exactly, which floats miss by a hair
    assert (3 * 0.7 + 0.9) / 4 < 0.75
    assert scores.sections["b"].score == 0.75
    assert scores.sections["b"].level == "leading"


def test_three_emerging_answers_are_exactly_one_third() -> None:
    data = scoring_data()
    data["sections"][0]["questions"][0]["weight"] = 1
    data["sections"][0]["questions"][1:] = [
        {**data["sections"][0]["questions"][0], "code": code} for code in ("a4", "a5")
    ]
    questionnaire = parse_questionnaire(data)

    scores = score_answers(questionnaire, {"a1": "emerging", "a4": 2, "a5": "emerging"})

    assert scores.sections["a"].score == pytest.approx(1 / 3)
    assert scores.sections["a"].level == "emerging"


def test_several_choices_add_up_to_at_most_one(questionnaire: Questionnaire) -> None:
    scores = score_answers(questionnaire, {"b2": ["p1", "p2", "p3"], "b1": "fair"})

    # b2: 0.25 + 0.25 + 0.5 = 1; b1: 0.5; section b = (1 + 0.5) / 2
    assert scores.questions["b2"].score == 1
    assert scores.sections["b"].score == 0.75

    data = scoring_data()
    data["sections"][1]["questions"][1]["options"][2]["score"] = 0.75
    capped = score_answers(parse_questionnaire(data), {"b2": ["p1", "p2", "p3"]})
    assert capped.questions["b2"].score == 1  # 0.25 + 0.25 + 0.75 = 1.25, capped


def test_a_number_below_every_band_scores_zero_and_bands_include_their_start() -> None:
    data = scoring_data()
    data["sections"][0]["questions"][2]["score_bands"][0]["at_least"] = 10
    questionnaire = parse_questionnaire(data)

    assert score_answers(questionnaire, {"a3": 5}).questions["a3"].score == 0
    assert score_answers(questionnaire, {"a3": 90}).questions["a3"].score == 1
    assert score_answers(questionnaire, {"a3": 89.9}).questions["a3"].score == 0.5


def test_answers_come_in_several_shapes(questionnaire: Questionnaire) -> None:
    a1 = questionnaire.question("a1")
    a2 = questionnaire.question("a2")

    assert normalise_answer(a1, 3) == normalise_answer(a1, "established")
    assert normalise_answer(a2, True) == Answer("yes")
    assert normalise_answer(a2, Answer("no", evidence=" none ")) == Answer("no", "none")
    assert normalise_answer(a2, {"value": "yes", "evidence": "Plan"}) == Answer("yes", "Plan")


def test_answers_that_do_not_fit_are_all_reported(questionnaire: Questionnaire) -> None:
    answers: dict[str, Any] = {
        "a1": "expert",
        "a2": "maybe",
        "a3": 101,
        "b1": "excellent",
        "b2": ["p1", "p1"],
        "zz": "?",
    }

    with pytest.raises(AnswerError) as caught:
        score_answers(questionnaire, answers)

    assert caught.value.problems == [
        "zz: no such question",
        "a1: 'expert' is not a level of the scale",
        "a2: expected 'yes' or 'no', got 'maybe'",
        "a3: 101 is above the maximum 100",
        "b1: unknown option 'excellent'",
        "b2: an option is chosen twice",
    ]


def test_booleans_are_not_maturity_levels_and_numbers_must_be_finite(
    questionnaire: Questionnaire,
) -> None:
    with pytest.raises(AnswerError) as caught:
        score_answers(questionnaire, {"a1": True, "a3": False})
    with pytest.raises(AnswerError) as not_a_number:
        score_answers(questionnaire, {"a3": float("nan")})

    assert caught.value.problems == [
        "a1: True is not a level of the scale",
        "a3: expected a number, got False",
    ]
    assert not_a_number.value.problems == ["a3: expected a number, got nan"]


def test_missing_required_lists_unanswered_required_questions(
    questionnaire: Questionnaire,
) -> None:
    # b3 is optional; b1 answered "don't know" still counts as answered
    assert missing_required(questionnaire, ANSWERS) == ["c1"]


def test_unfavourable_answers_are_recognised(questionnaire: Questionnaire) -> None:
    b1 = questionnaire.question("b1")

    assert is_unfavourable(b1, "poor") is True
    assert is_unfavourable(b1, "fair") is False
    assert is_unfavourable(b1, "good") is False
    assert is_favourable(b1, "good") is True
    assert is_favourable(b1, "fair") is False


def test_no_answer_options_and_blanks_do_not_count_in_shares(
    questionnaire: Questionnaire,
) -> None:
    b1 = questionnaire.question("b1")

    assert is_unfavourable(b1, "dont_know") is None
    assert is_unfavourable(b1, None) is None
    assert is_favourable(b1, "dont_know") is None


def test_questions_without_sentiment_sets_are_not_classified(
    questionnaire: Questionnaire,
) -> None:
    assert is_unfavourable(questionnaire.question("b2"), ["p1"]) is None
    assert is_unfavourable(questionnaire.question("a2"), "no") is None
