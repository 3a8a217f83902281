"""The public pages: published agreements, their signatories and progress, for anyone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from arusha.partnerships import access, progress
from arusha.partnerships.models import Action, Agreement
from arusha.partnerships.views import serve_file


def public_list(request: HttpRequest) -> HttpResponse:
    agreements = Agreement.objects.published().select_related("administration")
    return render(request, "partnerships/public_list.html", {"agreements": agreements})


def public_detail(request: HttpRequest, code: str) -> HttpResponse:
    agreement = access.get_published_agreement(code)
    actions = list(progress.agreement_actions(agreement))
    context = {
        "agreement": agreement,
        "signatories": agreement.signatories.select_related("organisation"),
        "overall": progress.tally(actions),
        "commitments": progress.by_commitment(agreement, actions),
        "key_factors": progress.by_key_factor(actions),
        "published": Action.objects.published()
        .filter(plan__agreement=agreement)
        .select_related("plan__administration", "private_owner")
        .prefetch_related("indicators"),
        "activities": agreement.activities.all(),
    }
    return render(request, "partnerships/public_detail.html", context)


def public_document(request: HttpRequest, code: str) -> HttpResponseBase:
    agreement = access.get_published_agreement(code)
    return serve_file(agreement.signed_text, agreement.title)
