"""The register of reviewed leads: every conclusion the unit recorded, on any analysis, for the
administrations where the reader is an integrity officer; filtered, paged and exported."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.integrity.models import LeadReview

REGISTER = "/integrity/reviews/"
EXPORT = "/integrity/reviews.csv"


def _review(run: Any, decision: str, note: str, kind: str = "officer", at: int = 0) -> Any:
    lead = run.entities.filter(entity_kind=kind).order_by("rank")[at]
    return LeadReview.objects.create(
        organisation=run.organisation,
        run=run,
        **lead.lead,
        decision=decision,
        note=note,
        reviewed_by=run.uploaded_by,
    )


def test_the_urls_are_the_ones_the_pages_link_to() -> None:
    assert reverse("integrity:reviews") == REGISTER
    assert reverse("integrity:reviews_export") == EXPORT


def test_an_officer_sees_the_units_reviews_with_links_to_their_leads(
    client: Any, run: Any, alice: Any
) -> None:
    first = _review(run, "follow_up", "Roster for the quarter requested.")
    second = _review(run, "explained", "Only reefer specialist at the office.", kind="pair")
    client.force_login(alice)
    response = client.get(REGISTER)
    page = response.content.decode()
    assert [r.pk for r in response.context["reviews"]] == [second.pk, first.pk]
    assert "Roster for the quarter requested." in page
    assert "Only reefer specialist at the office." in page
    officer = run.entities.get(
        entity_kind="officer", entity_id=first.entity_id, office_id=first.office_id
    )
    assert f'href="{officer.get_absolute_url()}"' in page
    officer_id, declarant_id = second.entity_id.split("|")
    assert f"Officer {officer_id} and declarant {declarant_id}" in page
    assert 'href="/integrity/reviews/"' in client.get("/integrity/").content.decode()
    assert f'href="{REGISTER}"' in client.get(officer.get_absolute_url()).content.decode()


def test_a_review_whose_analysis_was_deleted_stays_in_the_register(
    client: Any, run: Any, alice: Any
) -> None:
    review = _review(run, "referred", "Sent to the internal affairs unit.")
    run.delete()
    client.force_login(alice)
    page = client.get(REGISTER).content.decode()
    assert "Sent to the internal affairs unit." in page
    assert "an analysis since deleted" in page
    assert review.entity_id in page


def test_only_integrity_officers_see_only_their_administrations_reviews(
    client: Any, run: Any, alice: Any, bob: Any, charlie: Any, declarations_csv: Any, peru: Any
) -> None:
    from arusha.integrity.storing import analyse_file

    _review(run, "follow_up", "Reasons given in Ecuador.")
    theirs = analyse_file(declarations_csv, organisation=peru, user=charlie, source_name="pe.csv")
    _review(theirs, "explained", "Reasons given in Peru.")
    client.force_login(charlie)
    page = client.get(REGISTER).content.decode()
    assert "Reasons given in Peru." in page and "Reasons given in Ecuador." not in page
    rows = list(csv.reader(io.StringIO(client.get(EXPORT).content.decode())))
    assert [r[7] for r in rows[1:]] == ["Reasons given in Peru."]
    client.force_login(bob)  # a viewer of Ecuador, not an integrity officer
    assert client.get(REGISTER).status_code == 404
    assert client.get(EXPORT).status_code == 404
    client.logout()
    assert client.get(REGISTER).status_code == 302
    assert client.get(EXPORT).status_code == 302


def test_the_register_filters_by_conclusion_and_kind_and_ignores_unknown_values(
    client: Any, run: Any, alice: Any
) -> None:
    _review(run, "follow_up", "First officer.")
    _review(run, "data_error", "Second officer.", at=1)
    _review(run, "data_error", "A pair.", kind="pair")
    client.force_login(alice)

    def notes(**query: str) -> list[str]:
        return [r.note for r in client.get(REGISTER, query).context["reviews"]]

    assert notes(decision="data_error") == ["A pair.", "Second officer."]
    assert notes(decision="data_error", kind="officer") == ["Second officer."]
    assert notes(kind="pair") == ["A pair."]
    assert len(notes(decision="bribery", kind="nobody")) == 3
    page = client.get(REGISTER, {"decision": "referred"}).content.decode()
    assert "No review matches these filters." in page
    export = client.get(EXPORT, {"decision": "data_error", "kind": "officer"})
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert [r[7] for r in rows[1:]] == ["Second officer."]


def test_the_register_comes_in_pages_that_keep_the_filters(
    client: Any, run: Any, alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arusha.integrity import views

    monkeypatch.setattr(views, "REVIEW_PAGE_ROWS", 2)
    for at in range(5):
        _review(run, "explained", f"Officer {at}.", at=at)
    client.force_login(alice)
    first = client.get(REGISTER, {"decision": "explained"})
    assert [r.note for r in first.context["reviews"]] == ["Officer 4.", "Officer 3."]
    assert 'href="?decision=explained&amp;page=2" rel="next"' in first.content.decode()
    last = client.get(REGISTER, {"decision": "explained", "page": "3"})
    assert [r.note for r in last.context["reviews"]] == ["Officer 0."]
    assert 'rel="next"' not in last.content.decode()


def test_the_export_is_spreadsheet_safe_and_audited_without_the_notes(
    client: Any, run: Any, alice: Any
) -> None:
    review = _review(run, "follow_up", '=HYPERLINK("http://x")\nChecked 12 declarations.')
    client.force_login(alice)
    response = client.get(EXPORT, {"decision": "follow_up"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "reviewed_at", "administration", "entity_kind", "entity_id", "office_id", "decision",
        "conclusion", "note", "reviewed_by", "analysis", "analysis_file",
    ]  # fmt: skip
    row = rows[1]
    assert row[2:7] == [
        review.entity_kind,
        review.entity_id,
        review.office_id,
        "follow_up",
        "Needs follow-up",
    ]
    assert row[7].startswith("'=HYPERLINK") and "Checked 12 declarations." in row[7]
    assert row[9] == str(run.code) and row[10] == run.source_name
    entry = AuditEntry.objects.get(action="integrity.reviews_exported")
    assert entry.organisation_id == run.organisation_id
    assert entry.details == {"rows": 1, "decision": "follow_up", "kind": ""}
    assert "HYPERLINK" not in str(entry.details)


def test_the_register_reads_in_spanish(client: Any, run: Any, alice: Any) -> None:
    from django.utils import translation

    _review(run, "referred", "Remitido.")
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    page = client.get(REGISTER).content.decode()
    with translation.override("es"):
        title = translation.gettext("Reviewed leads")
        referred = str(LeadReview.Decision.REFERRED.label)
    assert title != "Reviewed leads" and referred != "Referred for investigation"
    assert f"<h1>{title}</h1>" in page and referred in page
    assert "Reviewed leads" not in page
