"""Demo data of the surveys app: two SENAE perception campaigns a year apart, several hundred
synthetic responses drawn from a seeded generator (the later campaign a little more favourable,
brokers less favourable than the rest, a few groups and offices too small to show), and some
invitations still unused. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from arusha.core.models import Organisation, User
from arusha.questionnaires.loading import load_files
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.schema import Question, Questionnaire
from arusha.reporting.models import Office
from arusha.surveys.models import Campaign, Invitation, Response, TargetGroup

SLUG = "private-sector-perception"
# Respondents by kind of business ("" = not stated); associations and "other" stay small.
GROUPS = [
    {
        "importer": 95,
        "exporter": 50,
        "customs_broker": 80,
        "carrier": 40,
        "freight_forwarder": 38,
        "association": 12,
        "other": 3,
        "": 2,
    },
    {
        "importer": 85,
        "exporter": 45,
        "customs_broker": 70,
        "carrier": 35,
        "freight_forwarder": 30,
        "association": 4,
        "other": 6,
        "": 5,
    },
]
GROUP_OFFSET = {"customs_broker": -0.12, "carrier": -0.05, "exporter": 0.05}
OFFICE_WEIGHTS = {"GYE-MAR": 40, "GYE-AIR": 15, "UIO-AIR": 15, "HUA-TER": 12, "TUL-TER": 8}
# Share of each campaign's respondents who answered by invitation rather than the open link.
INVITED_SHARE = [0.6, 0.5]


def _agreement(question: Question, latent: float, rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "dont_know"
    index = round(min(4.0, max(0.0, rng.gauss(latent * 4, 1.0))))
    return ["strongly_disagree", "disagree", "neutral", "agree", "strongly_agree"][index]


def _frequency(latent: float, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return "not_applicable"
    if roll < 0.11:
        return "prefer_not"
    if rng.random() > (1 - latent) * 0.7:
        return "never"
    return rng.choice(["rarely", "rarely", "sometimes", "sometimes", "often", "always"])


def _answers(questionnaire: Questionnaire, latent: float, rng: random.Random) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    asked = False
    for _section, question in questionnaire.iter_questions():
        if question.attribute:
            continue
        if question.option_set == "agreement":
            answers[question.code] = _agreement(question, latent, rng)
        elif question.option_set == "frequency":
            value = _frequency(latent, rng)
            asked = asked or value in question.unfavourable_codes
            answers[question.code] = value
        elif question.option_set == "request_kind":
            if rng.random() < 0.5:
                continue
            answers[question.code] = (
                rng.sample(["cash", "goods", "favour", "unofficial_fee"], rng.randint(1, 2))
                if asked
                else ["not_asked"]
            )
        elif question.kind == "single_choice":
            answers[question.code] = rng.choice(question.choices).code
        elif question.kind == "multiple_choice" and rng.random() < 0.5:
            options = [o.code for o in question.choices if not o.no_answer]
            answers[question.code] = rng.sample(options, rng.randint(1, 2))
    return answers


def _attributes(group: str, offices: list[str], rng: random.Random) -> dict[str, Any]:
    attributes: dict[str, Any] = {
        "about.size": rng.choice(["micro", "small", "medium", "medium", "large"]),
    }
    if group:
        attributes["about.business_kind"] = group
    if offices:
        weights = [OFFICE_WEIGHTS.get(code, 2) for code in offices]
        attributes["about.main_office"] = rng.choices(offices, weights)[0]
    gender = rng.choices(["woman", "man", "another", "prefer_not", None], [30, 55, 1, 8, 6])[0]
    if gender:
        attributes["about.gender"] = gender
    return attributes


def _campaign(
    senae: Organisation, version: QuestionnaireVersion, year_back: int, creator: User | None
) -> tuple[Campaign, bool]:
    today = timezone.localdate()
    opens = date(today.year - year_back, today.month, 1)
    title = f"Perception survey {opens.year}"
    existing = Campaign.objects.filter(organisation=senae, title=title).first()
    if existing is not None:
        return existing, False
    campaign = Campaign.objects.create(
        organisation=senae,
        title=title,
        questionnaire_version=version,
        opens_on=opens,
        closes_on=opens + timedelta(days=60),
        target_groups=list(TargetGroup.values),
        created_by=creator,
    )
    return campaign, True


def _fill(campaign: Campaign, index: int, offices: list[str]) -> None:
    questionnaire = campaign.questionnaire_version.questionnaire()
    rng = random.Random(f"survey-demo-{index}")  # noqa: S311 - synthetic demo data
    share = INVITED_SHARE[index]
    base = 0.45 + 0.08 * index
    last_day = min(campaign.closes_on, timezone.localdate())
    span = max(0, (last_day - campaign.opens_on).days)
    responses: list[Response] = []
    invited_used: dict[str, int] = {}
    for group, count in GROUPS[index].items():
        for _ in range(count):
            latent = min(0.95, max(0.05, rng.gauss(base + GROUP_OFFSET.get(group, 0), 0.15)))
            invited = group in TargetGroup.values and rng.random() < share
            if invited:
                invited_used[group] = invited_used.get(group, 0) + 1
            responses.append(
                Response(
                    campaign=campaign,
                    questionnaire_version=campaign.questionnaire_version,
                    submitted_on=campaign.opens_on + timedelta(days=rng.randint(0, span)),
                    via=Response.Via.INVITATION if invited else Response.Via.OPEN_LINK,
                    answers=_answers(questionnaire, latent, rng),
                    attributes=_attributes(group, offices, rng),
                )
            )
    rng.shuffle(responses)
    Response.objects.bulk_create(responses)
    for group, used in invited_used.items():
        # Invitations for the group: those answered, and some never used.
        Invitation.issue(campaign, used + rng.randint(used // 3, used), group)
        pks = Invitation.objects.filter(campaign=campaign, group=group).values_list("pk", flat=True)
        Invitation.objects.filter(pk__in=list(pks[:used])).update(used=True)


@transaction.atomic
def load() -> list[str]:
    load_files()
    version = QuestionnaireVersion.objects.latest_of(SLUG)
    senae = Organisation.objects.filter(short_name="SENAE").first()
    if version is None or senae is None:
        return []
    creator = User.objects.filter(username="integrity").first()
    offices = list(
        Office.objects.filter(organisation=senae, is_active=True).values_list("code", flat=True)
    )
    latest = None
    for index, year_back in enumerate((1, 0)):
        campaign, created = _campaign(senae, version, year_back, creator)
        if created:
            _fill(campaign, index, offices)
        latest = campaign
    assert latest is not None  # noqa: S101 - the loop above runs twice
    return [
        f"  surveys: SENAE's '{latest.title}' is open; answer it at "
        f"/survey/o/{latest.code}/{latest.open_token}/"
    ]
