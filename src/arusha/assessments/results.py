"""Results of an assessment: per key factor score, level, strengths, gaps and evidence; earlier
cycles; and the regional median, shown only for groups of at least MIN_GROUP administrations.

A question is a strength when its score reaches 2/3 (an "established" maturity or better) and a
gap when it is below 1/2 (nascent or emerging, a "no", a low band) or when it is unanswered.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from arusha.assessments.models import Answer, Assessment, EvidenceFile
from arusha.core.suppression import MIN_GROUP
from arusha.questionnaires.schema import Question, Questionnaire

STRENGTH_FROM = 2 / 3
GAP_BELOW = 0.5
KEY_FACTORS = range(1, 11)


@dataclass
class QuestionResult:
    code: str
    text: str
    answer: str
    score: float | None
    answer_row: Answer | None = None
    files: list[EvidenceFile] = field(default_factory=list)
    action: Any = None  # the integrity action created from this gap, if any


@dataclass
class FactorResult:
    key_factor: int
    title: str
    score: float | None
    level: str | None
    level_label: str
    strengths: list[QuestionResult] = field(default_factory=list)
    gaps: list[QuestionResult] = field(default_factory=list)
    evidence: list[QuestionResult] = field(default_factory=list)


@dataclass
class Results:
    overall: float | None
    overall_level: str
    factors: list[FactorResult]


def display_answer(question: Question, value: Any, language: str) -> str:
    """The answer as a person reads it, in the given language."""
    if value is None or value == "" or value == []:
        return ""
    if question.kind == "maturity" and question.maturity_scale:
        point = question.maturity_scale.point(value)
        return point.label.get(language) if point else str(value)
    if question.kind == "yes_no_evidence":
        return _("Yes") if value == "yes" else _("No")
    if question.kind in ("single_choice", "multiple_choice"):
        codes = [value] if isinstance(value, str) else list(value)
        labels = [o.label.get(language) if (o := question.choice(c)) else c for c in codes]
        return ", ".join(labels)
    if question.kind == "number":
        number = f"{value:g}" if isinstance(value, float) else str(value)
        return f"{number} {question.unit.get(language)}" if question.unit else number
    return str(value)


def level_label(questionnaire: Questionnaire, level: str | None, language: str) -> str:
    if level is None:
        return ""
    label = questionnaire.band_label(level)
    return label.get(language) if label else level


def assessment_results(assessment: Assessment, language: str) -> Results:
    questionnaire = assessment.questionnaire()
    scores = assessment.scores()
    answers = {a.question_code: a for a in assessment.answers.all()}
    files: dict[str, list[EvidenceFile]] = {}
    for document in assessment.evidence_files.all():
        files.setdefault(document.question_code, []).append(document)
    frozen = assessment.key_factor_scores()
    factors: dict[int, FactorResult] = {}
    for section, question in questionnaire.iter_questions():
        if section.key_factor is None:
            continue
        factor = factors.get(section.key_factor)
        if factor is None:
            group = scores.key_factors.get(section.key_factor)
            score = frozen.get(section.key_factor)
            level = group.level if group else None
            factor = factors[section.key_factor] = FactorResult(
                section.key_factor,
                section.title.get(language),
                score,
                level,
                level_label(questionnaire, level, language),
            )
        _place(factor, question, answers.get(question.code), files, scores, language)
    overall = assessment.validated_overall if assessment.is_validated else scores.overall.score
    return Results(
        overall=overall,
        overall_level=level_label(questionnaire, scores.overall.level, language),
        factors=[factors[kf] for kf in sorted(factors)],
    )


def _place(
    factor: FactorResult,
    question: Question,
    answer: Answer | None,
    files: dict[str, list[EvidenceFile]],
    scores: Any,
    language: str,
) -> None:
    score = scores.questions[question.code].score
    result = QuestionResult(
        question.code,
        question.text.get(language),
        display_answer(question, answer.value if answer else None, language),
        score,
        answer,
        files.get(question.code, []),
    )
    if (answer and (answer.evidence or answer.note or answer.link)) or result.files:
        factor.evidence.append(result)
    if not question.is_scored:
        return
    if score is not None and score >= STRENGTH_FROM:
        factor.strengths.append(result)
    elif score is None or score < GAP_BELOW:
        factor.gaps.append(result)


def previous_cycles(assessment: Assessment) -> list[Assessment]:
    """The administration's earlier validated cycles, oldest first."""
    earlier = (
        Assessment.objects.validated()
        .filter(organisation=assessment.organisation, year__lte=assessment.year)
        .exclude(pk=assessment.pk)
        .order_by("year", "validated_at")
    )
    return list(earlier)


@dataclass(frozen=True)
class RegionalComparison:
    region: str
    administrations: int
    # Median score by key factor; None when fewer than MIN_GROUP administrations (suppressed).
    medians: dict[int, float | None] | None

    @property
    def suppressed(self) -> bool:
        return self.medians is None


def latest_validated_by_administration(region: str) -> list[Assessment]:
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.validated().for_region(region).order_by("year", "validated_at")
    ):
        latest[assessment.organisation_id] = assessment
    return list(latest.values())


def regional_comparison(region: str) -> RegionalComparison:
    """The median key-factor score over the latest validated assessment of each administration
    of the region, or nothing when fewer than MIN_GROUP administrations have one."""
    latest = latest_validated_by_administration(region)
    if len(latest) < MIN_GROUP:
        return RegionalComparison(region, len(latest), None)
    medians: dict[int, float | None] = {}
    for kf in KEY_FACTORS:
        values = [s for a in latest if (s := a.key_factor_scores().get(kf)) is not None]
        # A factor scored by fewer than MIN_GROUP administrations is suppressed on its own.
        medians[kf] = statistics.median(values) if len(values) >= MIN_GROUP else None
    return RegionalComparison(region, len(latest), medians)


def as_percent(score: float | None) -> int | None:
    return None if score is None else round(score * 100)
