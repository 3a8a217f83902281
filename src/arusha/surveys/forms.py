"""Forms of the surveys app: launching a campaign, issuing invitations, and the questionnaire
itself, built from the frozen questionnaire version in the respondent's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from arusha.core.models import Organisation
from arusha.questionnaires.models import QuestionnaireVersion
from arusha.questionnaires.schema import Question, Questionnaire
from arusha.reporting.models import Office
from arusha.surveys.models import Campaign, TargetGroup

MAX_INVITATIONS = 2000


class CampaignForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Administration")
    )
    questionnaire_version = forms.ModelChoiceField(
        queryset=QuestionnaireVersion.objects.filter(
            kind=QuestionnaireVersion.Kind.PERCEPTION_SURVEY
        ),
        label=_("Questionnaire version"),
    )
    target_groups = forms.MultipleChoiceField(
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target groups"),
    )
    offices = forms.ModelMultipleChoiceField(
        queryset=Office.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target offices and border posts"),
        help_text=_("Leave empty to ask about every office."),
    )

    class Meta:
        model = Campaign
        fields = [
            "organisation",
            "title",
            "questionnaire_version",
            "opens_on",
            "closes_on",
            "target_groups",
            "offices",
            "open_link_enabled",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, administrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = administrations  # type: ignore[attr-defined]
        self.fields["offices"].queryset = Office.objects.filter(  # type: ignore[attr-defined]
            organisation__in=administrations, is_active=True
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        organisation = data.get("organisation")
        for office in data.get("offices") or []:
            if organisation and office.organisation_id != organisation.pk:
                self.add_error("offices", _("Choose offices of the administration surveyed."))
                break
        return data


class InvitationForm(forms.Form):
    group = forms.ChoiceField(
        choices=[("", _("Not specified")), *TargetGroup.choices],
        required=False,
        label=_("Target group"),
    )
    count = forms.IntegerField(
        min_value=0,
        max_value=MAX_INVITATIONS,
        required=False,
        label=_("Number of links to export"),
        help_text=_("Links for the administration to send itself, downloaded once as CSV."),
    )
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label=_("E-mail addresses"),
        help_text=_("One per line. Each receives its own link; the addresses are not kept."),
    )

    def clean_emails(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines()]
        addresses = [line for line in lines if line]
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("%(address)s is not an e-mail address."), params={"address": address}
                ) from None
        if len(addresses) > MAX_INVITATIONS:
            raise forms.ValidationError(_("Too many addresses at once."))
        return list(dict.fromkeys(addresses))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("count") and not data.get("emails"):
            raise forms.ValidationError(_("Give a number of links or e-mail addresses."))
        return data


def _choices(question: Question, language: str, offices: list[tuple[str, str]]) -> list[Any]:
    if question.options_from == "offices":
        return offices
    return [(o.code, o.label.get(language)) for o in question.choices]


def _field(question: Question, language: str, offices: list[tuple[str, str]]) -> forms.Field:
    label = question.text.get(language)
    help_text = question.help.get(language) if question.help else ""
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    if question.kind == "single_choice":
        widget = forms.Select if question.options_from else forms.RadioSelect
        choices = _choices(question, language, offices)
        if question.options_from:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, widget=widget, **common)
    if question.kind == "multiple_choice":
        return forms.MultipleChoiceField(
            choices=_choices(question, language, offices),
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    if question.kind == "number":
        return forms.FloatField(min_value=question.min, max_value=question.max, **common)
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)


class SurveyForm(forms.Form):
    """Every question of the questionnaire, all optional here: a draft may be partial, and the
    required ones are checked at submission against the questionnaire."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        language: str,
        offices: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.language = language
        for _section, question in questionnaire.iter_questions():
            self.fields[question.code] = _field(question, language, offices)

    def answers(self) -> dict[str, Any]:
        return {code: value for code, value in self.cleaned_data.items() if value not in ("", [])}

    def sections(self) -> list[dict[str, Any]]:
        """The questions grouped by section, for the template."""
        return [
            {
                "code": section.code,
                "title": section.title.get(self.language),
                "description": section.description.get(self.language)
                if section.description
                else "",
                "fields": [self[q.code] for q in section.questions],
                "required": {q.code for q in section.questions if q.required},
            }
            for section in self.questionnaire.sections
        ]


class RegionalCampaignForm(forms.Form):
    """A regional coordinator launches the same campaign for several administrations of the
    region: one campaign each, whose results stay with each administration."""

    administrations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Administrations"),
    )
    title = forms.CharField(max_length=120, min_length=3, label=_("Title"))
    questionnaire_version = forms.ModelChoiceField(
        queryset=QuestionnaireVersion.objects.filter(
            kind=QuestionnaireVersion.Kind.PERCEPTION_SURVEY
        ),
        label=_("Questionnaire version"),
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(
        label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    target_groups = forms.MultipleChoiceField(
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Target groups"),
    )

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administrations"].queryset = (  # type: ignore[attr-defined]
            Organisation.objects.customs().for_region(region)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        return data
