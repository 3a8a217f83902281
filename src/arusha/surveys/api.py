"""API for survey campaigns and their aggregated, suppressed results, with the same access rules
as the pages: an administration's members read, outsiders get 404. Raw responses are not served.

No `from __future__ import annotations` here: Django Ninja reads the annotations at import time.
"""

from datetime import date
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema

from arusha.core.models import User
from arusha.surveys import access, results

router = Router(tags=["perception surveys"])


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


class CampaignOut(Schema):
    code: UUID
    organisation: UUID = Field(..., alias="organisation.code")
    organisation_name: str = Field(..., alias="organisation.name")
    title: str
    questionnaire: UUID = Field(..., alias="questionnaire_version.code")
    questionnaire_hash: str = Field(..., alias="questionnaire_version.content_hash")
    opens_on: date
    closes_on: date
    target_groups: list[str]


class MeanOut(Schema):
    n: int
    mean: float
    low: float | None
    high: float | None


class ShareOut(Schema):
    n: int
    share: float
    low: float
    high: float


class CellOut(Schema):
    cell: str
    n: int | None
    mean: MeanOut | None
    unfavourable: ShareOut | None


class OptionOut(Schema):
    code: str
    count: int | None
    sentiment: str


class QuestionOut(Schema):
    code: str
    key_factor: int | None
    n: int | None
    options: list[OptionOut]
    mean: MeanOut | None
    unfavourable: ShareOut | None
    by_group: list[CellOut]
    by_office: list[CellOut]


class GroupOut(Schema):
    group: str
    responses: int | None
    invited: int | None


class SurveyFactorOut(Schema):
    key_factor: int
    perception: MeanOut | None
    self_assessment: float | None


class SurveyResultsOut(Schema):
    campaign: UUID
    suppressed: bool
    responses: int | None
    groups: list[GroupOut]
    key_factors: list[SurveyFactorOut]
    questions: list[QuestionOut]


@router.get("/campaigns", response=list[CampaignOut], summary="Campaigns you may see")
def list_campaigns(request: HttpRequest) -> object:
    return list(access.visible_campaigns(_user(request)))


@router.get("/campaigns/{code}", response=CampaignOut, summary="One campaign")
def get_campaign(request: HttpRequest, code: UUID) -> object:
    return access.get_campaign_for_user(_user(request), code).campaign


def _cells(cells: list[results.LabelledCell]) -> list[dict[str, object]]:
    return [
        {
            "cell": str(item.cell.key),
            "n": item.cell.n,
            "mean": item.cell.mean,
            "unfavourable": item.cell.unfavourable,
        }
        for item in cells
    ]


@router.get(
    "/campaigns/{code}/results",
    response=SurveyResultsOut,
    summary="Aggregated results; every figure for fewer than five respondents is null",
)
def get_results(request: HttpRequest, code: UUID) -> object:
    campaign = access.get_campaign_for_user(_user(request), code).campaign
    outcome = results.campaign_results(campaign, (get_language() or "en").split("-")[0])
    return {
        "campaign": campaign.code,
        "suppressed": outcome.suppressed,
        "responses": outcome.total,
        "groups": [
            {"group": g.code, "responses": g.responses, "invited": g.invited}
            for g in outcome.groups
        ],
        "key_factors": [
            {
                "key_factor": f.key_factor,
                "perception": f.perception,
                "self_assessment": f.self_assessment,
            }
            for f in outcome.factors
        ],
        "questions": [
            {
                "code": q.code,
                "key_factor": q.key_factor,
                "n": q.n,
                "options": [
                    {"code": o.code, "count": o.count, "sentiment": o.sentiment} for o in q.options
                ],
                "mean": q.mean,
                "unfavourable": q.unfavourable,
                "by_group": _cells(q.by_group),
                "by_office": _cells(q.by_office),
            }
            for q in outcome.questions
        ],
    }
