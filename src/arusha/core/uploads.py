"""Documents people upload as evidence or signed texts: one allow-list, one size limit, a check
that the content matches the extension, and random stored names.

(Reports from the anonymous channel have their own, stricter path in arusha.reporting.)
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.db.models.fields.files import FieldFile
    from django.utils.functional import _StrOrPromise as StrOrPromise

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
DOCUMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "png", "jpg", "jpeg", "txt"]

_ZIP = (b"PK\x03\x04",)  # DOCX, XLSX, ODT and ODS are ZIP containers
_SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
}


def validate_upload_size(file: FieldFile) -> None:
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")


def validate_upload_content(file: Any) -> None:
    """A new upload must start as files of its type do, so a renamed program is refused."""
    if getattr(file, "_committed", False):
        return  # already stored: it was checked when it came in
    signatures = _SIGNATURES.get(PurePath(file.name or "").suffix.lower().lstrip("."))
    if signatures is None:
        return  # plain text has no signature; the extension validator reports the rest
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if not head.startswith(signatures):
        raise ValidationError(
            _("The file's content does not match its type."), code="content_mismatch"
        )


def validate_document(file: Any) -> None:
    """Every check of an uploaded document, for plain forms that have no model field."""
    FileExtensionValidator(DOCUMENT_EXTENSIONS)(file)
    validate_upload_size(file)
    validate_upload_content(file)


@deconstructible
class RandomName:
    """`upload_to` that stores a file under `folder/YYYY/MM/<random>.<ext>`: the original name may
    say more than it should, and must not collide."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: models.Model, filename: str) -> str:
        suffix = PurePath(filename).suffix.lower()[:8]
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def document_field(label: StrOrPromise, folder: str, *, blank: bool = True) -> models.FileField:
    return models.FileField(
        label,
        upload_to=RandomName(folder),
        blank=blank,
        max_length=200,
        validators=[
            FileExtensionValidator(DOCUMENT_EXTENSIONS),
            validate_upload_size,
            validate_upload_content,
        ],
        help_text=_("PDF, office document, image or text; at most 20 MB."),
    )
