"""Answering a survey: find the campaign behind a link, keep a draft, and submit.

Submission writes one Response with nothing that points back at the link: the invitation is only
marked used, in the same transaction, and the draft is deleted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from arusha.questionnaires.scoring import missing_required, normalise_answers
from arusha.surveys import tokens
from arusha.surveys.models import Campaign, Draft, Invitation, Response


class SurveyError(Exception):
    """Base of the errors the respondent pages turn into a message."""


class LinkNotFound(SurveyError):
    """No campaign answers to this link (or the open link was retired)."""


class InvitationUsed(SurveyError):
    """The invitation has already been used to submit answers."""


class CampaignClosed(SurveyError):
    """The campaign is not open today."""


class TooManyResponses(SurveyError):
    """The open link of this campaign received too many responses in the last hour."""


class Incomplete(SurveyError):
    """Required questions are unanswered; `missing` lists their codes."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(", ".join(missing))


@dataclass(frozen=True)
class Link:
    """What a respondent's link opens: a campaign, how it was reached, and the token that files
    the draft (the invitation token, or a resume token minted for an open-link respondent)."""

    campaign: Campaign
    via: str
    token: str
    invitation: Invitation | None = None

    @property
    def draft_key(self) -> str:
        return tokens.draft_key(self.token)


def invitation_link(token: str) -> Link:
    invitation = (
        Invitation.objects.select_related(
            "campaign__organisation", "campaign__questionnaire_version"
        )
        .filter(digest=tokens.digest(token))
        .first()
    )
    if invitation is None:
        raise LinkNotFound
    if invitation.used:
        raise InvitationUsed
    return Link(invitation.campaign, Response.Via.INVITATION, token, invitation)


def open_link_campaign(campaign_code: str) -> Campaign:
    campaign = (
        Campaign.objects.select_related("organisation", "questionnaire_version")
        .filter(code=campaign_code, open_link_enabled=True)
        .first()
    )
    if campaign is None:
        raise LinkNotFound
    return campaign


def open_link(campaign_code: str, token: str) -> Campaign:
    """The campaign whose current open link this is."""
    campaign = open_link_campaign(campaign_code)
    if not tokens.constant_time_equal(campaign.open_token, token):
        raise LinkNotFound
    return campaign


def resume_link(campaign: Campaign, token: str) -> Link:
    """An open-link respondent coming back with the resume token given when they saved."""
    if not Draft.objects.filter(key=tokens.draft_key(token), campaign=campaign).exists():
        raise LinkNotFound
    return Link(campaign, Response.Via.OPEN_LINK, token)


def new_open_respondent(campaign: Campaign) -> Link:
    return Link(campaign, Response.Via.OPEN_LINK, tokens.new_token())


def draft_answers(link: Link) -> dict[str, Any]:
    draft = Draft.objects.filter(key=link.draft_key, campaign=link.campaign).first()
    return dict(draft.answers) if draft else {}


def save_draft(link: Link, answers: dict[str, Any]) -> None:
    _check_open(link.campaign)
    clean = _normalised(link.campaign, answers)
    Draft.objects.update_or_create(
        key=link.draft_key,
        defaults={"campaign": link.campaign, "answers": clean, "saved_on": timezone.localdate()},
    )


def submit(link: Link, answers: dict[str, Any]) -> None:
    """Store the answers as an unlinkable response, mark the invitation used, drop the draft."""
    campaign = link.campaign
    _check_open(campaign)
    questionnaire = campaign.questionnaire_version.questionnaire()
    clean = _normalised(campaign, answers)
    missing = missing_required(questionnaire, clean)
    if missing:
        raise Incomplete(missing)
    if link.via == Response.Via.OPEN_LINK:
        _count_open_response(campaign)
    attribute_codes = {q.code for _, q in questionnaire.iter_questions() if q.attribute}
    with transaction.atomic():
        if link.invitation is not None:
            marked = Invitation.objects.filter(pk=link.invitation.pk, used=False).update(used=True)
            if marked != 1:
                raise InvitationUsed
        Response.objects.create(
            campaign=campaign,
            questionnaire_version=campaign.questionnaire_version,
            submitted_on=timezone.localdate(),
            via=link.via,
            answers={k: v for k, v in clean.items() if k not in attribute_codes},
            attributes={k: v for k, v in clean.items() if k in attribute_codes},
        )
        Draft.objects.filter(key=link.draft_key).delete()


def _check_open(campaign: Campaign) -> None:
    if not campaign.is_open_on():
        raise CampaignClosed


def _normalised(campaign: Campaign, answers: dict[str, Any]) -> dict[str, Any]:
    """Answers in canonical JSON form (AnswerError if one does not fit)."""
    questionnaire = campaign.questionnaire_version.questionnaire()
    normal = normalise_answers(questionnaire, answers)
    return {
        code: list(answer.value) if isinstance(answer.value, tuple) else answer.value
        for code, answer in normal.items()
    }


def _count_open_response(campaign: Campaign) -> None:
    """A per-campaign ceiling on open-link responses an hour; no address is counted."""
    limit = int(getattr(settings, "SURVEYS_OPEN_LINK_PER_HOUR", 300))
    key = f"arusha:survey-open:{campaign.code}:{int(time.time() // 3600)}"
    cache.add(key, 0, 7200)
    try:
        count = int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 7200)
        count = 1
    if count > limit:
        raise TooManyResponses


def purge_closed_drafts(dry_run: bool = False) -> int:
    """Drafts of campaigns closed before today: nobody can submit them any more."""
    stale = Draft.objects.filter(campaign__closes_on__lt=timezone.localdate())
    count = stale.count()
    if not dry_run:
        stale.delete()
    return count
