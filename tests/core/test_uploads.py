"""Uploaded documents: allow-list, size limit, content matching the extension, random names."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from arusha.core.uploads import RandomName, validate_document


def test_a_real_pdf_is_accepted() -> None:
    validate_document(SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n..."))


def test_plain_text_is_accepted() -> None:
    validate_document(SimpleUploadedFile("notes.txt", b"Meeting notes"))


def test_a_program_renamed_to_pdf_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_document(SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf"))
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
