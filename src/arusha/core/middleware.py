"""Requests from people who must use a second factor go nowhere else until they have; every
response, of both sites, says which browser features no page may use; no request carries a NUL
character into the database."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device

# No page of Arusha needs any of these: a script injected anyway gets none of them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
OPEN_URL_NAMES = {"login", "logout", "two_factor_verify", "two_factor_setup", "set_language"}


def needs_second_factor(user: object) -> bool:
    """True when this signed-in user has not yet passed the second factor they must pass."""
    if not getattr(user, "is_authenticated", False) or user.is_verified():  # type: ignore[attr-defined]
        return False
    return user.needs_two_factor() or user_has_device(user)  # type: ignore[attr-defined]


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., HttpResponse], args: object, kwargs: object
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.url_name in OPEN_URL_NAMES:
            return None
        if request.path.startswith(("/static/", "/healthz")):
            return None
        if not needs_second_factor(request.user):
            return None
        if request.path.startswith("/api/"):
            message = _("Confirm your second factor in the web interface first.")
            return JsonResponse({"detail": message}, status=403)
        target = "two_factor_verify" if user_has_device(request.user) else "two_factor_setup"
        return redirect(f"{reverse(target)}?next={request.get_full_path()}")


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy on every response; listed in the staff and the intake settings."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# Bodies read whole to look for a NUL; a multipart body holds files, where NUL bytes are normal
# (form fields inside it are refused by Django's own CharField validator).
_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded")


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
        return True
    if request.content_type not in _TEXT_BODIES or request.method in ("GET", "HEAD"):
        return False
    body = request.body
    if request.content_type == "application/json":
        return b"\x00" in body or b"\\u0000" in body
    return "\x00" in unquote_plus(body.decode("latin-1"))


class NoNulCharacterMiddleware:
    """A NUL character is in no legitimate input, and PostgreSQL cannot store or even compare
    one: refuse it at the door with a 400 rather than as a database error (a 500) deep in a view.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            message = _("The request contains a NUL character (code 0), which no field accepts.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
