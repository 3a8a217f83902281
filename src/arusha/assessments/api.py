"""API for assessments, their answers and results, and the risk map, with the same access rules
as the pages: an administration's members read, its integrity officers (and colleagues for
their assigned sections) answer, outsiders get 404, coordinators get the suppressed aggregate.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from arusha.assessments import access, results
from arusha.assessments.models import AnswerInput, Assessment, AssessmentLocked
from arusha.assessments.risks import Risk
from arusha.core import access as core_access
from arusha.core.api_errors import ErrorOut
from arusha.core.models import User
from arusha.questionnaires.scoring import AnswerError

router = Router(tags=["assessments and risk map"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class AssessmentOut(Schema):
    code: UUID
    organisation: UUID = Field(..., alias="organisation.code")
    organisation_name: str = Field(..., alias="organisation.name")
    cycle: str
    year: int
    status: str
    questionnaire: UUID = Field(..., alias="questionnaire_version.code")
    questionnaire_hash: str = Field(..., alias="questionnaire_version.content_hash")
    opened_at: datetime
    submitted_at: datetime | None
    validated_at: datetime | None


class AnswerOut(Schema):
    question_code: str
    value: Any
    evidence: str
    note: str
    link: str
    updated_at: datetime


class AnswerIn(Schema):
    value: Any = None
    evidence: str = ""
    note: str = ""
    link: str = ""


class AssessmentFactorOut(Schema):
    key_factor: int
    score: float | None
    level: str | None


class AssessmentResultsOut(Schema):
    assessment: UUID
    overall: float | None
    key_factors: list[AssessmentFactorOut]


class RegionalOut(Schema):
    region: str
    suppressed: bool
    medians: dict[int, float | None] | None


class TreatmentOut(Schema):
    code: UUID
    title: str
    owner: str
    due_date: date | None
    reduces_likelihood: int
    reduces_impact: int
    done: bool


class RiskOut(Schema):
    code: UUID
    organisation: UUID = Field(..., alias="organisation.code")
    process_step: str
    title: str
    description: str
    actors: str
    key_factor: int
    likelihood: int
    impact: int
    inherent: int
    existing_controls: str
    control_likelihood: int
    control_impact: int
    residual_likelihood: int
    residual_impact: int
    residual: int
    owner: str
    review_date: date | None
    treatments: list[TreatmentOut]

    @staticmethod
    def resolve_treatments(obj: Risk) -> list[Any]:
        return list(obj.treatments.all())


@router.get("/assessments", response=list[AssessmentOut], summary="Assessments you may see")
def list_assessments(request: HttpRequest) -> Any:
    return access.visible_assessments(_user(request))


@router.get("/assessments/{code}", response=AssessmentOut, summary="One assessment")
def get_assessment(request: HttpRequest, code: UUID) -> Assessment:
    return access.get_assessment_for_user(_user(request), code).assessment


@router.get(
    "/assessments/{code}/answers", response=list[AnswerOut], summary="The answers of an assessment"
)
def list_answers(request: HttpRequest, code: UUID) -> Any:
    return access.get_assessment_for_user(_user(request), code).assessment.answers.all()


@router.put(
    "/assessments/{code}/answers/{question_code}",
    response={200: AnswerOut, 409: ErrorOut},
    summary="Answer one question (integrity officers, or the colleague assigned its section)",
)
def put_answer(request: HttpRequest, code: UUID, question_code: str, payload: AnswerIn) -> Any:
    grant = access.get_assessment_for_user(_user(request), code)
    assessment = grant.assessment
    section = next(
        (s for s, q in assessment.questionnaire().iter_questions() if q.code == question_code),
        None,
    )
    if section is None:
        raise Http404
    if not grant.can_answer(section.code):
        raise HttpError(403, "You may not answer this question now.")
    given = AnswerInput(payload.value, payload.evidence, payload.note, payload.link)
    try:
        assessment.save_section(_user(request), section.code, {question_code: given})
    except AnswerError as exc:
        raise HttpError(422, "; ".join(exc.problems)) from None
    except AssessmentLocked:
        raise HttpError(409, "The assessment can no longer be changed.") from None
    answer = assessment.answers.filter(question_code=question_code).first()
    if answer is None:
        raise Http404
    return answer


@router.get(
    "/assessments/{code}/results", response=AssessmentResultsOut, summary="Scores by key factor"
)
def get_results(request: HttpRequest, code: UUID) -> dict[str, Any]:
    assessment = access.get_assessment_for_user(_user(request), code).assessment
    scores = assessment.scores()
    frozen = assessment.key_factor_scores()
    return {
        "assessment": assessment.code,
        "overall": assessment.validated_overall
        if assessment.is_validated
        else scores.overall.score,
        "key_factors": [
            {"key_factor": kf, "score": frozen.get(kf), "level": group.level}
            for kf, group in scores.key_factors.items()
        ],
    }


@router.get(
    "/assessments/regions/{region}/median",
    response=RegionalOut,
    summary="Regional median by key factor (coordinators; hidden below five administrations)",
)
def regional_median(request: HttpRequest, region: str) -> dict[str, Any]:
    region = core_access.region_for_coordinator(_user(request), region)
    comparison = results.regional_comparison(region)
    return {
        "region": region,
        "suppressed": comparison.suppressed,
        "medians": comparison.medians,
    }


@router.get("/risks", response=list[RiskOut], summary="Risks of your administrations")
def list_risks(request: HttpRequest) -> Any:
    return access.visible_risks(_user(request)).select_related("organisation")


@router.get("/risks/{code}", response=RiskOut, summary="One risk with its treatment actions")
def get_risk(request: HttpRequest, code: UUID) -> Risk:
    risk, _can_write = access.get_risk_for_user(_user(request), code)
    return risk
