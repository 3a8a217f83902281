"""Answering by invitation and by open link: one-time use, drafts, and no way back from a
response to the invitation, draft or respondent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from arusha.surveys import answering, tokens
from arusha.surveys.models import Draft, Invitation, Response
from tests.surveys.conftest import full_answers


def _answers(campaign: Any, **kwargs: Any) -> dict[str, Any]:
    return full_answers(campaign.questionnaire_version.questionnaire(), **kwargs)


def test_an_invitation_token_is_stored_only_as_a_hash(campaign: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    invitation = Invitation.objects.get()
    assert invitation.digest == tokens.digest(token)
    assert token not in str(Invitation.objects.values().get())


def test_an_invitation_can_be_used_only_once(campaign: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    answering.submit(answering.invitation_link(token), _answers(campaign))
    with pytest.raises(answering.InvitationUsed):
        answering.invitation_link(token)
    assert Response.objects.count() == 1


def test_a_second_submission_racing_the_first_is_refused(campaign: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    first = answering.invitation_link(token)
    second = answering.invitation_link(token)  # opened in two tabs
    answering.submit(first, _answers(campaign))
    with pytest.raises(answering.InvitationUsed):
        answering.submit(second, _answers(campaign))
    assert Response.objects.count() == 1


def test_an_unknown_token_finds_nothing(campaign: Any) -> None:
    with pytest.raises(answering.LinkNotFound):
        answering.invitation_link("not-a-token")


def test_a_respondent_can_save_and_come_back_until_they_submit(campaign: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    answering.save_draft(answering.invitation_link(token), {"kf1.message": "agree"})
    assert answering.draft_answers(answering.invitation_link(token)) == {"kf1.message": "agree"}
    assert Response.objects.count() == 0
    answering.submit(answering.invitation_link(token), _answers(campaign))
    assert Draft.objects.count() == 0


def test_a_draft_is_filed_under_a_key_that_is_not_the_invitation_digest(campaign: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    answering.save_draft(answering.invitation_link(token), {"kf1.message": "agree"})
    draft = Draft.objects.get()
    assert draft.key == tokens.draft_key(token)
    assert draft.key != Invitation.objects.get().digest


def test_missing_required_answers_are_refused_and_the_invitation_stays_usable(
    campaign: Any,
) -> None:
    [token] = Invitation.issue(campaign, 1)
    with pytest.raises(answering.Incomplete) as caught:
        answering.submit(answering.invitation_link(token), {"kf1.message": "agree"})
    assert "kf1.managers_act" in caught.value.missing
    assert not Invitation.objects.get().used


def test_a_closed_campaign_takes_no_answers(campaign: Any) -> None:
    campaign.closes_on = campaign.opens_on = campaign.opens_on - timedelta(days=10)
    campaign.save()
    [token] = Invitation.issue(campaign, 1)
    with pytest.raises(answering.CampaignClosed):
        answering.submit(answering.invitation_link(token), _answers(campaign))


def test_the_open_link_accepts_answers_and_a_replaced_one_does_not(campaign: Any) -> None:
    token = campaign.open_token
    found = answering.open_link(str(campaign.code), token)
    answering.submit(answering.new_open_respondent(found), _answers(campaign))
    assert Response.objects.get().via == Response.Via.OPEN_LINK
    campaign.open_salt = "another"
    campaign.save()
    with pytest.raises(answering.LinkNotFound):
        answering.open_link(str(campaign.code), token)


def test_the_open_link_is_rate_limited_per_campaign(campaign: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.SURVEYS_OPEN_LINK_PER_HOUR = 2
    for _ in range(2):
        answering.submit(answering.new_open_respondent(campaign), _answers(campaign))
    with pytest.raises(answering.TooManyResponses):
        answering.submit(answering.new_open_respondent(campaign), _answers(campaign))
    assert Response.objects.count() == 2
    cache.clear()


def test_an_open_link_respondent_resumes_with_the_token_they_were_given(campaign: Any) -> None:
    link = answering.new_open_respondent(campaign)
    answering.save_draft(link, {"kf1.message": "disagree"})
    again = answering.resume_link(campaign, link.token)
    assert answering.draft_answers(again) == {"kf1.message": "disagree"}
    answering.submit(again, _answers(campaign))
    with pytest.raises(answering.LinkNotFound):
        answering.resume_link(campaign, link.token)


def _every_stored_text(skip: str = "") -> str:
    """Every value in every table of the database (but `skip`), as one text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table == skip:
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
            chunks += [repr(row) for row in cursor.fetchall()]
    return "\n".join(chunks)


def test_nothing_leads_from_a_response_to_its_invitation_or_respondent(
    campaign: Any, client: Any
) -> None:
    tokens_issued = Invitation.issue(campaign, 3)
    token = tokens_issued[1]
    url = f"/survey/i/{token}/"
    # Answer as a person would, through the pages, with a recognisable address and browser.
    headers = {"REMOTE_ADDR": "203.0.113.77", "HTTP_USER_AGENT": "Tracer/9.9 (unique-agent)"}
    client.post(url, {**_answers(campaign), "action": "save"}, **headers)
    assert Draft.objects.count() == 1
    response = client.post(url, {**_answers(campaign), "action": "submit"}, **headers)
    assert response.status_code == 302

    assert Response.objects.count() == 1
    invitation = Invitation.objects.get(digest=tokens.digest(token))
    assert invitation.used
    assert Draft.objects.count() == 0

    # The response's columns: no key to invitation, draft or user, and no time of day.
    fields = {f.name: f for f in Response._meta.get_fields()}
    assert set(fields) == {
        "id",
        "campaign",
        "questionnaire_version",
        "submitted_on",
        "via",
        "answers",
        "attributes",
    }
    assert isinstance(fields["submitted_on"], models.DateField)
    assert not isinstance(fields["submitted_on"], models.DateTimeField)
    assert isinstance(fields["id"], models.UUIDField)
    related = {f.related_model for f in fields.values() if f.is_relation}
    assert related == {
        apps.get_model("surveys", "Campaign"),
        apps.get_model("questionnaires", "QuestionnaireVersion"),
    }
    # No model anywhere points at a response, and the invitation keeps no date of use.
    assert not [f for f in Response._meta.get_fields() if f.auto_created and not f.concrete]
    assert {f.name for f in Invitation._meta.get_fields()} == {
        "id",
        "code",
        "campaign",
        "digest",
        "group",
        "created_on",
        "used",
    }
    # Neither the token, its digest, the draft key, the address nor the browser is stored
    # anywhere, in any table, and the response carries no value of the invitation row.
    dump = _every_stored_text()
    for secret in (token, tokens.draft_key(token), "203.0.113.77", "unique-agent"):
        assert secret not in dump
    elsewhere = _every_stored_text(skip=Invitation._meta.db_table)
    assert invitation.digest not in elsewhere
    assert str(invitation.code) not in elsewhere
    assert str(invitation.code.hex) not in elsewhere
    # The other invitations are untouched: which one was used shows only in its own flag.
    assert Invitation.objects.filter(used=True).count() == 1


def test_drafts_of_closed_campaigns_are_purged(campaign: Any) -> None:
    from io import StringIO

    from django.core.management import call_command, load_command_class

    [token] = Invitation.issue(campaign, 1)
    answering.save_draft(answering.invitation_link(token), {"kf1.message": "agree"})
    out = StringIO()
    call_command("purge_survey_drafts", stdout=out)
    assert Draft.objects.count() == 1 and "deleted 0" in out.getvalue()
    campaign.opens_on = campaign.closes_on = campaign.opens_on - timedelta(days=30)
    campaign.save()
    call_command("purge_survey_drafts", "--dry-run", stdout=out)
    assert Draft.objects.count() == 1
    call_command("purge_survey_drafts", stdout=out)
    assert Draft.objects.count() == 0
    command = load_command_class("arusha.surveys", "purge_survey_drafts")
    assert "Example: arusha manage purge_survey_drafts" in command.help
