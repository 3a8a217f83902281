"""The partnerships API: the same access rules as the pages, and the same validation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arusha.core.audit import AuditEntry
from arusha.core.models import ApiToken

BASE = "/api/partnerships"


@pytest.fixture
def api(client: Any) -> Any:
    class Api:
        def __init__(self) -> None:
            self.headers: dict[str, str] = {}

        def as_user(self, user: Any) -> Api:
            _token, raw = ApiToken.issue(user, "test")
            self.headers = {"Authorization": f"Bearer {raw}"}
            return self

        def get(self, path: str) -> Any:
            return client.get(BASE + path, headers=self.headers)

        def send(self, method: str, path: str, body: dict[str, Any]) -> Any:
            return getattr(client, method)(
                BASE + path,
                json.dumps(body, default=str),
                content_type="application/json",
                headers=self.headers,
            )

    return Api()


def test_the_openapi_document_describes_the_partnerships_api(client: Any) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/agreements",
        "/agreements/{code}",
        "/plans/{code}/actions",
        "/actions/{code}",
        "/agreements/{code}/activities",
    ]:
        assert f"{BASE}{path}" in paths


def test_it_lists_only_visible_agreements(api: Any, charlie: Any, loi: Any, ecuador: Any) -> None:
    from arusha.partnerships.models import Agreement

    Agreement.objects.create(
        kind="mou", title="Ecuador only", scope="national", administration=ecuador
    )
    titles = [a["title"] for a in api.as_user(charlie).get("/agreements").json()["items"]]
    assert titles == [loi.title]


def test_outsiders_get_404(api: Any, charlie: Any, ecuador_plan: Any, owned_action: Any) -> None:
    api.as_user(charlie)
    assert api.get(f"/plans/{ecuador_plan.code}").status_code == 404
    assert api.get(f"/plans/{ecuador_plan.code}/actions").status_code == 404
    assert api.get(f"/actions/{owned_action.code}").status_code == 404
    assert (
        api.send(
            "patch", f"/actions/{owned_action.code}", {"status": "done", "note": "x"}
        ).status_code
        == 404
    )


def test_anonymous_requests_are_refused_except_the_public_list(client: Any, loi: Any) -> None:
    assert client.get(f"{BASE}/agreements").status_code == 401
    assert client.get(f"{BASE}/public/agreements").json()["items"] == []
    loi.is_public = True
    loi.save()
    assert [a["title"] for a in client.get(f"{BASE}/public/agreements").json()["items"]] == [
        loi.title
    ]


def test_an_officer_creates_an_agreement_with_commitments_and_a_plan(
    api: Any, alice: Any, ecuador: Any, association: Any
) -> None:
    api.as_user(alice)
    created = api.send(
        "post",
        "/agreements",
        {
            "kind": "mou",
            "title": "API MoU",
            "scope": "national",
            "administration": str(ecuador.code),
            "status": "signed",
            "date_signed": "2024-01-10",
        },
    )
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert (
        api.send(
            "post",
            f"/agreements/{code}/signatories",
            {"organisation": str(association.code), "signed_on": "2024-01-10"},
        ).status_code
        == 201
    )
    commitment = api.send(
        "post",
        f"/agreements/{code}/commitments",
        {"number": 1, "text": "Meet quarterly", "binds": "joint", "key_factors": [10]},
    )
    assert commitment.status_code == 201
    plan = api.send(
        "post", f"/agreements/{code}/plans", {"administration": str(ecuador.code), "title": "Plan"}
    )
    assert plan.status_code == 201
    action = api.send(
        "post",
        f"/plans/{plan.json()['code']}/actions",
        {
            "title": "First meeting",
            "customs_owner": "Integrity unit",
            "commitments": [1],
            "private_owner": str(association.code),
            "due_date": "2024-03-31",
        },
    )
    assert action.status_code == 201, action.content
    assert action.json()["commitments"] == [1]
    progress = api.get(f"/agreements/{code}/progress").json()
    assert progress["commitments"][0]["actions"] == 1
    assert AuditEntry.objects.filter(action__startswith="partnerships.").count() == 5


def test_validation_is_the_same_as_on_the_pages(api: Any, alice: Any, ecuador: Any) -> None:
    response = api.as_user(alice).send(
        "post",
        "/agreements",
        {"kind": "mou", "title": "x", "scope": "regional", "administration": str(ecuador.code)},
    )
    assert response.status_code == 422
    assert "A regional agreement needs its WCO region." in response.text


def test_a_status_change_needs_a_note_and_is_audited(
    api: Any, alice: Any, owned_action: Any
) -> None:
    api.as_user(alice)
    refused = api.send("patch", f"/actions/{owned_action.code}", {"status": "done"})
    assert refused.status_code == 422
    done = api.send(
        "patch", f"/actions/{owned_action.code}", {"status": "done", "note": "Finished"}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["progress"]) == ("done", 100)
    assert AuditEntry.objects.filter(action="partnerships.action_status_changed").count() == 1


def test_the_focal_point_updates_status_but_not_the_definition(
    api: Any, focal: Any, owned_action: Any, ecuador_plan: Any, make_action: Any
) -> None:
    api.as_user(focal)
    ok = api.send(
        "patch",
        f"/actions/{owned_action.code}",
        {"progress": 30, "status": "in_progress", "note": "Half the brokers"},
    )
    assert ok.status_code == 200
    assert (
        api.send("patch", f"/actions/{owned_action.code}", {"title": "Renamed"}).status_code == 403
    )
    unowned = make_action(ecuador_plan, "Customs only")
    assert (
        api.send("patch", f"/actions/{unowned.code}", {"status": "done", "note": "x"}).status_code
        == 403
    )


def test_an_officer_cannot_change_another_administrations_plan(
    api: Any, charlie: Any, loi: Any, ecuador: Any, peru: Any
) -> None:
    api.as_user(charlie)
    refused = api.send(
        "post", f"/agreements/{loi.code}/plans", {"administration": str(ecuador.code), "title": "x"}
    )
    assert refused.status_code == 422
    assert (
        api.send(
            "post",
            f"/agreements/{loi.code}/plans",
            {"administration": str(peru.code), "title": "x"},
        ).status_code
        == 201
    )


def test_agreements_are_updated_and_published(api: Any, alice: Any, bob: Any, loi: Any) -> None:
    assert (
        api.as_user(bob).send("patch", f"/agreements/{loi.code}", {"is_public": True}).status_code
        == 403
    )
    response = api.as_user(alice).send(
        "patch", f"/agreements/{loi.code}", {"is_public": True, "status": "expired"}
    )
    assert response.status_code == 200
    loi.refresh_from_db()
    assert (loi.is_public, loi.status, loi.wco_region) == (True, "expired", "AMS")


def test_activities_are_listed_and_created(api: Any, alice: Any, loi: Any, ecuador: Any) -> None:
    api.as_user(alice)
    created = api.send(
        "post",
        f"/agreements/{loi.code}/activities",
        {
            "kind": "panel",
            "title": "Trade summit panel",
            "held_on": "2024-10-09",
            "mode": "in_person",
            "organisers": [str(ecuador.code)],
            "commitments": [1],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["commitments"] == [1]
    listed = api.get(f"/agreements/{loi.code}/activities").json()
    assert [a["title"] for a in listed] == ["Trade summit panel"]


def test_an_activity_is_updated_with_its_participant_counts(
    api: Any, alice: Any, bob: Any, loi: Any, ecuador: Any
) -> None:
    from arusha.partnerships.models import Activity

    activity = Activity.objects.create(
        agreement=loi, kind="workshop", title="Workshop", held_on="2023-04-18", mode="hybrid"
    )
    activity.organisers.set([ecuador])
    body = {
        "mode": "in_person",
        "participants": [
            {"organisation_kind": "customs", "wco_region": "AMS", "count": 64},
            {"organisation_kind": "private", "wco_region": "AMS", "count": 37},
        ],
    }
    assert api.as_user(bob).send("patch", f"/activities/{activity.code}", body).status_code == 403
    response = api.as_user(alice).send("patch", f"/activities/{activity.code}", body)
    assert response.status_code == 200, response.content
    assert response.json()["mode"] == "in_person"
    assert response.json()["organisers"] == [str(ecuador.code)]
    assert activity.participant_total() == 101


def test_evidence_is_uploaded_by_the_owner_and_listed(
    client: Any, focal: Any, charlie: Any, owned_action: Any
) -> None:
    _token, raw = ApiToken.issue(focal, "focal")
    headers = {"Authorization": f"Bearer {raw}"}
    url = f"{BASE}/actions/{owned_action.code}/evidence"
    document = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", "application/pdf")
    response = client.post(url, {"title": "Minutes", "document": document}, headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["has_document"] is True
    refused = client.post(url, {"title": "Nothing"}, headers=headers)
    assert refused.status_code == 422
    listed = client.get(url, headers=headers).json()
    assert [e["title"] for e in listed] == ["Minutes"]
    _token, other = ApiToken.issue(charlie, "charlie")
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 404


def test_signatures_and_plans_are_corrected(
    api: Any, alice: Any, bob: Any, loi: Any, ecuador_plan: Any
) -> None:
    signatory = loi.signatories.first()
    assert (
        api.as_user(bob)
        .send("patch", f"/signatories/{signatory.code}", {"capacity": "x"})
        .status_code
        == 403
    )
    api.as_user(alice)
    response = api.send("patch", f"/signatories/{signatory.code}", {"signed_by": "Vice-minister"})
    assert response.status_code == 200, response.content
    signatory.refresh_from_db()
    assert signatory.signed_by == "Vice-minister"
    assert (
        api.send("patch", f"/plans/{ecuador_plan.code}", {"title": "Renamed"}).json()["title"]
        == "Renamed"
    )


HUGE = 2**63


def test_null_for_published_is_refused_not_stored(api: Any, alice: Any, loi: Any) -> None:
    response = api.as_user(alice).send("patch", f"/agreements/{loi.code}", {"is_public": None})
    assert response.status_code == 422
    assert "is_public" in response.text
    loi.refresh_from_db()
    assert loi.is_public is False


def test_a_commitment_number_beyond_the_field_is_a_422(
    api: Any, alice: Any, loi: Any, ecuador: Any, ecuador_plan: Any
) -> None:
    api.as_user(alice)
    commitment = {"number": HUGE, "text": "x", "binds": "joint", "key_factors": [1]}
    assert api.send("post", f"/agreements/{loi.code}/commitments", commitment).status_code == 422
    first = loi.commitments.get(number=1)
    assert api.send("patch", f"/commitments/{first.code}", {"number": HUGE}).status_code == 422
    action = {"title": "x", "customs_owner": "Unit", "commitments": [HUGE]}
    assert api.send("post", f"/plans/{ecuador_plan.code}/actions", action).status_code == 422
    activity = {
        "kind": "panel",
        "title": "Panel",
        "held_on": "2024-10-09",
        "mode": "online",
        "organisers": [str(ecuador.code)],
        "commitments": [HUGE],
    }
    assert api.send("post", f"/agreements/{loi.code}/activities", activity).status_code == 422
    activity |= {
        "commitments": [],
        "participants": [{"organisation_kind": "customs", "wco_region": "", "count": HUGE}],
    }
    assert api.send("post", f"/agreements/{loi.code}/activities", activity).status_code == 422


def test_a_measurement_beyond_the_field_is_refused_and_the_plan_still_answers(
    api: Any, client: Any, alice: Any, focal: Any, owned_action: Any
) -> None:
    from arusha.partnerships.models import Indicator

    indicator = Indicator.objects.create(action=owned_action, name="Brokers trained")
    api.as_user(focal)
    refused = api.send("patch", f"/indicators/{indicator.code}", {"measured": 1e20})
    assert refused.status_code == 422
    assert "measured" in refused.text
    plan = owned_action.plan
    assert api.get(f"/plans/{plan.code}/actions").status_code == 200
    client.force_login(alice)
    assert client.get(reverse("partnerships:plan_detail", args=[plan.code])).status_code == 200
    export = reverse("partnerships:agreement_export", args=[plan.agreement.code, "xlsx"])
    assert client.get(export).status_code == 200
    repaired = api.send("patch", f"/indicators/{indicator.code}", {"measured": "12.50"})
    assert repaired.status_code == 200
    assert repaired.json()["measured"] == "12.50"


def test_the_database_refuses_an_amount_beyond_the_field(owned_action: Any) -> None:
    from django.db import DataError, IntegrityError, transaction

    from arusha.partnerships.models import Indicator

    indicator = Indicator.objects.create(action=owned_action, name="Brokers trained")
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Indicator.objects.filter(pk=indicator.pk).update(measured=10**13)


def _details(action: str) -> dict[str, Any]:
    return AuditEntry.objects.filter(action=action).latest("seq").details


def test_the_api_and_the_page_leave_the_same_audit_details(
    api: Any, client: Any, alice: Any, focal: Any, owned_action: Any
) -> None:
    from arusha.partnerships.models import Indicator

    indicator = Indicator.objects.create(action=owned_action, name="Brokers trained")
    client.force_login(focal)
    client.post(
        reverse("partnerships:indicator_measure", args=[indicator.code]),
        {f"{indicator.code}-measured": "5", f"{indicator.code}-measured_on": "2024-05-01"},
    )
    from_page = _details("partnerships.indicator_measured")
    api.as_user(focal).send(
        "patch", f"/indicators/{indicator.code}", {"measured": "5", "measured_on": "2024-05-01"}
    )
    assert _details("partnerships.indicator_measured") == from_page
    client.force_login(alice)
    client.post(
        reverse("partnerships:action_edit", args=[owned_action.code]),
        {"title": "Train all brokers", "customs_owner": "Integrity unit"},
    )
    page_keys = set(_details("partnerships.action_changed"))
    api.as_user(alice).send("patch", f"/actions/{owned_action.code}", {"title": "Train them"})
    assert set(_details("partnerships.action_changed")) == page_keys == {"fields"}
    api.send("patch", f"/actions/{owned_action.code}", {"is_public": True})
    assert AuditEntry.objects.filter(action="partnerships.action_published").exists()


def test_duplicate_participant_rows_are_a_422_and_the_counts_stay(
    api: Any, alice: Any, loi: Any, ecuador: Any
) -> None:
    from arusha.partnerships.models import Activity

    activity = Activity.objects.create(
        agreement=loi, kind="workshop", title="Workshop", held_on="2023-04-18", mode="hybrid"
    )
    activity.organisers.set([ecuador])
    activity.participants.create(organisation_kind="customs", wco_region="AMS", count=12)
    row = {"organisation_kind": "private", "wco_region": "AMS", "count": 3}
    response = api.as_user(alice).send(
        "patch", f"/activities/{activity.code}", {"participants": [row, row]}
    )
    assert response.status_code == 422
    assert "already a count" in response.text
    assert activity.participant_total() == 12


def test_publishing_through_the_api_is_audited_as_on_the_page(
    api: Any, alice: Any, loi: Any, ecuador_plan: Any
) -> None:
    api.as_user(alice).send("patch", f"/agreements/{loi.code}", {"is_public": True})
    entry = AuditEntry.objects.filter(action="partnerships.agreement_published").get()
    assert entry.object_type == "partnerships.agreement"
    assert not AuditEntry.objects.filter(action="partnerships.agreement_changed").exists()
    title = ecuador_plan.title
    blank = api.send("patch", f"/plans/{ecuador_plan.code}", {"title": "  "})
    assert blank.status_code == 422
    ecuador_plan.refresh_from_db()
    assert ecuador_plan.title == title
