"""Demo data of the assessments app: validated self-assessments for six AMS administrations over
two cycles (enough for the regional comparison), SENAE's third cycle in progress, and SENAE's
corruption risk map. Answers are drawn from a seeded generator, so loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from arusha.assessments.models import Answer, Assessment
from arusha.assessments.risks import ProcessStep, Risk, RiskTreatment
from arusha.core.models import Organisation, User
from arusha.questionnaires.loading import load_files
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.schema import Question, Questionnaire

SLUG = "arusha-self-assessment"
# (short name, level of maturity around which its answers are drawn in the first cycle, 1..4)
ADMINISTRATIONS = [
    ("SENAE", 2.2),
    ("SUNAT", 2.6),
    ("DIAN", 2.4),
    ("SNA Chile", 3.1),
    ("DNA Uruguay", 2.9),
    ("SNA Costa Rica", 2.0),
]
CYCLES = [("2023", 2023), ("2025", 2025)]
IN_PROGRESS = ("2026", 2026)

RISKS = [
    (
        ProcessStep.LODGING,
        "Brokers pay to have incomplete declarations accepted",
        "declarant, broker, front-desk officer",
        3,
        3,
        3,
        "Electronic lodging with automatic checks",
        2,
        3,
    ),
    (
        ProcessStep.ASSIGNMENT,
        "Declarations steered to a chosen examining officer",
        "broker, supervisor, examining officer",
        4,
        4,
        4,
        "Random assignment in the clearance system",
        3,
        4,
    ),
    (
        ProcessStep.VALUATION,
        "Undervaluation accepted in exchange for a payment",
        "importer, valuation officer",
        4,
        5,
        5,
        "Value database and second review above thresholds",
        3,
        4,
    ),
    (
        ProcessStep.CLASSIFICATION,
        "Goods classified under a lower duty heading",
        "importer, broker, classification officer",
        3,
        4,
        2,
        "Binding tariff information on request",
        3,
        3,
    ),
    (
        ProcessStep.PHYSICAL_INSPECTION,
        "Inspection waived or shortened for a payment",
        "examining officer, freight forwarder",
        4,
        4,
        8,
        "Photographs of every inspection",
        3,
        3,
    ),
    (
        ProcessStep.RELEASE,
        "Release delayed until a facilitation payment is made",
        "release officer, carrier",
        4,
        3,
        4,
        "Release times published by office",
        3,
        2,
    ),
    (
        ProcessStep.POST_CLEARANCE_AUDIT,
        "Audit findings dropped after contact with the company",
        "auditor, company",
        2,
        5,
        6,
        "Two-person audit teams",
        2,
        4,
    ),
    (
        ProcessStep.HUMAN_RESOURCES,
        "Officers stay many years in vulnerable posts",
        "managers, human resources unit",
        3,
        4,
        7,
        "Rotation policy (not always applied)",
        3,
        4,
    ),
]
TREATMENTS = [
    ("Publish and enforce the rotation plan for vulnerable posts", 1, 0, True),
    ("Second-level review of a random sample of cases", 1, 0, False),
]


def _value(question: Question, rng: random.Random, centre: float) -> str | int | None:
    kind = question.kind
    if kind == "maturity":
        return max(1, min(4, round(rng.gauss(centre, 0.7))))
    if kind == "yes_no_evidence":
        return "yes" if rng.random() < (centre - 1) / 3 + 0.1 else "no"
    if kind == "number":
        low = question.min or 0
        high = question.max if question.max is not None else 200
        return round(rng.uniform(low, high))
    return None


def _answer(
    assessment: Assessment,
    questionnaire: Questionnaire,
    centre: float,
    seed: str,
    sections: int | None = None,
) -> None:
    """Answer every question, or those of the first `sections` sections only."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    wanted = {s.code for s in questionnaire.sections[:sections]}
    for section, question in questionnaire.iter_questions():
        if section.code not in wanted:
            continue
        value = _value(question, rng, centre)
        if value is None:
            continue
        if question.kind == "maturity":
            value = question.maturity_scale.points[int(value) - 1].code  # type: ignore[union-attr]
        evidence = "Informe anual de integridad" if question.kind == "yes_no_evidence" else ""
        Answer.objects.update_or_create(
            assessment=assessment,
            question_code=question.code,
            defaults={"value": value, "evidence": evidence},
        )


def _assessment(
    organisation: Organisation, version: QuestionnaireVersion, cycle: tuple[str, int]
) -> tuple[Assessment, bool]:
    label, year = cycle
    opened = timezone.make_aware(datetime(year, 3, 1))
    return Assessment.objects.get_or_create(
        organisation=organisation,
        cycle=label,
        defaults={"year": year, "questionnaire_version": version, "opened_at": opened},
    )


def _validate(assessment: Assessment, reviewer: User | None) -> None:
    if assessment.is_validated:
        return
    scores = assessment.scores()
    assessment.validated_scores = {str(kf): g.score for kf, g in scores.key_factors.items()}
    assessment.validated_overall = scores.overall.score
    assessment.status = Assessment.Status.VALIDATED
    assessment.submitted_at = assessment.opened_at + timedelta(days=60)
    assessment.validated_at = assessment.opened_at + timedelta(days=75)
    assessment.validated_by = reviewer
    assessment.save()


def _risk_map(organisation: Organisation) -> None:
    today = timezone.localdate()
    for step, title, actors, likelihood, impact, kf, controls, c_like, c_imp in RISKS:
        risk, created = Risk.objects.get_or_create(
            organisation=organisation,
            title=title,
            defaults={
                "process_step": step,
                "actors": actors,
                "key_factor": kf,
                "likelihood": likelihood,
                "impact": impact,
                "existing_controls": controls,
                "control_likelihood": min(c_like, likelihood),
                "control_impact": min(c_imp, impact),
                "owner": "Dirección de Integridad",
                "review_date": date(today.year, 12, 1),
            },
        )
        if created and step == ProcessStep.HUMAN_RESOURCES:
            for text, reduces, _unused, done in TREATMENTS:
                RiskTreatment.objects.create(
                    risk=risk,
                    title=text,
                    reduces_likelihood=reduces,
                    done=done,
                    owner="Talento Humano",
                    due_date=date(today.year, 11, 30),
                )
            risk.save()  # residual risk from the completed treatment


@transaction.atomic
def load() -> list[str]:
    load_files()
    version = QuestionnaireVersion.objects.latest_of(SLUG)
    if version is None:  # pragma: no cover - the shipped file always exists
        return []
    questionnaire = version.questionnaire()
    reviewer = User.objects.filter(username="reviewer").first()
    integrity = User.objects.filter(username="integrity").first()
    for short, centre in ADMINISTRATIONS:
        organisation = Organisation.objects.filter(short_name=short).first()
        if organisation is None:
            continue
        for n, cycle in enumerate(CYCLES):
            assessment, created = _assessment(organisation, version, cycle)
            if created:
                _answer(assessment, questionnaire, centre + 0.5 * n, f"{short}-{cycle[0]}")
                _validate(assessment, reviewer if short == "SENAE" else None)
    senae = Organisation.objects.filter(short_name="SENAE").first()
    if senae is not None:
        current, created = _assessment(senae, version, IN_PROGRESS)
        if created:
            current.opened_by = integrity
            current.save(update_fields=["opened_by"])
            _answer(current, questionnaire, 2.9, "SENAE-2026", sections=3)
        _risk_map(senae)
    return ["  self-assessments: SENAE's 2026 cycle is in progress (integrity, reviewer)"]
