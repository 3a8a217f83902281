"""The upload form: a declarations file, its layout, and the administration it belongs to."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from arusha.analytics import MappingError
from arusha.analytics.csvformat import CsvFormat, delimiter_option
from arusha.analytics.mapping import parse_mapping
from arusha.core.models import Organisation
from arusha.integrity.models import AnalysisRun, ColumnLayout, LeadReview

UPLOAD_SUFFIXES = (".csv", ".csv.gz", ".xlsx", ".parquet")
MAPPING_MAX_KB = 64
SAVED = "saved:"  # the layout list's value for a saved layout: "saved:<its number>"


def _declarations_file(upload: Any) -> None:
    """A name the analysis reads by: .csv, .csv.gz (compressed with gzip), .xlsx (an Excel
    workbook) or .parquet."""
    if not str(upload.name).lower().endswith(UPLOAD_SUFFIXES):
        raise forms.ValidationError(
            _("Use a .csv, .csv.gz, .xlsx or .parquet file."), code="extension"
        )


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Administration"), empty_label=None
    )
    file = forms.FileField(
        label=_("Declarations file (CSV, Excel or Parquet)"), validators=[_declarations_file]
    )
    mapping = forms.ChoiceField(
        label=_("Layout of the file"), choices=AnalysisRun.MappingName.choices, required=False
    )
    mapping_file = forms.FileField(
        label=_("Or a mapping file of your own (YAML)"),
        required=False,
        help_text=_(
            "For an export whose columns have other names or formats: a short text file that "
            "says which of its columns is which (see “How to write a mapping file” below)."
        ),
    )
    save_as = forms.CharField(
        label=_("Save the mapping file as a layout of the administration, named"),
        max_length=100,
        required=False,
        help_text=_(
            "Then choose it in the layout list with the next export instead of giving the file "
            "again. A layout of the same name is replaced."
        ),
    )
    # CSV settings: detected from the file unless chosen (exports from Latin America and Europe
    # are often Latin-1 text with semicolons and decimal commas).
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"),
        choices=[
            ("", _("Detect (UTF-8, else Latin-1 / Windows-1252)")),
            ("utf-8", _("UTF-8")),
            ("cp1252", _("Latin-1 / Windows-1252")),
        ],
        required=False,
    )
    delimiter = forms.ChoiceField(
        label=_("Field delimiter (CSV)"),
        choices=[
            ("", _("Detect")),
            (",", _("Comma ,")),
            (";", _("Semicolon ;")),
            ("tab", _("Tab")),
            ("|", _("Vertical bar |")),
        ],
        required=False,
    )
    decimal = forms.ChoiceField(
        label=_("Decimal mark (CSV)"),
        choices=[("", _("Detect")), (".", _("Point: 1234.50")), (",", _("Comma: 1234,50"))],
        required=False,
    )
    date_order = forms.ChoiceField(
        label=_("Date order (CSV)"),
        choices=[
            ("", _("Detect")),
            ("ymd", _("Year first: 2024-02-26")),
            ("dmy", _("Day first: 26/02/2024")),
            ("mdy", _("Month first: 02/26/2024")),
        ],
        required=False,
    )
    sheet = forms.CharField(
        label=_("Sheet (Excel workbook)"),
        max_length=100,
        required=False,
        help_text=_(
            "Its name as on the sheet's tab. Left empty, the first visible sheet that has the "
            "required columns is read."
        ),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        layouts = ColumnLayout.objects.filter(organisation__in=organisations).select_related(
            "organisation"
        )
        several = organisations.count() > 1

        def label(layout: ColumnLayout) -> str:
            return f"{layout.name} ({layout.organisation.label})" if several else layout.name

        saved = [(f"{SAVED}{layout.pk}", label(layout)) for layout in layouts]
        choices: list[Any] = list(AnalysisRun.MappingName.choices)
        if saved:
            choices.append((_("Saved layouts of the administration"), saved))
        self.fields["mapping"].choices = choices  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.INTEGRITY_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(limit)s MB: compress it (.csv.gz), save it as "
                    "Parquet, or have it analysed on the server with the import command."
                ),
                params={"limit": limit},
            )
        return upload

    def clean_mapping_file(self) -> str:
        """The mapping's text, checked as the analysis will read it ("" when none is given)."""
        upload = self.cleaned_data.get("mapping_file")
        if not upload:
            return ""
        if upload.size > MAPPING_MAX_KB * 1024:
            raise forms.ValidationError(
                _("A mapping file is a short text: this one is larger than %(limit)s KB."),
                params={"limit": MAPPING_MAX_KB},
            )
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                _("The mapping file is not UTF-8 text: save it as UTF-8.")
            ) from None
        try:
            parse_mapping(text, origin="The mapping file")
        except MappingError as exc:
            # The library's sentence names the key at fault; it is in English.
            raise forms.ValidationError(
                _("The mapping file has a mistake (in English): %(detail)s"),
                params={"detail": str(exc)},
            ) from None
        return text

    def clean(self) -> dict[str, Any]:
        """`mapping_text`: the YAML the file is read with, given or saved (empty for the
        canonical schema and the shipped layouts, which `mapping` names)."""
        data = super().clean() or {}
        mapping, given = str(data.get("mapping") or ""), str(data.get("mapping_file") or "")
        data["mapping_text"], data["layout_name"] = given, str(data.get("save_as") or "")
        if mapping and given:
            self.add_error(
                "mapping_file",
                _("Choose a known layout or give a mapping file of your own, not both."),
            )
        elif mapping.startswith(SAVED):
            layout = ColumnLayout.objects.filter(
                pk=mapping.removeprefix(SAVED), organisation=data.get("organisation")
            ).first()
            if layout is None:
                self.add_error(
                    "mapping", _("That layout is another administration's: choose one of its own.")
                )
            else:
                data["mapping"], data["mapping_text"], data["layout_name"] = (
                    "",
                    layout.text,
                    layout.name,
                )
        if data.get("save_as") and not given:
            self.add_error("save_as", _("Give the mapping file to save under this name."))
        return data

    def csv_format(self) -> CsvFormat:
        """The CSV settings chosen; what is left on "Detect" is detected from the file."""
        data = self.cleaned_data
        delimiter = data.get("delimiter") or None
        return CsvFormat(
            encoding=data.get("encoding") or None,
            delimiter=delimiter_option(delimiter) if delimiter else None,
            decimal=data.get("decimal") or None,
            date_order=data.get("date_order") or None,
            sheet=str(data.get("sheet") or "").strip() or None,
        )


NOTE_MAX = 4000


class ReviewForm(forms.Form):
    """What the unit concluded on a lead, and why (a reason is required: it is the record)."""

    decision = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[("", _("Choose a conclusion")), *LeadReview.Decision.choices],
    )
    note = forms.CharField(
        label=_("Reasons and what was checked"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For example the declarations looked at, the officer's posting, the declarant's "
            "business, or where the case was referred. Name no reporter."
        ),
    )
