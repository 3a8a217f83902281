"""The respondent pages: answering through the forms, coming back, one use per invitation,
the open link, and the headers of a surface that keeps nothing about visits."""

from __future__ import annotations

import re
from typing import Any

from arusha.surveys.models import Draft, Invitation, Response
from tests.surveys.conftest import full_answers


def _form(campaign: Any, action: str, **kwargs: Any) -> dict[str, Any]:
    return {
        **full_answers(campaign.questionnaire_version.questionnaire(), **kwargs),
        "action": action,
    }


def test_the_questionnaire_shows_in_the_respondents_language(campaign: Any, client: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    page = client.get(f"/survey/i/{token}/", HTTP_ACCEPT_LANGUAGE="fr")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Perception de l&#x27;intégrité de la douane par le secteur privé" in text
    assert "Quito airport" in text  # the administration's offices, for "main office"


def test_answers_saved_come_back_with_the_same_link(campaign: Any, client: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    url = f"/survey/i/{token}/"
    saved = client.post(url, {"kf1.message": "disagree", "action": "save"})
    assert saved.status_code == 302 and saved["Location"] == f"{url}?saved=1"
    again = client.get(saved["Location"])
    assert re.search(r'value="disagree"[^>]*checked', again.content.decode())
    assert Draft.objects.get().answers == {"kf1.message": "disagree"}


def test_submitting_without_required_answers_shows_what_is_missing(
    campaign: Any, client: Any
) -> None:
    [token] = Invitation.issue(campaign, 1)
    page = client.post(f"/survey/i/{token}/", {"kf1.message": "agree", "action": "submit"})
    assert page.status_code == 400
    assert 'id="form-errors"' in page.content.decode()
    assert Response.objects.count() == 0 and not Invitation.objects.get().used


def test_a_used_invitation_link_says_so(campaign: Any, client: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    done = client.post(f"/survey/i/{token}/", _form(campaign, "submit"))
    assert done.status_code == 302 and done["Location"] == "/survey/thanks/"
    again = client.post(f"/survey/i/{token}/", _form(campaign, "submit"))
    assert again.status_code == 410
    assert client.get(f"/survey/i/{token}/").status_code == 410
    assert Response.objects.count() == 1


def test_an_unknown_link_is_not_found(campaign: Any, client: Any) -> None:
    assert client.get("/survey/i/nothing-here/").status_code == 404
    assert client.get(f"/survey/o/{campaign.code}/wrong/").status_code == 404


def test_the_open_link_gives_a_resume_address_when_saving(campaign: Any, client: Any) -> None:
    url = f"/survey/o/{campaign.code}/{campaign.open_token}/"
    assert client.get(url).status_code == 200
    saved = client.post(url, {"kf2.consistent": "agree", "action": "save"})
    assert saved.status_code == 302
    resume = saved["Location"]
    assert resume.startswith(f"/survey/r/{campaign.code}/")
    page = client.get(resume)
    assert 'id="resume-address"' in page.content.decode()
    done = client.post(resume.split("?")[0], _form(campaign, "submit"))
    assert done.status_code == 302
    assert Response.objects.get().via == "open" and Draft.objects.count() == 0


def test_respondent_pages_are_hardened_and_keep_no_session(campaign: Any, client: Any) -> None:
    [token] = Invitation.issue(campaign, 1)
    page = client.get(f"/survey/i/{token}/")
    assert page["Cache-Control"].startswith("no-store")
    assert "default-src 'none'" in page["Content-Security-Policy"]
    assert page["Referrer-Policy"] == "same-origin"
    assert "sessionid" not in page.cookies
    assert "<script" not in page.content.decode()


def test_the_respondent_middleware_scrubs_the_address(rf: Any) -> None:
    from django.http import HttpResponse

    from arusha.reporting.middleware import UNKNOWN_ADDRESS
    from arusha.surveys.middleware import RespondentMiddleware

    seen = {}

    def view(request: Any) -> HttpResponse:
        seen.update(request.META)
        return HttpResponse()

    request = rf.get("/survey/thanks/", REMOTE_ADDR="198.51.100.4", HTTP_USER_AGENT="Agent/1")
    RespondentMiddleware(view)(request)
    assert seen["REMOTE_ADDR"] == UNKNOWN_ADDRESS
    assert "HTTP_USER_AGENT" not in seen
    other = rf.get("/surveys/", REMOTE_ADDR="198.51.100.4")
    RespondentMiddleware(view)(other)
    assert seen["REMOTE_ADDR"] == "198.51.100.4"  # staff pages are left alone
