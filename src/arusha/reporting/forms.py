"""Forms of the reporting channel: the intake questionnaire, the receipt, replies, key recovery."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from arusha.reporting import taxonomy
from arusha.reporting.models import Channel, Office
from arusha.reporting.threads import MAX_MESSAGE_CHARS

MONTHS_BACK = 36
NOT_SAID = ("", _("I prefer not to say"))


def recent_months(today: date | None = None, count: int = MONTHS_BACK) -> list[date]:
    """The first day of this month and of the ``count - 1`` months before it, newest first."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    months = []
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def _choice(label: Any, choices: type[Any], help_text: Any = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=[NOT_SAID, *choices.choices], required=False, help_text=help_text
    )


class OfficeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Office) -> str:
        return obj.name


class ReportForm(forms.Form):
    reporter_role = _choice(_("Who are you?"), taxonomy.ReporterRole)
    office = OfficeChoiceField(
        label=_("Where did it happen?"),
        queryset=Office.objects.none(),
        required=False,
        empty_label=_("Not in the list, or I prefer not to say"),
    )
    month = forms.ChoiceField(label=_("When did it happen?"), required=False)
    stage = _choice(_("At which stage of the procedure?"), taxonomy.Stage)
    demand = _choice(_("What was demanded?"), taxonomy.DemandKind)
    amount_band = _choice(_("How much was it worth?"), taxonomy.AmountBand)
    by_whom = _choice(_("Who demanded it?"), taxonomy.ByWhom)
    consequence = _choice(
        _("What happened, or was threatened, if you refused?"), taxonomy.Consequence
    )
    paid = _choice(_("Was it paid?"), taxonomy.Paid)
    description = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "Describe what happened in your own words. Leave out anything that would identify "
            "you unless you want to be identified."
        ),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    identity = forms.CharField(
        label=_("Who you are (optional)"),
        help_text=_(
            "Only if you want to be contacted in person. Your name and contact details are "
            "locked separately from the report: the people handling it see them only if a "
            "designated custodian agrees."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent_statistics = forms.BooleanField(
        label=_("Yes, count my report in the statistics."),
        help_text=_(
            "If you tick this box, only the office, the month, the stage, what was demanded and "
            "by whom are kept apart from your report, with no link to it, to count how often "
            "such demands happen. Nothing else you wrote is included. If you leave it empty, "
            "nothing is kept outside your locked report."
        ),
        required=False,
    )

    def __init__(self, channel: Channel, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(  # type: ignore[attr-defined]
            organisation=channel.organisation, is_active=True
        )
        self.fields["month"].choices = [  # type: ignore[attr-defined]
            ("", _("I do not remember, or prefer not to say")),
            *((m.strftime("%Y-%m"), f"{MONTHS[m.month]} {m.year}") for m in recent_months()),
        ]
        if not channel.accepts_identity():
            del self.fields["identity"]

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name, _choices in taxonomy.QUESTIONS}

    def month_value(self) -> date | None:
        raw = self.cleaned_data.get("month")
        if not raw:
            return None
        year, month = raw.split("-")
        return date(int(year), int(month), 1)


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt"),
        help_text=_("The 20 letters and digits you were given; dashes and spaces do not matter."),
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RecoveryForm(forms.Form):
    recovery_key = forms.CharField(
        label=_("Recovery key"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Your current sign-in password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your sign-in password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class BulkUploadForm(forms.Form):
    channel = forms.ModelChoiceField(
        label=_("Customs administration"), queryset=Channel.objects.filter(is_open=True)
    )
    workbook = forms.FileField(
        label=_("Completed template (.xlsx)"),
        help_text=_("Up to 5,000 incidents. Either every row is imported, or none."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workbook"].help_text = _(
            "Up to 5,000 incidents and %(size)s. Either every row is imported, or none."
        ) % {"size": filesizeformat(settings.INCIDENT_UPLOAD_MAX_BYTES)}


def answer_rows(content: dict[str, Any]) -> list[tuple[str, str]]:
    """The submitted answers as (question, answer) pairs in the reader's language."""
    form_fields = ReportForm.base_fields
    answers = content.get("answers", {})
    rows = [(str(form_fields["office"].label), content.get("office_name") or "—")]
    rows.append((str(form_fields["month"].label), content.get("month") or "—"))
    for name, choices in taxonomy.QUESTIONS:
        code = answers.get(name, "")
        rows.append(
            (str(form_fields[name].label), taxonomy.label_of(choices, code) if code else "—")
        )
    return rows
