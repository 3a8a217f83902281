"""Signing in and out, the second factor, password re-checks and personal API tokens."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from arusha.core import audit
from arusha.core.forms import ApiTokenForm, EnrolForm, OtpTokenForm, PreferencesForm, ReauthForm
from arusha.core.models import ApiToken, User
from arusha.core.reauth import mark_reauthenticated, reauth_required

BACKUP_CODE_COUNT = 10
# Session key of a language picked before signing in (core.views.set_language).
CHOSEN_LANGUAGE_KEY = "arusha_chosen_language"

# Sent with the password in clear after it was checked, so that an app whose keys are derived
# from it (the reporting channel's handler keys) can unlock or rewrap them. Receivers must never
# store or log the password. password_verified: request, user, password, response.
# password_changed: request, user, old_password, new_password (inside the change's transaction).
password_verified = Signal()
password_changed = Signal()


def _safe_next(request: HttpRequest, default: str = "home") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(default)


def _remember_language(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=False,
    )


def _language_at_sign_in(request: HttpRequest, user: User) -> str:
    """The language chosen on the sign-in page, now saved as the preference; else the saved one."""
    chosen = request.session.pop(CHOSEN_LANGUAGE_KEY, None)
    if chosen not in dict(settings.LANGUAGES) or chosen == user.preferred_language:
        return user.preferred_language
    User.objects.filter(pk=user.pk).update(preferred_language=chosen)
    user.preferred_language = chosen
    return str(chosen)


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)  # type: ignore[arg-type]
        user: User = self.request.user  # type: ignore[assignment]
        audit.record(user, "auth.login")
        _remember_language(response, _language_at_sign_in(self.request, user))
        password = form.cleaned_data["password"]  # type: ignore[attr-defined]
        password_verified.send(
            LoginView, request=self.request, user=user, password=password, response=response
        )
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: object) -> HttpResponse:
        data = form.cleaned_data  # type: ignore[attr-defined]
        user: User = self.request.user  # type: ignore[assignment]
        with transaction.atomic():
            response = super().form_valid(form)  # type: ignore[arg-type]
            password_changed.send(
                PasswordChangeView,
                request=self.request,
                user=user,
                old_password=data["old_password"],
                new_password=data["new_password1"],
            )
            audit.record(user, "account.password_changed", user)
        messages.success(self.request, _("Your password was changed."))
        return response


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, "auth.logout")
    return auth_views.LogoutView.as_view()(request)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(
            user, "account.preferences_changed", user, details={"fields": form.changed_data}
        )
        messages.success(request, _("Your details were saved."))
        response = redirect("account")
        _remember_language(response, user.preferred_language)
        return response
    context = {
        "form": form,
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "backup_codes_left": StaticToken.objects.filter(device__user=user).count(),
        "tokens": user.api_tokens.filter(revoked_at__isnull=True),
        "token_form": ApiTokenForm(),
        "two_factor_required": user.needs_two_factor(),
        "memberships": user.memberships.select_related("organisation"),
    }
    return render(request, "core/account.html", context)


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def _new_backup_codes(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name="backup")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = EnrolForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        codes = _new_backup_codes(user)
        audit.record(user, "auth.2fa_enrolled", user)
        return render(
            request, "core/backup_codes.html", {"codes": codes, "next": _safe_next(request)}
        )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "next": request.GET.get("next", ""),
        "required": user.needs_two_factor(),
    }
    return render(request, "core/two_factor_setup.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not any(devices_for_user(user, confirmed=True)):
        return redirect("two_factor_setup")
    form = OtpTokenForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        audit.record(user, "auth.2fa_verified")
        return HttpResponseRedirect(_safe_next(request))
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
@reauth_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.needs_two_factor():
        messages.error(request, _("Your role requires a second factor; it cannot be turned off."))
        return redirect("account")
    if request.method == "POST":
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit.record(user, "auth.2fa_disabled", user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("account")
    return render(request, "core/two_factor_disable.html")


@login_required
@require_POST
@reauth_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("two_factor_setup")
    codes = _new_backup_codes(user)
    audit.record(user, "auth.backup_codes_renewed", user)
    return render(request, "core/backup_codes.html", {"codes": codes, "next": reverse("account")})


@login_required
def reauth(request: HttpRequest) -> HttpResponse:
    form = ReauthForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mark_reauthenticated(request)
        audit.record(request.user, "auth.reauthenticated")
        return HttpResponseRedirect(_safe_next(request, default="account"))
    return render(request, "core/reauth.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
@require_POST
@reauth_required
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("account")
    token, raw = ApiToken.issue(request.user, form.cleaned_data["name"])  # type: ignore[arg-type]
    audit.record(request.user, "api.token_created", token, details={"name": token.name})
    return render(request, "core/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request: HttpRequest, code: str) -> HttpResponse:
    token = get_object_or_404(ApiToken, code=code, user=request.user, revoked_at__isnull=True)
    token.revoke()
    audit.record(request.user, "api.token_revoked", token, details={"name": token.name})
    messages.success(request, _("The token was revoked."))
    return redirect("account")
