"""Documents people upload as evidence or signed texts: one allow-list, one size limit, a check
that the content matches the extension (programs are refused whatever their name), and random
stored names.

(Reports from the anonymous channel have their own, stricter path in arusha.reporting.)
"""

from __future__ import annotations

import re
import uuid
import zipfile
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
# What the ZIP of each office format holds: a part under this folder, or this `mimetype` entry.
_OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/"}
_ODF_TYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
# How programs and scripts start, refused whatever the file is called. A Windows program ("MZ")
# counts only with the binary bytes of its header, so that a note that starts "MZ" is still text.
_PROGRAMS = (
    b"\x7fELF",  # Linux and other Unix
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O), both byte orders, 32 and 64 bits
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal binary, Java class
    b"#!",  # scripts
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
# Bytes that no text holds: control characters other than tab, line feed, form feed and return.
# UTF-8 never uses bytes below 0x80 inside a character, so this holds for UTF-8 and Latin-1 alike.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")
_CHUNK = 64 * 1024


def validate_upload_size(file: FieldFile) -> None:
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="too_large")


def _mismatch() -> ValidationError:
    return ValidationError(
        _("The file's content does not match its type."), code="content_mismatch"
    )


def _is_program(head: bytes) -> bool:
    if head.startswith(b"MZ"):
        return _NOT_TEXT.search(head[:64]) is not None
    return head.startswith(_PROGRAMS)


def _is_text(file: Any) -> bool:
    """UTF-8 or Latin-1 text (or UTF-16 with its byte-order mark) without control characters."""
    head = file.read(2)
    if head.startswith(_UTF16_MARKS):
        content = head + file.read()
        try:
            return _NOT_TEXT.search(content.decode("utf-16").encode("utf-8")) is None
        except UnicodeDecodeError:
            return False
    chunk = head
    while chunk:
        if _NOT_TEXT.search(chunk):
            return False
        chunk = file.read(_CHUNK)
    return True


def _office_parts_match(file: Any, kind: str) -> bool:
    """The ZIP holds the parts of its office format (only the directory and `mimetype` are read)."""
    try:
        with zipfile.ZipFile(file) as archive:
            if kind in _OOXML_FOLDERS:
                names = archive.namelist()
                folder = _OOXML_FOLDERS[kind]
                return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            with archive.open("mimetype") as entry:
                return entry.read(100).strip() == _ODF_TYPES[kind]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False


def _content_matches(file: Any, kind: str, head: bytes) -> bool:
    if kind == "txt":
        return _is_text(file)
    signatures = _SIGNATURES.get(kind)
    if signatures is None:
        return True  # the extension validator refuses the rest
    if not head.startswith(signatures):
        return False
    if kind in _OOXML_FOLDERS or kind in _ODF_TYPES:
        return _office_parts_match(file, kind)
    return True


def validate_upload_content(file: Any) -> None:
    """A new upload must be what its extension says: a program is refused whatever its name, a
    text must be text, and other types must start (and, for office files, be built) as theirs."""
    if getattr(file, "_committed", False):
        return  # already stored: it was checked when it came in
    kind = PurePath(file.name or "").suffix.lower().lstrip(".")
    file.seek(0)
    head = file.read(64)
    if _is_program(head):
        file.seek(0)
        raise ValidationError(
            _("The file is a program or a script: its content does not match its type."),
            code="program",
        )
    file.seek(0)
    try:
        matches = _content_matches(file, kind, head)
    finally:
        file.seek(0)
    if not matches:
        raise _mismatch()


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
