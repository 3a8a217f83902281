"""Forms of the partnerships app: validation at the edge, clear messages for people."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from arusha.core import spreadsheets
from arusha.core.key_factors import KeyFactor
from arusha.core.models import Organisation
from arusha.partnerships.models import (
    Action,
    ActionPlan,
    Activity,
    Agreement,
    Commitment,
    Evidence,
    Indicator,
    ParticipantCount,
    Signatory,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "kind",
            "title",
            "summary",
            "scope",
            "wco_region",
            "administration",
            "status",
            "date_signed",
            "date_in_force",
            "signed_text",
        ]
        widgets = {
            "date_signed": DateInput(),
            "date_in_force": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, administrations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations  # type: ignore[attr-defined]
        if administrations.count() == 1:
            self.fields["administration"].initial = administrations.get()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == Agreement.Scope.REGIONAL and not data.get("wco_region"):
            self.add_error("wco_region", _("A regional agreement needs its WCO region."))
        if data.get("scope") == Agreement.Scope.NATIONAL:
            data["wco_region"] = ""
        signed, in_force = data.get("date_signed"), data.get("date_in_force")
        if signed and in_force and in_force < signed:
            self.add_error(
                "date_in_force", _("An agreement cannot come into force before it is signed.")
            )
        return data


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["organisation", "signed_by", "capacity", "signed_on"]
        widgets = {"signed_on": DateInput()}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(  # type: ignore[attr-defined]
            signatures__agreement=agreement
        )


class CommitmentForm(forms.ModelForm):
    key_factors = forms.TypedMultipleChoiceField(
        label=_("Key factors of the Revised Arusha Declaration it serves"),
        choices=KeyFactor.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Commitment
        fields = ["number", "text", "binds", "key_factors"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if not self.instance.pk:
            last = agreement.commitments.order_by("-number").first()
            # The instance's empty number would override a field initial; set the form's own.
            self.initial["number"] = (last.number if last else 0) + 1

    def clean_number(self) -> int:
        number = self.cleaned_data["number"]
        taken = self.agreement.commitments.filter(number=number).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("This agreement already has a commitment %(n)s."), params={"n": number}
            )
        return number


class ActionPlanForm(forms.Form):
    administration = forms.ModelChoiceField(
        label=_("Administration"), queryset=Organisation.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)

    def __init__(self, *args: Any, administrations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administration"].queryset = administrations  # type: ignore[attr-defined]
        if len(administrations) == 1:
            self.fields["administration"].initial = administrations[0]


class PlanTitleForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "commitments",
            "customs_owner",
            "private_owner",
            "private_owner_contact",
            "start_date",
            "due_date",
        ]
        widgets = {
            "commitments": forms.CheckboxSelectMultiple,
            "start_date": DateInput(),
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = agreement.commitments.all()  # type: ignore[attr-defined]
        self.fields["private_owner"].queryset = Organisation.objects.private_sector()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, due = data.get("start_date"), data.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date is before the start date."))
        return data


class ActionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what changed and why. The note is kept in the action's history."),
    )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "baseline", "target", "measured", "measured_on"]
        widgets = {"measured_on": DateInput()}


class MeasurementForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["measured", "measured_on"]
        widgets = {"measured_on": DateInput()}


class EvidenceForm(forms.ModelForm):
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = Evidence
        fields = ["title", "document", "link"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("document") and not data.get("link"):
            raise forms.ValidationError(_("Attach a document or give a link."))
        return data


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "held_on",
            "place",
            "mode",
            "organisers",
            "commitments",
            "actions",
            "outcomes",
        ]
        widgets = {
            "held_on": DateInput(),
            "commitments": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "outcomes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self, *args: Any, agreement: Agreement, actions: QuerySet[Action], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commitments"].queryset = agreement.commitments.all()  # type: ignore[attr-defined]
        self.fields["actions"].queryset = actions  # type: ignore[attr-defined]


class ParticipantCountForm(forms.ModelForm):
    class Meta:
        model = ParticipantCount
        fields = ["organisation_kind", "wco_region", "count"]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Action plan workbook (XLSX)"),
        validators=[FileExtensionValidator(["xlsx"])],
        help_text=_(
            "Use the columns of the template. Nothing is imported unless every row is valid."
        ),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        try:
            spreadsheets.check_file_size(file, settings.SPREADSHEET_MAX_BYTES)
        except spreadsheets.SpreadsheetRejected as error:
            raise forms.ValidationError(error.message) from None
        return file
