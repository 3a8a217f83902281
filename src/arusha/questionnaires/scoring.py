"""Score answers to a questionnaire, and classify perception-survey answers.

Each scored question gives a score from 0 to 1; a section, a key factor and the whole questionnaire
get the weighted mean of the scores they contain, over answered questions only, and a maturity band.
Arithmetic is exact (fractions), so a score that sits on a band boundary gets the higher band.
docs/questionnaires.md states the formulas.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeAlias

from arusha.questionnaires.schema import Band, Question, Questionnaire, Section


@dataclass(frozen=True)
class Answer:
    """One answer. `value` by kind: maturity a level code or value; single_choice an option
    code; multiple_choice a list of option codes; number a number; yes_no_evidence "yes"/"no"
    (or a bool); text a string. None, "" and [] mean unanswered."""

    value: Any = None
    evidence: str = ""


# An Answer, a mapping {"value": ..., "evidence": ...} as stored in JSON, or the bare value.
AnswerLike: TypeAlias = Answer | Mapping[str, Any] | str | int | float | bool | Sequence[str] | None


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire; `problems` names each question."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class QuestionScore:
    code: str
    section: str
    weight: float
    answered: bool
    # 0..1; None when unanswered, not a scored question, or the answer carries no score.
    score: float | None


@dataclass(frozen=True)
class GroupScore:
    """The score of a section, a key factor or the whole questionnaire."""

    score: float | None  # weighted mean over scored answers; None when there are none
    level: str | None  # code of the maturity band the score falls in
    scored: int  # scored questions whose answer entered the mean
    unanswered: int  # scored questions left unanswered (outside the mean)
    no_score: int  # scored questions answered with a no-score option, e.g. "don't know"
    coverage: float  # weight of the answers in the mean / weight of all scored questions


@dataclass(frozen=True)
class Scores:
    questions: dict[str, QuestionScore]
    sections: dict[str, GroupScore]
    key_factors: dict[int, GroupScore]
    overall: GroupScore


# Answers ------------------------------------------------------------------------------------


def as_answer(raw: AnswerLike) -> Answer:
    if isinstance(raw, Answer):
        return raw
    if isinstance(raw, Mapping):
        return Answer(value=raw.get("value"), evidence=str(raw.get("evidence") or ""))
    return Answer(value=raw)


def normalise_answer(question: Question, raw: AnswerLike) -> Answer | None:
    """The answer in canonical form, None when unanswered; ValueError when it does not fit."""
    answer = as_answer(raw)
    value = answer.value
    if value is None or value == "" or (isinstance(value, list | tuple) and not value):
        return None
    value = _NORMALISERS[question.kind](question, value)
    return Answer(value=value, evidence=answer.evidence.strip())


def _maturity(question: Question, value: Any) -> str:
    scale = question.maturity_scale
    point = scale.point(value) if scale and not isinstance(value, bool) else None
    if point is None:
        raise ValueError(f"{value!r} is not a level of the scale")
    return point.code


def _single(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected an option code, got {value!r}")
    if question.choices and question.choice(value) is None:
        raise ValueError(f"unknown option {value!r}")
    return value


def _multiple(question: Question, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"expected a list of option codes, got {value!r}")
    codes = tuple(_single(question, code) for code in value)
    if len(set(codes)) != len(codes):
        raise ValueError("an option is chosen twice")
    return codes


def _number(question: Question, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"expected a number, got {value!r}")
    if question.integer and value != int(value):
        raise ValueError(f"expected a whole number, got {value!r}")
    if question.min is not None and value < question.min:
        raise ValueError(f"{value!r} is below the minimum {question.min:g}")
    if question.max is not None and value > question.max:
        raise ValueError(f"{value!r} is above the maximum {question.max:g}")
    return value


def _yes_no(question: Question, value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value in ("yes", "no"):
        return str(value)
    raise ValueError(f"expected 'yes' or 'no', got {value!r}")


def _text(question: Question, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {value!r}")
    return value


_NORMALISERS = {
    "maturity": _maturity,
    "single_choice": _single,
    "multiple_choice": _multiple,
    "number": _number,
    "yes_no_evidence": _yes_no,
    "text": _text,
}


def normalise_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerLike]
) -> dict[str, Answer]:
    """Answered questions only, in canonical form; AnswerError lists every answer that misfits."""
    codes = {question.code for _, question in questionnaire.iter_questions()}
    problems = [f"{code}: no such question" for code in answers if code not in codes]
    normalised = {}
    for _, question in questionnaire.iter_questions():
        if question.code not in answers:
            continue
        try:
            answer = normalise_answer(question, answers[question.code])
        except ValueError as exc:
            problems.append(f"{question.code}: {exc}")
            continue
        if answer is not None:
            normalised[question.code] = answer
    if problems:
        raise AnswerError(problems)
    return normalised


def missing_required(questionnaire: Questionnaire, answers: Mapping[str, AnswerLike]) -> list[str]:
    """Codes of required questions without an answer (AnswerError if an answer does not fit)."""
    given = normalise_answers(questionnaire, answers)
    return [q.code for _, q in questionnaire.iter_questions() if q.required and q.code not in given]


# Scoring ------------------------------------------------------------------------------------


def _exact(number: float) -> Fraction:
    # Via the decimal text, so 0.1 in the file is exactly one tenth.
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


def question_score(question: Question, answer: Answer | None) -> Fraction | None:
    """The 0..1 score of one answer (None when unanswered, unscored or a no-score option)."""
    if answer is None or not question.is_scored:
        return None
    value = answer.value
    if question.kind == "maturity":
        return _maturity_score(question, value)
    if question.kind == "yes_no_evidence":
        return Fraction(1) if value == "yes" else Fraction(0)
    if question.kind == "number":
        return _number_score(question, value)
    codes = [value] if question.kind == "single_choice" else list(value)
    scores = [option.score for code in codes if (option := question.choice(code))]
    scored = [_exact(score) for score in scores if score is not None]
    # Several choices add up (capped at 1), so each good practice ticked can count.
    return min(Fraction(1), sum(scored, Fraction(0))) if scored else None


def _maturity_score(question: Question, code: str) -> Fraction | None:
    scale = question.maturity_scale
    point = scale.point(code) if scale else None
    if scale is None or point is None:
        return None  # cannot happen after loading and normalise_answer; typed for mypy
    lowest, highest = scale.points[0].value, scale.points[-1].value
    return Fraction(point.value - lowest, highest - lowest)


def _number_score(question: Question, value: float) -> Fraction:
    score = Fraction(0)
    for band in question.score_bands or []:
        if _exact(value) >= _exact(band.at_least):
            score = _exact(band.score)
    return score


def band_for(questionnaire: Questionnaire, score: Fraction | float | None) -> Band | None:
    """The band whose range holds the score: the last band with min <= score."""
    if score is None:
        return None
    exact = score if isinstance(score, Fraction) else _exact(score)
    chosen = None
    for band in questionnaire.scoring.bands:
        if exact >= _exact(band.min):
            chosen = band
    return chosen


@dataclass
class _Tally:
    weights: Fraction = Fraction(0)  # of answers in the mean
    total: Fraction = Fraction(0)  # of all scored questions
    weighted: Fraction = Fraction(0)
    scored: int = 0
    unanswered: int = 0
    no_score: int = 0

    def add(self, weight: Fraction, answered: bool, score: Fraction | None) -> None:
        self.total += weight
        if score is not None:
            self.weights += weight
            self.weighted += weight * score
            self.scored += 1
        elif answered:
            self.no_score += 1
        else:
            self.unanswered += 1

    def mean(self) -> Fraction | None:
        return self.weighted / self.weights if self.weights else None


def score_answers(questionnaire: Questionnaire, answers: Mapping[str, AnswerLike]) -> Scores:
    """Per-question, per-section, per-key-factor and overall scores with maturity bands."""
    given = normalise_answers(questionnaire, answers)
    questions: dict[str, QuestionScore] = {}
    sections: dict[str, _Tally] = {}
    factors: dict[int, _Tally] = {}
    everything = _Tally()
    for section, question in questionnaire.iter_questions():
        answer = given.get(question.code)
        score = question_score(question, answer)
        questions[question.code] = QuestionScore(
            question.code,
            section.code,
            question.weight,
            answer is not None,
            None if score is None else float(score),
        )
        tallies = [sections.setdefault(section.code, _Tally()), everything]
        if section.key_factor is not None:
            tallies.append(factors.setdefault(section.key_factor, _Tally()))
        if question.is_scored:
            for tally in tallies:
                tally.add(_exact(question.weight), answer is not None, score)
    overall_mean = everything.mean()
    if questionnaire.scoring.overall == "sections":
        overall_mean = _mean_of_sections(questionnaire.sections, sections)
    return Scores(
        questions=questions,
        sections={code: _group(questionnaire, t, t.mean()) for code, t in sections.items()},
        key_factors={kf: _group(questionnaire, t, t.mean()) for kf, t in sorted(factors.items())},
        overall=_group(questionnaire, everything, overall_mean),
    )


def _mean_of_sections(sections: list[Section], tallies: dict[str, _Tally]) -> Fraction | None:
    overall = _Tally()
    for section in sections:
        mean = tallies[section.code].mean()
        if mean is not None and section.weight > 0:
            overall.add(_exact(section.weight), True, mean)
    return overall.mean()


def _group(questionnaire: Questionnaire, tally: _Tally, mean: Fraction | None) -> GroupScore:
    band = band_for(questionnaire, mean)
    return GroupScore(
        score=None if mean is None else float(mean),
        level=band.code if band else None,
        scored=tally.scored,
        unanswered=tally.unanswered,
        no_score=tally.no_score,
        coverage=float(tally.weights / tally.total) if tally.total else 0.0,
    )


# Perception surveys ---------------------------------------------------------------------------


def _sentiment_codes(question: Question, raw: AnswerLike) -> list[str] | None:
    """The chosen option codes that count, or None when the answer cannot be classified."""
    if question.kind not in ("single_choice", "multiple_choice"):
        return None
    if not (question.favourable_codes or question.unfavourable_codes):
        return None
    answer = normalise_answer(question, raw)
    if answer is None:
        return None
    codes = [answer.value] if question.kind == "single_choice" else list(answer.value)
    counted = [code for code in codes if not _is_no_answer(question, code)]
    return counted or None


def _is_no_answer(question: Question, code: str) -> bool:
    option = question.choice(code)
    return option is not None and option.no_answer


def is_unfavourable(question: Question, answer: AnswerLike) -> bool | None:
    """Whether an answer is unfavourable; None when it does not count (unanswered, a no_answer
    option such as "don't know", or a question without favourable/unfavourable sets), so that
    shares are taken over the answers that count. A multiple choice is unfavourable when any
    chosen option is."""
    codes = _sentiment_codes(question, answer)
    if codes is None:
        return None
    return any(code in question.unfavourable_codes for code in codes)


def is_favourable(question: Question, answer: AnswerLike) -> bool | None:
    """Whether an answer is favourable: some chosen option favourable and none unfavourable."""
    codes = _sentiment_codes(question, answer)
    if codes is None:
        return None
    if any(code in question.unfavourable_codes for code in codes):
        return False
    return any(code in question.favourable_codes for code in codes)
