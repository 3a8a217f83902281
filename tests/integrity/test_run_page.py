"""The page of one analysis: its summary reads as numbers are written in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, translation


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_the_summary_groups_the_digits_of_large_counts(
    client: Any, run: Any, alice: Any, language: str
) -> None:
    run.summary = {**run.summary, "rows": 5_000_000, "declarations": 1_234_567}
    run.save(update_fields=["summary"])
    client.force_login(alice)
    client.cookies["django_language"] = language
    page = client.get(reverse("integrity:run", args=[run.code])).content.decode()
    with translation.override(language):
        separator = formats.get_format("THOUSAND_SEPARATOR")
    assert separator and separator not in "0123456789"
    assert f"<dd>5{separator}000{separator}000</dd>" in page
    assert f"<dd>1{separator}234{separator}567</dd>" in page
    assert "<dd>5000000</dd>" not in page


def test_the_list_of_analyses_labels_each_cell_for_a_phone(
    client: Any, run: Any, alice: Any
) -> None:
    """On a phone each analysis is a card: every cell but the file's name says what it is."""
    run.rows = 5_000_000
    run.save(update_fields=["rows"])
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("integrity:list")).content.decode()
    with translation.override("es"):
        separator = formats.get_format("THOUSAND_SEPARATOR")
        label = translation.gettext("Rows")
    assert '<table class="stack" id="runs">' in page
    assert f'data-label="{label}">5{separator}000{separator}000</td>' in page
