"""The upload form: a declarations file, its layout, and the administration it belongs to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import FileExtensionValidator
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from arusha.core.models import Organisation
from arusha.integrity.models import AnalysisRun

MAX_WEB_UPLOAD_BYTES = 50 * 1024 * 1024


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Administration"), empty_label=None
    )
    file = forms.FileField(
        label=_("Declarations file (CSV or Parquet)"),
        validators=[FileExtensionValidator(["csv", "parquet"])],
    )
    mapping = forms.ChoiceField(
        label=_("Layout of the file"), choices=AnalysisRun.MappingName.choices, required=False
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_WEB_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 50 MB: analyse it with the command line instead.")
            )
        return upload
