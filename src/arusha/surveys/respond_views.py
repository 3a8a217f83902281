"""Pages a respondent sees: the questionnaire behind an invitation, the open link or a resume
link; no sign-in, no session, no script. RespondentMiddleware scrubs every request first.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_POST

from arusha.questionnaires.scoring import AnswerError
from arusha.surveys import answering
from arusha.surveys.answering import Link
from arusha.surveys.forms import SurveyForm


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _problem(request: HttpRequest, kind: str, status: int) -> HttpResponse:
    return render(request, "surveys/respond/problem.html", {"kind": kind}, status=status)


def by_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = answering.invitation_link(token)
    except answering.InvitationUsed:
        return _problem(request, "used", 410)
    except answering.LinkNotFound:
        raise Http404 from None
    return _answer(request, link)


def by_open_link(request: HttpRequest, code: str, token: str) -> HttpResponse:
    try:
        campaign = answering.open_link(str(code), token)
    except answering.LinkNotFound:
        raise Http404 from None
    return _answer(request, answering.new_open_respondent(campaign), fresh=True)


def resume(request: HttpRequest, code: str, token: str) -> HttpResponse:
    try:
        campaign = answering.open_link_campaign(str(code))
        link = answering.resume_link(campaign, token)
    except answering.LinkNotFound:
        raise Http404 from None
    return _answer(request, link)


def _answer(request: HttpRequest, link: Link, fresh: bool = False) -> HttpResponse:
    campaign = link.campaign
    if not campaign.is_open_on():
        return _problem(request, "closed", 403)
    questionnaire = campaign.questionnaire_version.questionnaire()
    language = _language()
    options: dict[str, Any] = {
        "questionnaire": questionnaire,
        "language": language,
        "offices": campaign.office_options(),
    }
    if request.method != "POST":
        initial = {} if fresh else answering.draft_answers(link)
        form = SurveyForm(initial=initial, **options)
        return _page(request, link, form, saved=request.GET.get("saved") == "1")
    form = SurveyForm(request.POST, **options)
    if not form.is_valid():
        return _page(request, link, form, status=400)
    try:
        if request.POST.get("action") == "save":
            answering.save_draft(link, form.answers())
            return redirect(_own_address(link) + "?saved=1")
        answering.submit(link, form.answers())
    except answering.Incomplete as exc:
        for code in exc.missing:
            form.add_error(code, _required_message())
        return _page(request, link, form, status=400)
    except answering.InvitationUsed:
        return _problem(request, "used", 410)
    except answering.CampaignClosed:
        return _problem(request, "closed", 403)
    except answering.TooManyResponses:
        return _problem(request, "busy", 429)
    except AnswerError:
        return _page(request, link, form, status=400)
    return redirect("survey:thanks")


def _required_message() -> str:
    return _("Please answer this question.")


def _own_address(link: Link) -> str:
    if link.invitation is not None:
        return reverse("survey:invitation", args=[link.token])
    return reverse("survey:resume", args=[link.campaign.code, link.token])


def _page(
    request: HttpRequest, link: Link, form: SurveyForm, saved: bool = False, status: int = 200
) -> HttpResponse:
    questionnaire = form.questionnaire
    context: dict[str, Any] = {
        "campaign": link.campaign,
        "title": questionnaire.title.get(form.language),
        "intro": questionnaire.intro.get(form.language),
        "form": form,
        "sections": form.sections(),
        "saved": saved,
        "action": request.path,
        "resume_address": request.build_absolute_uri(_own_address(link))
        if link.invitation is None and saved
        else "",
    }
    return render(request, "surveys/respond/form.html", context, status=status)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/respond/thanks.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    return i18n.set_language(request)
