"""The ranked leads of a run as CSV, with the page's filters: what the page lists, in rank order,
with the main reason in the reader's language and the review; audited; formula-safe."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.integrity.models import AnalysisRun, LeadReview


def _rows(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def _export(client: Any, run: Any, language: str = "en", **query: str) -> Any:
    url = reverse("integrity:leads_export", args=[run.code])
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)


def test_the_page_links_the_download_with_its_filters(client: Any, run: Any, alice: Any) -> None:
    client.force_login(alice)
    page = client.get(
        reverse("integrity:run", args=[run.code]), {"kind": "pair", "flagged": "1", "page": "1"}
    ).content.decode()
    url = reverse("integrity:leads_export", args=[run.code])
    assert f'href="{url}?kind=pair&amp;flagged=1" id="leads-csv"' in page


def test_every_lead_of_a_kind_in_rank_order_with_its_main_reason(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    response = _export(client, run, kind="officer")
    assert response["Content-Disposition"] == f'attachment; filename="leads-officer-{run.code}.csv"'
    rows = _rows(response)
    expected = list(run.entities.filter(entity_kind="officer").order_by("rank", "pk"))
    assert [(r["rank"], r["entity_id"]) for r in rows] == [
        (str(e.rank), e.entity_id) for e in expected
    ]
    top = expected[0]
    assert rows[0]["score"] == f"{top.score:.4f}" and rows[0]["flags"] == str(top.flags)
    assert rows[0]["main_indicator"] == top.top_indicator
    assert top.entity_id in rows[0]["main_reason"]
    # In the reader's language.
    spanish = _rows(_export(client, run, "es", kind="officer"))
    assert spanish[0]["main_reason"] != rows[0]["main_reason"]
    assert top.entity_id in spanish[0]["main_reason"]


def test_the_filters_and_the_reviews(client: Any, run: Any, alice: Any) -> None:
    client.force_login(alice)
    flagged = run.entities.filter(flags__gt=0).order_by("rank")
    lead = flagged.first()
    LeadReview.objects.create(
        organisation=run.organisation, run=run, **lead.lead,
        decision=LeadReview.Decision.EXPLAINED, note="Rotation.", reviewed_by=alice,
    )  # fmt: skip
    rows = _rows(_export(client, run, kind=lead.entity_kind, flagged="1"))
    assert {r["entity_id"] for r in rows} == set(
        flagged.filter(entity_kind=lead.entity_kind).values_list("entity_id", flat=True)
    )
    reviewed = next(r for r in rows if r["entity_id"] == lead.entity_id)
    assert (reviewed["review"], reviewed["conclusion"]) == (
        "explained",
        "Explained by a legitimate reason",
    )
    assert reviewed["reviewed_at"]
    waiting = _rows(_export(client, run, kind=lead.entity_kind, unreviewed="1"))
    assert lead.entity_id not in {r["entity_id"] for r in waiting}
    assert len(waiting) == len(rows) - 1
    at = run.entities.filter(entity_kind="officer").order_by("rank").first().office_id
    office = _rows(_export(client, run, kind="officer", office=at))
    assert at and office and {r["office_id"] for r in office} == {at}
    assert len(office) < run.entities.filter(entity_kind="officer").count()


def test_each_download_is_audited_with_its_filters(client: Any, run: Any, alice: Any) -> None:
    client.force_login(alice)
    rows = _rows(_export(client, run, kind="pair", flagged="1"))
    entry = AuditEntry.objects.get(action="integrity.leads_exported")
    assert (entry.actor, entry.object_id, entry.organisation_id) == (
        alice, str(run.code), run.organisation.pk,
    )  # fmt: skip
    assert entry.details == {
        "rows": len(rows), "kind": "pair", "office": "", "flagged_only": True,
        "unreviewed_only": False,
    }  # fmt: skip


def test_an_identifier_that_reads_as_a_formula_is_written_as_text(
    client: Any, run: Any, alice: Any
) -> None:
    lead = run.entities.filter(entity_kind="officer").order_by("rank").first()
    run.entities.filter(pk=lead.pk).update(entity_id="=HYPERLINK(1)")
    client.force_login(alice)
    rows = _rows(_export(client, run, kind="officer"))
    assert rows[0]["entity_id"] == "'=HYPERLINK(1)"


def test_a_run_without_results_has_no_leads_to_download(client: Any, run: Any, alice: Any) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.QUEUED)
    client.force_login(alice)
    assert _export(client, run).status_code == 404
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.FAILED_VALIDATION)
    assert _export(client, run).status_code == 404
    assert not AuditEntry.objects.filter(action="integrity.leads_exported").exists()
