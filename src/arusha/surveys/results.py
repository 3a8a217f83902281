"""Results of a campaign, built from its responses with surveys.stats and always suppressed:
response counts and rates per group; per question the distribution, mean (0-100) with its 95 %
interval and the share of unfavourable answers; breakdowns by group and office; key factors
beside the administration's own self-assessment; and comparison with an earlier campaign.

Nothing here returns a figure for fewer than MIN_GROUP responses, directly or by subtraction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from arusha.assessments.models import Assessment
from arusha.core.key_factors import KeyFactor
from arusha.core.suppression import MIN_GROUP, suppress_counts, suppress_total
from arusha.questionnaires.schema import Question, Questionnaire
from arusha.questionnaires.scoring import (
    Answer,
    is_unfavourable,
    normalise_answer,
    question_score,
)
from arusha.surveys import stats
from arusha.surveys.models import (
    GROUP_QUESTION,
    OFFICE_QUESTION,
    Campaign,
    Invitation,
    Response,
    TargetGroup,
)

NOT_STATED = ""


@dataclass
class GroupRow:
    """One kind of business: its responses through either link, those of them that came by
    invitation, the invitations issued to it, and the rate (by invitation / issued). The open
    link has no invitations, so only the invitation responses compare with the invitations."""

    code: str
    label: str
    responses: int | None
    invited: int | None = None
    rate: float | None = None
    by_invitation: int | None = None


@dataclass
class OptionRow:
    code: str
    label: str
    count: int | None
    sentiment: str  # "favourable", "unfavourable" or ""


@dataclass
class LabelledCell:
    label: str
    cell: stats.Cell


@dataclass
class QuestionResult:
    code: str
    text: str
    section: str
    key_factor: int | None
    n: int | None
    options: list[OptionRow]
    mean: stats.MeanCI | None  # on 0..100
    unfavourable: stats.Share | None
    by_group: list[LabelledCell] = field(default_factory=list)
    by_office: list[LabelledCell] = field(default_factory=list)

    @property
    def has_sentiment(self) -> bool:
        return any(o.sentiment for o in self.options)


@dataclass
class FactorRow:
    key_factor: int
    label: str
    perception: stats.MeanCI | None  # 0..100, None when suppressed
    self_assessment: float | None  # 0..100

    @property
    def gap(self) -> float | None:
        if self.perception is None or self.self_assessment is None:
            return None
        return self.self_assessment - self.perception.mean


@dataclass
class CampaignResults:
    campaign: Campaign
    total: int | None
    invited: int
    invitations_used: int | None
    response_rate: float | None
    groups: list[GroupRow]
    questions: list[QuestionResult]
    factors: list[FactorRow]
    assessment: Assessment | None
    min_group: int = MIN_GROUP
    # Each respondent's key-factor scores, kept so that a comparison need not compute them again.
    factor_values: dict[int, list[float]] = field(default_factory=dict)
    sections: list[SectionSummary] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        return self.total is None

    def section(self, code: str) -> SectionSummary | None:
        return next((s for s in self.sections if s.code == code), None)


@dataclass
class SectionSummary:
    """A section of the questionnaire and its questions, for the summary table and the
    section pages of detail."""

    code: str
    title: str
    questions: list[QuestionResult]


def _percent(values: list[float]) -> list[float]:
    return [100 * v for v in values]


def _group_label(code: str) -> str:
    if code == NOT_STATED:
        return _("Not stated")
    return str(dict(TargetGroup.choices).get(code, _("Other")))


@dataclass(frozen=True)
class _Respondent:
    """What the statistics read of a response, looked up once rather than once per question."""

    answers: dict[str, Any]
    group: str
    office: str
    invited: bool


def _respondents(responses: list[Response]) -> list[_Respondent]:
    return [
        _Respondent(
            {**r.attributes, **r.answers},
            _group_of(r),
            str(r.attributes.get(OFFICE_QUESTION) or NOT_STATED),
            r.via == Response.Via.INVITATION,
        )
        for r in responses
    ]


def campaign_results(campaign: Campaign, language: str, breakdowns: bool = True) -> CampaignResults:
    """Everything the results page, its section pages and the exports show. Without
    `breakdowns` the questions carry no group and office breakdowns (the summary needs none)."""
    questionnaire = campaign.questionnaire_version.questionnaire()
    respondents = _respondents(
        list(Response.objects.of(campaign).only("answers", "attributes", "via"))
    )
    total = suppress_total(len(respondents))
    invited_by_group = _invited_by_group(campaign)
    invited = sum(invited_by_group.values())
    assessment = latest_self_assessment(campaign)
    if total is None or not respondents:
        return CampaignResults(campaign, total, invited, None, None, [], [], [], assessment)
    offices = (
        dict(campaign.office_options())
        | dict(campaign.organisation.offices.values_list("code", "name"))
        if breakdowns
        else None
    )
    sections = []
    for section in questionnaire.sections:
        shown = [
            _question(
                section.title.get(language), section.key_factor, q, respondents, language, offices
            )
            for q in section.questions
            if not q.attribute and q.kind in ("single_choice", "multiple_choice")
        ]
        if shown:
            sections.append(SectionSummary(section.code, section.title.get(language), shown))
    used = _by_invitation(sum(r.invited for r in respondents), len(respondents))
    rate = used / invited if invited and used is not None else None
    values = factor_scores(questionnaire, respondents)
    return CampaignResults(
        campaign,
        total,
        invited,
        used,
        rate,
        _groups(respondents, {k: v for k, v in invited_by_group.items() if k}),
        [q for section in sections for q in section.questions],
        factor_rows(values, assessment),
        assessment,
        factor_values=values,
        sections=sections,
    )


def _invited_by_group(campaign: Campaign) -> dict[str, int]:
    rows = (
        Invitation.objects.filter(campaign=campaign)
        .values_list("group")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return dict(rows)


def _by_invitation(invited: int, total: int) -> int | None:
    """How many answered by invitation, hidden when it or the open-link rest is small, since
    the total minus it would give that small rest back."""
    shown = suppress_counts({"invitation": invited, "open_link": total - invited})
    return shown["invitation"]


def _group_of(response: Response) -> str:
    return str(response.attributes.get(GROUP_QUESTION) or NOT_STATED)


def _groups(respondents: list[_Respondent], invited: dict[str, int]) -> list[GroupRow]:
    counts: dict[str, int] = defaultdict(int)
    by_invitation: dict[str, int] = defaultdict(int)
    for respondent in respondents:
        counts[respondent.group] += 1
        by_invitation[respondent.group] += respondent.invited
    order = [*TargetGroup.values, *sorted(set(counts) - set(TargetGroup.values))]
    shown = suppress_counts({code: counts.get(code, 0) for code in order})
    shown_invited = suppress_counts({code: by_invitation.get(code, 0) for code in order})
    rows = []
    for code in order:
        if not counts.get(code) and not invited.get(code):
            continue
        answered = shown_invited[code]
        if shown[code] is None or _by_invitation(by_invitation[code], counts[code]) is None:
            answered = None
        rate = answered / invited[code] if invited.get(code) and answered is not None else None
        rows.append(
            GroupRow(code, _group_label(code), shown[code], invited.get(code), rate, answered)
        )
    return rows


def _question(
    section: str,
    key_factor: int | None,
    question: Question,
    respondents: list[_Respondent],
    language: str,
    offices: dict[str, str] | None,
) -> QuestionResult:
    """A question's figures; its breakdowns only when offices are given."""
    chosen: list[str] = []
    answered = 0
    scores: dict[str, list[float]] = defaultdict(list)
    flags: dict[str, list[bool]] = defaultdict(list)
    by_office_scores: dict[str, list[float]] = defaultdict(list)
    by_office_flags: dict[str, list[bool]] = defaultdict(list)
    all_scores: list[float] = []
    all_flags: list[bool] = []
    classify = _classifier(question)
    for respondent in respondents:
        raw = respondent.answers.get(question.code)
        if raw is None or raw == [] or raw == "":
            continue
        answered += 1
        chosen += [raw] if isinstance(raw, str) else list(raw)
        score, flag = classify(raw)
        if score is not None:
            all_scores.append(score)
            scores[respondent.group].append(score)
            by_office_scores[respondent.office].append(score)
        if flag is not None:
            all_flags.append(flag)
            flags[respondent.group].append(flag)
            by_office_flags[respondent.office].append(flag)
    codes = [o.code for o in question.choices]
    counts, n = stats.suppressed_distribution(stats.distribution(chosen, codes))
    if question.kind == "multiple_choice":
        n = suppress_total(answered)
        counts = (
            dict.fromkeys(codes)
            if n is None
            else suppress_counts(stats.distribution(chosen, codes))
        )
    options = [
        OptionRow(o.code, o.label.get(language), counts[o.code], _sentiment(question, o.code))
        for o in question.choices
    ]
    visible = n is not None
    detailed = visible and offices is not None
    # With an option count hidden, the whole-sample mean or unfavourable share shown beside the
    # other counts could give the hidden counts back: hide them too.
    exact = visible and None not in counts.values()
    return QuestionResult(
        question.code,
        question.text.get(language),
        section,
        key_factor,
        n,
        options,
        stats.mean_ci(all_scores) if exact and len(all_scores) >= MIN_GROUP else None,
        stats.guarded_share(all_flags) if exact else None,
        _labelled(stats.breakdown(scores, flags), _group_label) if detailed else [],
        _labelled(
            stats.breakdown(by_office_scores, by_office_flags),
            lambda code: offices.get(code, code) if code else _("Not stated"),
        )
        if detailed and offices is not None
        else [],
    )


def _classifier(question: Question) -> Any:
    """The 0..100 score and the unfavourable flag of a stored answer, each worked out once per
    distinct answer: a survey's answers repeat a handful of option codes."""
    known: dict[Any, tuple[float | None, bool | None]] = {}

    def classify(raw: Any) -> tuple[float | None, bool | None]:
        key = tuple(raw) if isinstance(raw, list) else raw
        if key not in known:
            # Stored answers were normalised when they were submitted.
            score = _fast_score(question, raw)
            known[key] = (
                None if score is None else 100 * score,
                is_unfavourable(question, Answer(value=key)),
            )
        return known[key]

    return classify


def _sentiment(question: Question, code: str) -> str:
    if code in question.favourable_codes:
        return "favourable"
    if code in question.unfavourable_codes:
        return "unfavourable"
    return ""


def _labelled(cells: list[stats.Cell], label: Any) -> list[LabelledCell]:
    return [LabelledCell(label(str(cell.key)), cell) for cell in cells]


def _scored_by_factor(questionnaire: Questionnaire) -> dict[int, list[Question]]:
    by_factor: dict[int, list[Question]] = defaultdict(list)
    for section, question in questionnaire.iter_questions():
        if section.key_factor is not None and question.is_scored:
            by_factor[section.key_factor].append(question)
    return by_factor


def _fast_score(question: Question, raw: Any) -> float | None:
    """question_score for a stored (already normalised) answer; single choices, the bulk of a
    survey, are looked up directly rather than through exact fractions."""
    if raw is None:
        return None
    if question.kind == "single_choice" and isinstance(raw, str):
        option = question.choice(raw)
        return None if option is None or option.score is None else float(option.score)
    score = question_score(question, normalise_answer(question, raw))
    return None if score is None else float(score)


def factor_scores(
    questionnaire: Questionnaire, responses: Sequence[Response | _Respondent]
) -> dict[int, list[float]]:
    """Each respondent's 0..100 favourability score per key factor: the weighted mean of the
    factor's scored questions they answered with a score, as score_answers computes it."""
    by_factor = {
        kf: [(question, question.weight, _classifier(question)) for question in questions]
        for kf, questions in _scored_by_factor(questionnaire).items()
    }
    values: dict[int, list[float]] = defaultdict(list)
    for response in responses:
        answers = response.answers
        for kf, questions in by_factor.items():
            total = weight = 0.0
            for question, question_weight, classify in questions:
                raw = answers.get(question.code)
                score = None if raw is None else classify(raw)[0]
                if score is not None:
                    total += question_weight * score
                    weight += question_weight
            if weight:
                values[kf].append(total / weight)
    return values


def factor_rows(values: dict[int, list[float]], assessment: Assessment | None) -> list[FactorRow]:
    own = assessment.key_factor_scores() if assessment else {}
    rows = []
    for kf in range(1, 11):
        scores = values.get(kf, [])
        perception = stats.mean_ci(scores) if len(scores) >= MIN_GROUP else None
        self_score = own.get(kf)
        rows.append(
            FactorRow(
                kf,
                str(KeyFactor(kf).label),
                perception,
                None if self_score is None else 100 * self_score,
            )
        )
    return rows


def latest_self_assessment(campaign: Campaign) -> Assessment | None:
    """The administration's latest validated self-assessment, the one its traders' view is set
    beside."""
    return (
        Assessment.objects.validated()
        .filter(organisation=campaign.organisation)
        .order_by("-year", "-validated_at")
        .first()
    )


def _stored(campaign: Campaign) -> list[Response]:
    return list(Response.objects.of(campaign).only("answers"))


@dataclass
class ComparisonRow:
    label: str
    earlier: stats.MeanCI | None
    later: stats.MeanCI | None
    difference: stats.Difference | None


def compare_campaigns(
    earlier: Campaign, later: Campaign, later_values: dict[int, list[float]] | None = None
) -> list[ComparisonRow]:
    """Key-factor favourability of two campaigns and the change with Welch's interval; a factor
    with fewer than MIN_GROUP answers in either campaign is left empty. later_values are the
    later campaign's factor scores when they are already at hand."""
    a = factor_scores(earlier.questionnaire_version.questionnaire(), _stored(earlier))
    b = later_values
    if b is None:
        b = factor_scores(later.questionnaire_version.questionnaire(), _stored(later))
    rows = []
    for kf in range(1, 11):
        xa, xb = a.get(kf, []), b.get(kf, [])
        ok = len(xa) >= MIN_GROUP and len(xb) >= MIN_GROUP
        rows.append(
            ComparisonRow(
                str(KeyFactor(kf).label),
                stats.mean_ci(xa) if len(xa) >= MIN_GROUP else None,
                stats.mean_ci(xb) if len(xb) >= MIN_GROUP else None,
                stats.welch_difference(xa, xb) if ok else None,
            )
        )
    return rows


@dataclass
class RegionalResults:
    region: str
    administrations: int
    responses: int | None
    factors: dict[int, stats.MeanCI | None] | None

    @property
    def suppressed(self) -> bool:
        return self.factors is None

    @property
    def rows(self) -> list[tuple[str, stats.MeanCI | None]]:
        """Each key factor by number and name, with its pooled favourability."""
        return [(f"{kf}. {KeyFactor(kf).label}", mean) for kf, mean in (self.factors or {}).items()]


def regional_results(campaigns: list[Campaign]) -> RegionalResults | None:
    """Pooled key-factor favourability over the campaigns of several administrations, shown
    only when at least MIN_GROUP administrations took part, so no one administration's result
    can be read from it; never broken down by administration."""
    if not campaigns:
        return None
    region = campaigns[0].organisation.wco_region
    administrations = len({c.organisation_id for c in campaigns})
    pooled: dict[int, list[float]] = defaultdict(list)
    count = 0
    for campaign in campaigns:
        responses = _stored(campaign)
        count += len(responses)
        for kf, values in factor_scores(
            campaign.questionnaire_version.questionnaire(), responses
        ).items():
            pooled[kf] += values
    if administrations < MIN_GROUP:
        return RegionalResults(region, administrations, None, None)
    factors = {
        kf: stats.mean_ci(pooled[kf]) if len(pooled[kf]) >= MIN_GROUP else None
        for kf in range(1, 11)
    }
    return RegionalResults(region, administrations, suppress_total(count), factors)
