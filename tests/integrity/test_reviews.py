"""Reviews of leads: an integrity officer records what the unit concluded on a lead and why; the
ranked leads show which flagged leads await a review; a lead's page shows its earlier reviews and
its results in the administration's other analyses. Audited; no one else sees or writes them."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.integrity import background
from arusha.integrity.models import LeadReview

REASON = "Checked 40 declarations: the officer is the only reefer specialist at the office."


def _lead(run: Any, kind: str = "officer") -> Any:
    lead = run.entities.filter(entity_kind=kind, flags__gt=0).order_by("rank").first()
    assert lead is not None, "the fixture's run has a flagged lead of this kind"
    return lead


def _url(run: Any, lead: Any) -> str:
    url = reverse("integrity:entity", args=[run.code, lead.entity_kind, lead.entity_id])
    return f"{url}?office={lead.office_id}" if lead.office_id else url


def test_an_officer_records_a_review_and_it_is_audited_without_the_note(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    lead = _lead(run)
    response = client.post(_url(run, lead), {"decision": "explained", "note": f"  {REASON}  "})
    assert response.status_code == 302
    assert response["Location"] == _url(run, lead) + "#reviews"
    review = LeadReview.objects.get()
    assert (review.run, review.organisation, review.reviewed_by) == (run, run.organisation, alice)
    assert (review.entity_kind, review.entity_id, review.office_id) == (
        "officer",
        lead.entity_id,
        lead.office_id,
    )
    assert (review.decision, review.note) == ("explained", REASON)
    entry = AuditEntry.objects.get(action="integrity.lead_reviewed")
    assert entry.actor == alice
    assert entry.organisation_id == run.organisation.pk
    assert entry.details["decision"] == "explained"
    assert entry.details["entity_id"] == lead.entity_id
    assert REASON not in str(entry.details)  # the note may name people; the trail says what
    page = client.get(_url(run, lead)).content.decode()
    assert REASON in page
    assert "Explained by a legitimate reason" in page
    assert "No one has reviewed this lead yet." not in page


def test_a_review_without_a_reason_or_with_an_unknown_conclusion_is_refused(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    lead = _lead(run)
    for data, field in (
        ({"decision": "referred", "note": "   "}, "note"),
        ({"decision": "cleared", "note": REASON}, "decision"),
        ({"decision": "", "note": REASON}, "decision"),
    ):
        response = client.post(_url(run, lead), data)
        assert response.status_code == 200
        assert field in response.context["review_form"].errors
        assert 'id="review-form"' in response.content.decode()
    assert not LeadReview.objects.exists()
    assert not AuditEntry.objects.filter(action="integrity.lead_reviewed").exists()


def test_only_the_administrations_integrity_officers_review(
    client: Any, run: Any, bob: Any, charlie: Any
) -> None:
    lead = _lead(run)
    for outsider in (bob, charlie):  # a viewer of the same administration; another's officer
        client.force_login(outsider)
        response = client.post(_url(run, lead), {"decision": "explained", "note": REASON})
        assert response.status_code == 404
    assert not LeadReview.objects.exists()


def test_a_review_needs_the_csrf_token(run: Any, alice: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(_url(run, _lead(run)), {"decision": "explained", "note": REASON})
    assert response.status_code == 403
    assert not LeadReview.objects.exists()


def test_the_ranked_leads_show_reviews_and_the_flagged_leads_awaiting_one(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    flagged = run.entities.filter(entity_kind="officer", flags__gt=0)
    assert flagged.count() >= 2, "the fixture's run has two flagged officers"
    lead = _lead(run)
    page = reverse("integrity:run", args=[run.code])
    before = client.get(page).context["awaiting"]
    client.post(_url(run, lead), {"decision": "follow_up", "note": REASON})

    after = client.get(page)
    counts = {kind: n for kind, _label, n in after.context["awaiting"]}
    assert counts["officer"] == {k: n for k, _l, n in before}["officer"] - 1
    row = next(e for e in after.context["entities"] if e.pk == lead.pk)
    assert row.decision == "follow_up"
    assert "Needs follow-up" in after.content.decode()

    waiting = client.get(page, {"kind": "officer", "unreviewed": "1"}).context["entities"]
    listed = {e.pk for e in waiting}
    assert lead.pk not in listed
    assert listed == set(flagged.exclude(pk=lead.pk).values_list("pk", flat=True))


def test_a_later_analysis_shows_the_earlier_review_and_needs_its_own(
    client: Any, run: Any, alice: Any, declarations_csv: Any, ecuador: Any
) -> None:
    from arusha.integrity.storing import analyse_file

    client.force_login(alice)
    lead = _lead(run)
    client.post(_url(run, lead), {"decision": "data_error", "note": REASON})
    later = analyse_file(
        declarations_csv, organisation=ecuador, user=alice, source_name="second-quarter.csv"
    )
    same = later.entities.get(
        entity_kind="officer", entity_id=lead.entity_id, office_id=lead.office_id
    )

    response = client.get(_url(later, same))
    page = response.content.decode()
    assert REASON in page
    assert "on another analysis (declarations.csv)" in page
    assert [e.run for e in response.context["elsewhere"]] == [run]

    leads = client.get(reverse("integrity:run", args=[later.code]))
    row = next(e for e in leads.context["entities"] if e.pk == same.pk)
    assert (row.decision, row.earlier_decision) == (None, "data_error")
    waiting = client.get(
        reverse("integrity:run", args=[later.code]), {"kind": "officer", "unreviewed": "1"}
    )
    assert same.pk in {e.pk for e in waiting.context["entities"]}


def test_deleting_an_analysis_keeps_the_reviews_made_on_it(
    client: Any, run: Any, alice: Any, declarations_csv: Any, ecuador: Any
) -> None:
    from arusha.integrity.storing import analyse_file

    client.force_login(alice)
    lead = _lead(run)
    client.post(_url(run, lead), {"decision": "referred", "note": REASON})
    later = analyse_file(declarations_csv, organisation=ecuador, user=alice, source_name="b.csv")
    confirm = client.get(reverse("integrity:delete", args=[run.code])).content.decode()
    assert "The 1 review recorded on its leads is kept" in confirm
    background.delete(run, alice)

    review = LeadReview.objects.get()
    assert review.run is None
    same = later.entities.get(
        entity_kind="officer", entity_id=lead.entity_id, office_id=lead.office_id
    )
    page = client.get(_url(later, same)).content.decode()
    assert REASON in page
    assert "on an analysis since deleted" in page


def test_another_administrations_reviews_are_not_shown(
    client: Any, run: Any, alice: Any, charlie: Any, declarations_csv: Any, peru: Any
) -> None:
    """The same generated file analysed by Peru has leads of the same names: Ecuador's review of
    its officer says nothing to Peru."""
    from arusha.integrity.storing import analyse_file

    client.force_login(alice)
    lead = _lead(run)
    client.post(_url(run, lead), {"decision": "explained", "note": REASON})
    theirs = analyse_file(declarations_csv, organisation=peru, user=charlie, source_name="pe.csv")
    same = theirs.entities.get(
        entity_kind="officer", entity_id=lead.entity_id, office_id=lead.office_id
    )
    client.force_login(charlie)
    response = client.get(_url(theirs, same))
    assert REASON not in response.content.decode()
    assert list(response.context["elsewhere"]) == []
    assert "No one has reviewed this lead yet." in response.content.decode()


# --- The API ------------------------------------------------------------------------------------


def _post_review(client: Any, user: Any, run: Any, language: str = "en", **body: Any) -> Any:
    from tests.integrity.test_api import Api

    api = Api(client, user)
    headers = {**api.auth, "Accept-Language": language}
    return client.post(
        f"/api/integrity/runs/{run.code}/reviews",
        body,
        content_type="application/json",
        headers=headers,
    )


def test_the_api_records_a_review_and_lists_it_on_the_lead_and_in_reviews(
    client: Any, run: Any, alice: Any
) -> None:
    from tests.integrity.test_api import Api

    lead = _lead(run)
    body = {
        "entity_kind": "officer",
        "entity_id": lead.entity_id,
        "office_id": lead.office_id,
        "decision": "referred",
        "note": REASON,
    }
    response = _post_review(client, alice, run, "es", **body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["run"] == str(run.code)
    assert (created["decision"], created["decision_label"]) == (
        "referred",
        "Remitido para investigación",
    )
    assert created["reviewed_by"] == "alice"
    assert AuditEntry.objects.filter(action="integrity.lead_reviewed").count() == 1

    api = Api(client, alice)
    detail = api.get(
        f"/runs/{run.code}/entity", kind="officer", id=lead.entity_id, office=lead.office_id
    ).json()
    assert detail["review"] == "referred"
    assert [r["note"] for r in detail["reviews"]] == [REASON]
    listed = api.get(f"/runs/{run.code}/entities", kind="officer", unreviewed=True).json()
    assert lead.entity_id not in {e["entity_id"] for e in listed["items"]}
    assert all(e["flags"] > 0 and e["review"] is None for e in listed["items"])
    assert api.get("/reviews", decision="referred").json()["count"] == 1
    assert api.get("/reviews", decision="explained").json()["count"] == 0


def test_the_api_refuses_a_review_without_a_reason_or_of_an_unknown_lead(
    client: Any, run: Any, alice: Any, charlie: Any
) -> None:
    lead = _lead(run)
    body = {"entity_kind": "officer", "entity_id": lead.entity_id, "office_id": lead.office_id}
    response = _post_review(client, alice, run, **body, decision="explained", note=" ")
    assert response.status_code == 422
    assert any(p["loc"][-1] == "note" for p in response.json()["detail"])
    response = _post_review(client, alice, run, **body, decision="cleared", note=REASON)
    assert response.status_code == 422
    assert any(p["loc"][-1] == "decision" for p in response.json()["detail"])
    unknown = {**body, "entity_id": "NO-SUCH-OFFICER"}
    assert (
        _post_review(client, alice, run, **unknown, decision="explained", note=REASON).status_code
        == 404
    )
    # Another administration's officer does not see the run, so cannot review its leads.
    assert (
        _post_review(client, charlie, run, **body, decision="explained", note=REASON).status_code
        == 404
    )
    assert not LeadReview.objects.exists()
    from tests.integrity.test_api import Api

    assert Api(client, alice).get("/reviews", decision="cleared").status_code == 422


def test_the_ranked_leads_page_takes_the_same_queries_whatever_the_number_of_rows(
    client: Any, run: Any, alice: Any
) -> None:
    """Each row's link and review come with the page's queries, not one query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(alice)
    page = reverse("integrity:run", args=[run.code])
    counts = {}
    for kind in ("office", "officer"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page, {"kind": kind}).status_code == 200
        counts[kind] = len(queries)
    offices = run.entities.filter(entity_kind="office").count()
    assert offices < run.entities.filter(entity_kind="officer").count()
    assert counts["office"] == counts["officer"]
