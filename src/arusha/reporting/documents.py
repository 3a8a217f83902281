"""Metadata removal from PDF and office documents sent to the reporting channel. Django-free.

What is removed: a PDF's document information (author, creator tool, dates), every XMP
metadata stream, its private application data and its random document ID; an office document's
properties (OOXML docProps/core.xml, app.xml, custom.xml; ODF meta.xml and settings.xml), the
author names on comments and tracked changes, the people lists behind modern comments (names,
account IDs and e-mail addresses: word/people.xml, xl/persons, ppt/authors.xml), the metadata of
JPEG, PNG, WebP and GIF pictures inside (re-encoded as attachments are: EXIF with GPS, camera
serials), and the zip entries' timestamps. What is not: the text itself, names inside it,
pictures in other formats (EMF, WMF, TIFF), and older formats (.doc, .xls, .ppt), which are kept
as sent.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

import pikepdf

from arusha.reporting.attachments import (
    DOCX,
    ODP,
    ODS,
    ODT,
    PPTX,
    XLSX,
    AttachmentRejected,
    strip_image_metadata,
)

PDF = "application/pdf"
OOXML_TYPES = frozenset({DOCX, XLSX, PPTX})
ODF_TYPES = frozenset({ODT, ODS, ODP})
CLEANED_TYPES = OOXML_TYPES | ODF_TYPES | {PDF}
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a zip bomb is refused before anything is unpacked
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say: no entry tells when it was made

# PDF keys that carry who, when or with what a file was made, wherever they appear.
_PDF_PRIVATE_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")

_CORE_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
)
_APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    b'properties"/>'
)
_CUSTOM_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-'
    b'properties"/>'
)
_ODF_META = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"><office:meta/></office:document-meta>'
)
_ODF_SETTINGS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<office:document-settings xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:version="1.2"/>'
)
_REPLACED_PARTS = {
    "docProps/core.xml": _CORE_XML,
    "docProps/app.xml": _APP_XML,
    "docProps/custom.xml": _CUSTOM_XML,
    "meta.xml": _ODF_META,
    "settings.xml": _ODF_SETTINGS,
}
# Who wrote a comment or a tracked change: w:author="..." (Word), <author> (Excel's comment
# authors), <dc:creator> (ODF annotations and changes); initials likewise.
_AUTHOR_ATTRIBUTE = re.compile(rb'(\s(?:[\w.-]+:)?(?:author|initials|userId|providerId))="[^"]*"')
# The people lists of modern comments name each person and their account: blank every name.
_PEOPLE_PARTS = re.compile(r"(^|/)(people\.xml|persons/[^/]*\.xml|authors\.xml)$", re.IGNORECASE)
_PERSON_NAME = re.compile(rb'(\s(?:[\w.-]+:)?(?:name|displayName))="[^"]*"')
# Pictures inside the document, by extension, cleaned as attachments are.
_PICTURES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".gif": "image/gif",
}
_AUTHOR_ELEMENT = re.compile(rb"<(author|dc:creator)>[^<]*</\1>")
_COMMENT_AUTHORS = re.compile(rb'(<p:cmAuthor\b[^>]*?\sname=)"[^"]*"')


def clean_document(data: bytes, content_type: str) -> bytes:
    """The document without its metadata; raises ``AttachmentRejected`` if it cannot be cleaned.

    Types not in ``CLEANED_TYPES`` are returned as they are.
    """
    if content_type == PDF:
        return strip_pdf_metadata(data)
    if content_type in OOXML_TYPES or content_type in ODF_TYPES:
        return strip_office_metadata(data)
    return data


def strip_pdf_metadata(data: bytes) -> bytes:
    """Rewrite a PDF without document information, XMP, private data or revision history."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    _drop_keys(obj)
            out = io.BytesIO()
            # A full rewrite leaves out earlier revisions (and their metadata); the ID comes
            # from the content instead of from the machine and time that made the file.
            pdf.save(out, deterministic_id=True, fix_metadata_version=False)
            return out.getvalue()
    except pikepdf.PasswordError:
        raise AttachmentRejected("the PDF is protected by a password") from None
    except Exception as exc:
        # Hostile or damaged files make qpdf raise many things; none may pass uncleaned.
        raise AttachmentRejected("the PDF could not be read") from exc


def _drop_keys(obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
    for key in _PDF_PRIVATE_KEYS:
        if key in obj:
            del obj[key]


def strip_office_metadata(data: bytes) -> bytes:
    """Rewrite an OOXML or ODF zip with blank properties, no author names and no timestamps."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            entries = source.infolist()
            if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise AttachmentRejected("the document unpacks to too much data")
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as target:
                for entry in entries:
                    _copy_entry(source, target, entry)
            return out.getvalue()
    except AttachmentRejected:
        raise
    except Exception as exc:
        raise AttachmentRejected("the document could not be read") from exc


def _copy_entry(source: zipfile.ZipFile, target: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    # A fresh ZipInfo keeps the name and compression (ODF needs "mimetype" first and stored)
    # and nothing else: no time, no extra fields, no comment, no creator system.
    clean = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
    clean.compress_type = entry.compress_type
    clean.external_attr = 0o600 << 16
    if entry.is_dir():
        target.writestr(clean, b"")
        return
    target.writestr(clean, _clean_part(entry.filename, source.read(entry)))


def _clean_part(name: str, content: bytes) -> bytes:
    if name in _REPLACED_PARTS:
        return _REPLACED_PARTS[name]
    picture = _PICTURES.get(PurePosixPath(name).suffix.lower())
    if picture is not None:
        return strip_image_metadata(content, picture)  # a picture that cannot be cleaned: refused
    if not name.endswith(".xml"):
        return content
    if _PEOPLE_PARTS.search(name):
        content = _PERSON_NAME.sub(rb'\1=""', content)
    content = _AUTHOR_ATTRIBUTE.sub(rb'\1=""', content)
    content = _AUTHOR_ELEMENT.sub(rb"<\1></\1>", content)
    return _COMMENT_AUTHORS.sub(rb'\1""', content)
