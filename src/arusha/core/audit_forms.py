"""The audit trail page's filter: a choice among the actions' labels, in the reader's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from arusha.core.audit_labels import filter_choices


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request so that the labels and their order follow the active language.
        field: forms.ChoiceField = self.fields["action"]  # type: ignore[assignment]
        field.choices = [("", _("All actions")), *filter_choices()]
