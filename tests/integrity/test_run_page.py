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


def test_the_ranked_leads_come_in_pages_that_keep_the_filters(
    client: Any, run: Any, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond one page, the analyst pages through every lead in rank order, the filters kept;
    a page number out of range shows the last page instead of an error."""
    from arusha.integrity import views

    monkeypatch.setattr(views, "PAGE_ROWS", 5)
    client.force_login(alice)
    url = reverse("integrity:run", args=[run.code])
    officers = run.entities.filter(entity_kind="officer").order_by("rank")
    total = officers.count()
    assert total > 10, "the fixture's run has more than two pages of officers"
    seen: list[int] = []
    response = client.get(url, {"kind": "officer"})
    while True:
        page = response.context["entities"]
        seen += [e.rank for e in page]
        html = response.content.decode()
        assert f"{total} leads" in html
        if not page.has_next():
            assert 'rel="next"' not in html
            break
        assert f'href="?kind=officer&amp;page={page.number + 1}" rel="next"' in html
        response = client.get(url, {"kind": "officer", "page": page.number + 1})
    assert seen == list(officers.values_list("rank", flat=True))
    last = client.get(url, {"kind": "officer", "page": "999"}).context["entities"]
    assert last.number == last.paginator.num_pages > 1
    first = client.get(url, {"kind": "officer", "page": "x"}).context["entities"]
    assert first.number == 1 and [e.rank for e in first] == seen[:5]
    client.cookies["django_language"] = "es"
    spanish = client.get(url, {"kind": "officer"}).content.decode()
    with translation.override("es"):
        leads = translation.ngettext("%(shown)s lead", "%(shown)s leads", total)
        pages = translation.gettext("Page %(n)s of %(total)s")
    assert leads % {"shown": total} == f"{total} pistas"
    assert leads % {"shown": total} in spanish
    assert pages % {"n": 1, "total": first.paginator.num_pages} in spanish


def test_a_file_with_problems_says_how_many_rows_were_checked_in_grouped_digits(
    client: Any, run: Any, alice: Any
) -> None:
    run.status = run.Status.FAILED_VALIDATION
    run.rows = 2_500_000
    run.save(update_fields=["status", "rows"])
    client.force_login(alice)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("integrity:run", args=[run.code])).content.decode()
    with translation.override("fr"):
        separator = formats.get_format("THOUSAND_SEPARATOR")
        said = translation.ngettext(
            "%(shown)s row checked. Nothing was analysed; correct the file and upload it again.",
            "%(shown)s rows checked. Nothing was analysed; correct the file and upload it again.",
            2_500_000,
        )
    assert said != said.replace("%(shown)s", "") and "Nothing" not in said
    assert said % {"shown": f"2{separator}500{separator}000"} in page
