"""Forms of the assessments app: validation at the edge, in the language of the page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arusha.assessments.models import Answer, AnswerInput, IntegrityAction
from arusha.assessments.risks import Risk, RiskTreatment
from arusha.core.models import Organisation, User
from arusha.core.uploads import validate_document
from arusha.questionnaires.schema import Question, Section

NOTE = "__note"
LINK = "__link"
EVIDENCE = "__evidence"
FILE = "__file"


class OpenAssessmentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Administration"), queryset=Organisation.objects.none(), empty_label=None
    )
    cycle = forms.CharField(
        label=_("Cycle"), max_length=60, help_text=_("For example: 2026 self-assessment")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year


def _maturity_choices(question: Question, language: str) -> list[tuple[str, str]]:
    scale = question.maturity_scale
    choices = []
    for point in scale.points if scale else []:
        text = question.level_text(point.code)
        description = f" — {text.get(language)}" if text else ""
        choices.append((point.code, f"{point.label.get(language)}{description}"))
    return choices


def _value_field(question: Question, language: str) -> forms.Field:
    label = question.text.get(language)
    help_text = question.help.get(language) if question.help else ""
    common: dict[str, Any] = {"label": label, "required": False, "help_text": help_text}
    if question.kind == "maturity":
        return forms.ChoiceField(
            choices=_maturity_choices(question, language), widget=forms.RadioSelect, **common
        )
    if question.kind == "yes_no_evidence":
        return forms.ChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )
    if question.kind == "number":
        if question.unit:
            common["help_text"] = " ".join(filter(None, [help_text, question.unit.get(language)]))
        common["min_value"], common["max_value"] = question.min, question.max
        return forms.FloatField(**common)
    options = [(o.code, o.label.get(language)) for o in question.choices]
    if question.kind == "single_choice":
        return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
    if question.kind == "multiple_choice":
        return forms.MultipleChoiceField(
            choices=options, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **common)


class SectionForm(forms.Form):
    """The questions of one section, each with its evidence: the text the question asks for,
    notes, a link and an optional document."""

    def __init__(
        self,
        *args: Any,
        section: Section,
        language: str,
        answers: dict[str, Answer],
        disabled: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for question in section.questions:
            code = question.code
            answer = answers.get(code)
            self.fields[code] = _value_field(question, language)
            if question.kind == "yes_no_evidence" and question.evidence:
                self.fields[code + EVIDENCE] = forms.CharField(
                    label=question.evidence.get(language),
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            self.fields[code + NOTE] = forms.CharField(
                label=_("Notes and evidence"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[code + LINK] = forms.URLField(
                label=_("Link to a document"), required=False, assume_scheme="https"
            )
            self.fields[code + FILE] = forms.FileField(
                label=_("Attach a document"),
                required=False,
                help_text=_("PDF, office document, image or text; at most 20 MB."),
            )
            if answer is not None:
                self.initial.setdefault(code, answer.value)
                self.initial.setdefault(code + EVIDENCE, answer.evidence)
                self.initial.setdefault(code + NOTE, answer.note)
                self.initial.setdefault(code + LINK, answer.link)
        if disabled:
            for field in self.fields.values():
                field.disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.section.questions:
            upload = data.get(question.code + FILE)
            if not upload:
                continue
            try:
                validate_document(upload)
            except ValidationError as error:
                self.add_error(question.code + FILE, error)
        return data

    def rows(self) -> list[dict[str, Any]]:
        """The bound fields of each question, for the template."""
        rows = []
        for question in self.section.questions:
            code = question.code
            rows.append(
                {
                    "question": question,
                    "value": self[code],
                    "evidence": self[code + EVIDENCE] if code + EVIDENCE in self.fields else None,
                    "note": self[code + NOTE],
                    "link": self[code + LINK],
                    "file": self[code + FILE],
                }
            )
        return rows

    def answers(self) -> dict[str, AnswerInput]:
        answers = {}
        for question in self.section.questions:
            code = question.code
            value = self.cleaned_data.get(code)
            answers[code] = AnswerInput(
                value=value if value not in ("", None, []) else None,
                evidence=self.cleaned_data.get(code + EVIDENCE) or "",
                note=self.cleaned_data.get(code + NOTE) or "",
                link=self.cleaned_data.get(code + LINK) or "",
            )
        return answers

    def uploads(self) -> dict[str, Any]:
        return {
            q.code: f for q in self.section.questions if (f := self.cleaned_data.get(q.code + FILE))
        }


class AssignForm(forms.Form):
    section = forms.ChoiceField(label=_("Section"))
    assignee = forms.ModelChoiceField(
        label=_("Colleague"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody (the integrity officers answer)"),
    )

    def __init__(self, *args: Any, sections: list[tuple[str, str]], people: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = sections  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = people  # type: ignore[attr-defined]


class InviteReviewerForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the reviewer"),
        help_text=_("The reviewer must already have an account on the platform."),
    )

    def clean_email(self) -> User:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody on the platform has that address."))
        return user


class ReviewForm(forms.Form):
    DECISIONS = [
        ("comment", _("Comment only")),
        ("request_changes", _("Request changes")),
        ("validate", _("Validate")),
    ]
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    section = forms.ChoiceField(label=_("About the section"), required=False)
    text = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, sections: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("The whole assessment")), *sections]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") in ("comment", "request_changes") and not data.get("text"):
            self.add_error("text", _("Say what you found or what should change."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea({"rows": 3}))


class GapActionForm(forms.ModelForm):
    plan = forms.ChoiceField(label=_("Action plan"))

    class Meta:
        model = IntegrityAction
        fields = ["title", "description", "owner", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plans: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = plans  # type: ignore[attr-defined]


class RiskForm(forms.ModelForm):
    class Meta:
        model = Risk
        fields = [
            "process_step",
            "title",
            "description",
            "actors",
            "key_factor",
            "likelihood",
            "impact",
            "existing_controls",
            "control_likelihood",
            "control_impact",
            "owner",
            "review_date",
        ]
        widgets = {
            "review_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "existing_controls": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        pairs = [("control_likelihood", "likelihood"), ("control_impact", "impact")]
        for controlled, inherent in pairs:
            if (data.get(controlled) or 0) > (data.get(inherent) or 5):
                self.add_error(controlled, _("Controls cannot make the risk higher."))
        return data


class TreatmentForm(forms.ModelForm):
    class Meta:
        model = RiskTreatment
        fields = ["title", "owner", "due_date", "reduces_likelihood", "reduces_impact"]
        widgets = {"due_date": forms.DateInput(attrs={"type": "date"})}
