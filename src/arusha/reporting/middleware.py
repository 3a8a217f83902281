"""Headers and scrubbing for the anonymous intake, on its own host or mounted under /report/.

Before any other code sees the request, the reporter's address, user agent and referrer are
removed from it, so no view, log line or error report can record them. On the way out every
response is made uncacheable, framed by nobody, and given a policy that allows nothing but this
site's style sheets, forms and its one script file (the proof of work); every cookie becomes
SameSite=Strict.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

INTAKE_MOUNT = "/report/"
INTAKE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# Request headers that could identify or locate a reporter. Proxies in front of the intake
# should not send them either; this is the last line.
SCRUBBED_META = (
    "REMOTE_HOST",
    "HTTP_USER_AGENT",
    "HTTP_REFERER",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
    "HTTP_VIA",
    "HTTP_CLIENT_IP",
    "HTTP_TRUE_CLIENT_IP",
    "HTTP_CF_CONNECTING_IP",
)
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder value, never bound to


def is_intake_request(request: HttpRequest) -> bool:
    if getattr(settings, "ARUSHA_INTAKE_SURFACE", False):
        return True
    path = request.path_info
    return path.startswith(INTAKE_MOUNT) or path == INTAKE_MOUNT.rstrip("/")


def scrub(request: HttpRequest) -> None:
    for name in SCRUBBED_META:
        request.META.pop(name, None)
    request.META["REMOTE_ADDR"] = UNKNOWN_ADDRESS


def harden(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    # Not "no-referrer": browsers then send "Origin: null" with forms and CSRF checks fail.
    # "same-origin" tells other sites nothing and this site only its own paths.
    response["Referrer-Policy"] = "same-origin"
    response["Content-Security-Policy"] = INTAKE_CSP
    response["X-Frame-Options"] = "DENY"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    for cookie in response.cookies.values():
        cookie["samesite"] = "Strict"
    return response


class IntakeMiddleware:
    """Put first in MIDDLEWARE so the scrubbing happens before any other middleware runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_intake_request(request):
            return self.get_response(request)
        scrub(request)
        return harden(self.get_response(request))
