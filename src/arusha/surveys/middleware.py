"""The respondent surface of surveys, under /survey/, gets the intake's treatment: the address,
user agent and referrer are removed from each request before anything else sees it, and each
response is uncacheable, unframeable and allowed nothing but this site's style sheets and forms.

The scrubbing and hardening are reporting's own functions, reused unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from arusha.reporting.middleware import harden, scrub

SURVEY_MOUNT = "/survey/"


def is_respondent_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(SURVEY_MOUNT)


class RespondentMiddleware:
    """Put near the top of MIDDLEWARE, before anything that could log or store the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_respondent_request(request):
            return self.get_response(request)
        scrub(request)
        return harden(self.get_response(request))
