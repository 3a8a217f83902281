"""Staff pages of surveys: campaigns, invitations, the open link, results, exports, and the
regional aggregate for coordinators."""

from __future__ import annotations

import csv
from io import StringIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mass_mail
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from arusha.core import audit
from arusha.core.access import is_code
from arusha.core.models import Role, User
from arusha.surveys import access, charts, exports, results
from arusha.surveys.forms import CampaignForm, InvitationForm, RegionalCampaignForm
from arusha.surveys.models import Campaign, Invitation


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def language() -> str:
    return (get_language() or "en").split("-")[0]


def _audit(user: User, action: str, campaign: Campaign, **details: Any) -> None:
    audit.record(
        user, f"surveys.{action}", campaign, organisation=campaign.organisation, details=details
    )


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "campaigns": access.visible_campaigns(user),
        "can_launch": access.officer_administrations(user).exists(),
        "regions": sorted(user.coordinated_regions()),
    }
    return render(request, "surveys/campaign_list.html", context)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    administrations = access.officer_administrations(user)
    if not administrations.exists():
        return redirect("surveys:list")
    form = CampaignForm(request.POST or None, administrations=administrations)
    if request.method == "POST" and form.is_valid():
        campaign = form.save(commit=False)
        campaign.created_by = user
        campaign.save()
        form.save_m2m()
        _audit(user, "campaign_launched", campaign, title=campaign.title)
        messages.success(request, _("The campaign is ready."))
        return redirect("surveys:detail", campaign.code)
    return render(request, "surveys/campaign_form.html", {"form": form})


def _open_address(request: HttpRequest, campaign: Campaign) -> str:
    path = reverse("survey:open", args=[campaign.code, campaign.open_token])
    return request.build_absolute_uri(path)


@login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    grant = access.get_campaign_for_user(_user(request), code)
    campaign = grant.campaign
    invitations = Invitation.objects.filter(campaign=campaign)
    context = {
        "campaign": campaign,
        "grant": grant,
        "invited": invitations.count(),
        "used": invitations.filter(used=True).count(),
        "open_address": _open_address(request, campaign)
        if grant.can_manage and campaign.open_link_enabled
        else "",
        "invitation_form": InvitationForm() if grant.can_manage else None,
    }
    return render(request, "surveys/campaign_detail.html", context)


@login_required
@require_POST
def invitations_issue(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_to_manage(user, code)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect("surveys:detail", campaign.code)
    group, emails, count = (
        form.cleaned_data["group"],
        form.cleaned_data["emails"],
        form.cleaned_data["count"] or 0,
    )
    if emails:
        _send_invitations(request, campaign, group, emails)
        _audit(user, "invitations_sent", campaign, count=len(emails), group=group)
        messages.success(request, _("%(count)d invitations were sent.") % {"count": len(emails)})
    if not count:
        return redirect("surveys:detail", campaign.code)
    issued = Invitation.issue(campaign, count, group)
    _audit(user, "invitations_exported", campaign, count=count, group=group)
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Link")])
    for token in issued:
        writer.writerow([request.build_absolute_uri(reverse("survey:invitation", args=[token]))])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invitations-{campaign.code}.csv"'
    return response


def _send_invitations(
    request: HttpRequest, campaign: Campaign, group: str, emails: list[str]
) -> None:
    """One link per address; the address is used for sending and then forgotten."""
    subject = _("Survey on integrity at the border: %(title)s") % {"title": campaign.title}
    mails = []
    for address, token in zip(emails, Invitation.issue(campaign, len(emails), group), strict=True):
        link = request.build_absolute_uri(reverse("survey:invitation", args=[token]))
        body = _(
            "%(administration)s invites you to answer an anonymous survey on integrity in "
            "Customs, open until %(closes)s.\n\nYour personal link, for one response:\n%(link)s\n\n"
            "Your answers are stored without your name, your address or any link to this "
            "message."
        ) % {
            "administration": campaign.organisation.label,
            "closes": campaign.closes_on.isoformat(),
            "link": link,
        }
        mails.append((subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    send_mass_mail(mails, fail_silently=False)


@login_required
@require_POST
def open_link_rotate(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_to_manage(user, code)
    Campaign.objects.filter(pk=campaign.pk).update(
        open_salt=Campaign._meta.get_field("open_salt").get_default()
    )
    _audit(user, "open_link_replaced", campaign)
    messages.success(request, _("The open link was replaced; the old one no longer works."))
    return redirect("surveys:detail", campaign.code)


def _hidden() -> str:
    return _("fewer than 5")


def results_context(campaign: Campaign, compare_code: str | None, visible: Any) -> dict[str, Any]:
    outcome = results.campaign_results(campaign, language(), breakdowns=False)
    factor_chart = charts.bar_chart(
        "factors",
        _("Self-assessment and private-sector view by key factor"),
        _(
            "Bars of the self-assessment score and of the private sector's favourability "
            "(0 to 100) for each key factor, with 95% intervals; the table gives the numbers."
        ),
        [
            charts.Row(
                f"{f.key_factor}. {f.label}",
                [
                    charts.Bar(f.self_assessment),
                    charts.Bar(
                        f.perception.mean if f.perception else None,
                        f.perception.low if f.perception else None,
                        f.perception.high if f.perception else None,
                        suppressed=f.perception is None,
                    ),
                ],
            )
            for f in outcome.factors
        ],
        [_("Self-assessment"), _("Private sector")],
        _hidden(),
    )
    earlier = visible.filter(organisation=campaign.organisation).exclude(pk=campaign.pk)
    other = None
    if compare_code:
        other = earlier.filter(code=compare_code).first() if is_code(compare_code) else None
    else:
        other = earlier.filter(opens_on__lt=campaign.opens_on).order_by("-opens_on").first()
    comparison = results.compare_campaigns(other, campaign, outcome.factor_values) if other else []
    return {
        "campaign": campaign,
        "outcome": outcome,
        "factor_chart": factor_chart,
        "other": other,
        "others": earlier,
        "comparison": comparison,
    }


def _question_chart(question: results.QuestionResult) -> str:
    """Mean favourability by group, for questions that have a score; empty otherwise."""
    if question.mean is None or not question.by_group:
        return ""
    rows = []
    for item in question.by_group:
        mean = item.cell.mean
        rows.append(
            charts.Row(
                item.label,
                [
                    charts.Bar(
                        mean.mean if mean else None,
                        mean.low if mean else None,
                        mean.high if mean else None,
                        suppressed=item.cell.suppressed,
                    )
                ],
            )
        )
    return charts.bar_chart(
        f"q-{question.code.replace('.', '-')}",  # an id attribute, never shown
        question.text,
        _("Mean favourability (0 to 100) by group, with 95% intervals; the table has the numbers."),
        rows,
        [_("Mean")],
        _hidden(),
    )


@login_required
def campaign_results(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    grant = access.get_campaign_for_user(user, code)
    context = results_context(
        grant.campaign, request.GET.get("compare"), access.visible_campaigns(user)
    )
    context["grant"] = grant
    return render(request, "surveys/results.html", context)


@login_required
def campaign_results_section(request: HttpRequest, code: str, section: str) -> HttpResponse:
    """One section of the questionnaire in detail: per question the distribution and the
    breakdowns by group and office, each question folded away but the one asked for."""
    grant = access.get_campaign_for_user(_user(request), code)
    campaign = grant.campaign
    outcome = results.campaign_results(campaign, language())
    if outcome.suppressed:
        return redirect("surveys:results", campaign.code)
    current = outcome.section(section)
    if current is None:
        raise Http404
    codes = [s.code for s in outcome.sections]
    index = codes.index(section)
    asked = request.GET.get("question", "")
    context = {
        "campaign": campaign,
        "grant": grant,
        "outcome": outcome,
        "section": current,
        "previous": outcome.sections[index - 1] if index > 0 else None,
        "next": outcome.sections[index + 1] if index + 1 < len(codes) else None,
        "questions": [(q, _question_chart(q)) for q in current.questions],
        "open_question": asked if asked else current.questions[0].code,
    }
    return render(request, "surveys/results_section.html", context)


@login_required
def results_csv(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_for_user(user, code).campaign
    outcome = results.campaign_results(campaign, language())
    _audit(user, "results_exported", campaign, format="csv")
    return _download(exports.results_csv(outcome), "text/csv; charset=utf-8", campaign, "csv")


@login_required
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_for_user(user, code).campaign
    outcome = results.campaign_results(campaign, language())
    _audit(user, "results_exported", campaign, format="xlsx")
    return _download(
        exports.results_xlsx(outcome),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        campaign,
        "xlsx",
    )


@login_required
def responses_csv(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    campaign = access.get_campaign_to_manage(user, code)
    codes = request.GET.get("codes") == "1"
    _audit(user, "responses_exported", campaign, codes=codes)
    content = exports.raw_responses_csv(campaign, language(), codes=codes)
    suffix = "responses-codes.csv" if codes else "responses.csv"
    return _download(content, "text/csv; charset=utf-8", campaign, suffix)


def _download(content: Any, content_type: str, campaign: Campaign, suffix: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="survey-{campaign.code}.{suffix}"'
    return response


@login_required
def region_results(request: HttpRequest, region: str) -> HttpResponse:
    user = _user(request)
    region = access.region_for_coordinator(user, region)
    latest: dict[int, Campaign] = {}
    for campaign in Campaign.objects.for_region(region).order_by("opens_on"):
        latest[campaign.organisation_id] = campaign
    outcome = results.regional_results(list(latest.values()))
    launched = Campaign.objects.filter(
        launched_by__in=user.organisations_with_role(Role.REGIONAL_COORDINATOR)
    ).select_related("organisation")
    context = {"region": region, "outcome": outcome, "launched": launched}
    return render(request, "surveys/region_results.html", context)


@login_required
def regional_launch(request: HttpRequest, region: str) -> HttpResponse:
    user = _user(request)
    region = access.region_for_coordinator(user, region)
    office = user.organisations_with_role(Role.REGIONAL_COORDINATOR).filter(wco_region=region)
    form = RegionalCampaignForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            for administration in data["administrations"]:
                campaign = Campaign.objects.create(
                    organisation=administration,
                    title=data["title"],
                    questionnaire_version=data["questionnaire_version"],
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    target_groups=data["target_groups"],
                    launched_by=office.first(),
                    created_by=user,
                )
                _audit(user, "campaign_launched", campaign, title=campaign.title, region=region)
        messages.success(
            request,
            _("%(count)d campaigns were launched.") % {"count": len(data["administrations"])},
        )
        return redirect("surveys:region", region)
    return render(request, "surveys/regional_launch.html", {"form": form, "region": region})
