"""A fresh password check before sensitive actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "arusha_reauth_at"


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[SESSION_KEY] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(SESSION_KEY)
    return at is not None and time.time() - at < settings.REAUTH_MAX_AGE.total_seconds()


def reauth_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send the user to confirm their password unless they did so in the last few minutes.

    A POST that arrives without a fresh confirmation is not carried out: the user confirms, comes
    back to the page, and submits again knowingly.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        if request.method == "GET":
            next_url = request.get_full_path()
        else:
            next_url = request.POST.get("return_to", "") or reverse("account")
        return redirect(f"{reverse('reauth')}?{urlencode({'next': next_url})}")

    return wrapper
