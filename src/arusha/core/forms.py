"""Forms of the core app: validation at the edge, clear messages for people."""

from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token

from arusha.core.models import Organisation, User, WcoRegion


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app or a backup code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.device = None

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        self.device = match_token(self.user, token)
        if self.device is None:
            raise forms.ValidationError(
                _("That code is not valid. Check the time on your phone and try again."),
                code="invalid",
            )
        return token


class EnrolForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code shown by the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, device: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        if not self.device.verify_token(token):  # type: ignore[attr-defined]
            raise forms.ValidationError(
                _("That code does not match. Scan the code again or check your phone's clock."),
                code="invalid",
            )
        return token


class ReauthForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, request: HttpRequest, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.request = request
        self.user: User = request.user  # type: ignore[assignment]
        self.has_device = any(devices_for_user(self.user, confirmed=True))
        if not self.has_device:
            del self.fields["token"]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password = data.get("password")
        if password is None:
            return data
        user = authenticate(self.request, username=self.user.get_username(), password=password)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError(_("That password is not correct."), code="invalid")
        token = str(data.get("token") or "").replace(" ", "")
        if self.has_device and match_token(self.user, token) is None:
            raise forms.ValidationError(_("The second-factor code is not valid."), code="invalid")
        return data


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=80,
        help_text=_("For example: monthly export script"),
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "preferred_language"]


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
        required=False,
    )
    region = forms.ChoiceField(
        label=_("WCO region"),
        choices=[("", _("All regions")), *WcoRegion.choices],
        required=False,
    )
    q = forms.CharField(label=_("Name contains"), max_length=100, required=False)
