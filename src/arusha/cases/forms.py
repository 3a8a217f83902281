"""Forms of the case pages: validation at the edge, so ``handling`` can trust its inputs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from arusha.cases.models import Case, Label, Referral
from arusha.core.models import Organisation, User
from arusha.reporting.models import Office

TEXT = forms.Textarea(attrs={"rows": 3})


class InboxFilterForm(forms.Form):
    DUE = [("", _("Any")), ("overdue", _("Overdue")), ("due_soon", _("Due soon"))]
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", pgettext_lazy("cases not closed", "Open")),
            ("all", _("All")),
            *Case.Status.choices,
        ],
    )
    due = forms.ChoiceField(label=_("Deadline"), required=False, choices=DUE)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    label = forms.CharField(label=_("Label"), required=False, max_length=40)


class AcknowledgeForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the reporter"),
        required=False,
        widget=TEXT,
        max_length=20000,
        initial=_("We have received your report and will look into it."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Move to"),
        choices=[
            (Case.Status.ASSESSMENT, Case.Status.ASSESSMENT.label),
            (Case.Status.INVESTIGATION, Case.Status.INVESTIGATION.label),
        ],
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.Outcome.choices)
    message = forms.CharField(
        label=_("Message to the reporter (optional)"), required=False, widget=TEXT, max_length=20000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen?"), widget=TEXT, max_length=2000)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Message to the reporter"), widget=TEXT, max_length=20000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Internal note (sealed)"), widget=TEXT, max_length=20000)


class ClassifyForm(forms.Form):
    nature = forms.ChoiceField(
        label=_("Nature"), required=False, choices=[("", "—"), *Case.Nature.choices]
    )
    purpose = forms.ChoiceField(
        label=_("Purpose"), required=False, choices=[("", "—"), *Case.Purpose.choices]
    )
    office = forms.ModelChoiceField(
        label=_("Office concerned"), required=False, queryset=Office.objects.none()
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(organisation=organisation)  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Handler"), required=False, queryset=User.objects.none()
    )

    def __init__(self, *args: Any, handlers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = User.objects.filter(pk__in=[h.pk for h in handlers])  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.get_username()  # type: ignore[attr-defined]


class LabelForm(forms.Form):
    labels = forms.CharField(label=_("Labels, separated by commas"), required=False, max_length=400)

    def names(self) -> list[str]:
        raw = self.cleaned_data["labels"].split(",")
        return sorted({n.strip()[:40] for n in raw if n.strip()})


class IdentityRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the reporter's identity is needed"), widget=TEXT, max_length=2000
    )


class ReferralForm(forms.Form):
    to_organisation = forms.ModelChoiceField(
        label=_("Another administration on the platform"),
        required=False,
        queryset=Organisation.objects.none(),
    )
    outside_body = forms.CharField(
        label=_("Or an outside body (e.g. the anti-corruption agency)"),
        required=False,
        max_length=200,
    )
    parts = forms.MultipleChoiceField(
        label=_("What to pass on"),
        choices=Referral.Part.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    tell_reporter = forms.CharField(
        label=_("Message to the reporter (optional)"),
        required=False,
        widget=TEXT,
        max_length=20000,
        help_text=_("Tell the reporter that the report was referred, if that is safe."),
    )

    def __init__(self, *args: Any, exclude: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = Organisation.objects.customs().exclude(  # type: ignore[attr-defined]
            pk=exclude.pk
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("to_organisation")) == bool(data.get("outside_body", "").strip()):
            raise forms.ValidationError(_("Choose one administration or name one outside body."))
        return data


class ConflictForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Office"), required=False, queryset=Office.objects.none()
    )
    text = forms.CharField(label=_("Unit or person"), required=False, max_length=120)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Office.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("office") and not data.get("text", "").strip():
            raise forms.ValidationError(_("Name an office, a unit or a person."))
        return data


def labels_for(organisation: Organisation, names: list[str]) -> list[Label]:
    return [Label.objects.get_or_create(organisation=organisation, name=n)[0] for n in names]
