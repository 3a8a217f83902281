"""Staff pages: launching a campaign, invitations by e-mail or as an exported list, the open
link, results and exports, the API, and who may see what (Charlie never sees Ecuador's)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from arusha.core.audit import AuditEntry
from arusha.surveys.models import Campaign, Invitation
from tests.conftest import verified_client
from tests.surveys.conftest import add_responses


def test_an_integrity_officer_launches_a_campaign(
    client: Any, alice: Any, survey_version: Any, ecuador: Any, offices: Any
) -> None:
    client.force_login(alice)
    page = client.post(
        "/surveys/new/",
        {
            "organisation": ecuador.pk,
            "title": "Perception 2027",
            "questionnaire_version": survey_version.pk,
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-30",
            "target_groups": ["importer", "carrier"],
            "offices": [offices[0].pk],
            "open_link_enabled": "on",
        },
    )
    campaign = Campaign.objects.get(title="Perception 2027")
    assert page.status_code == 302 and page["Location"] == f"/surveys/{campaign.code}/"
    assert campaign.target_groups == ["importer", "carrier"]
    assert campaign.office_options() == [("GYE-MAR", "Guayaquil port")]
    assert AuditEntry.objects.filter(action="surveys.campaign_launched").exists()


def test_a_campaign_cannot_close_before_it_opens(
    client: Any, alice: Any, survey_version: Any, ecuador: Any
) -> None:
    client.force_login(alice)
    page = client.post(
        "/surveys/new/",
        {
            "organisation": ecuador.pk,
            "title": "Backwards",
            "questionnaire_version": survey_version.pk,
            "opens_on": "2027-03-01",
            "closes_on": "2027-02-01",
        },
    )
    assert page.status_code == 200 and not Campaign.objects.exists()


def test_invitations_are_sent_by_email_and_the_addresses_are_not_kept(
    client: Any, alice: Any, campaign: Any
) -> None:
    client.force_login(alice)
    page = client.post(
        f"/surveys/{campaign.code}/invitations/",
        {"group": "importer", "emails": "ana@example.org\nluis@example.org\n"},
    )
    assert page.status_code == 302
    assert len(mail.outbox) == 2
    assert "/survey/i/" in mail.outbox[0].body
    assert Invitation.objects.filter(campaign=campaign, group="importer").count() == 2
    assert "ana@example.org" not in str(list(Invitation.objects.values()))
    entry = AuditEntry.objects.get(action="surveys.invitations_sent")
    assert "ana@example.org" not in str(entry.details)


def test_invitations_are_exported_as_a_list_of_links(
    client: Any, alice: Any, campaign: Any
) -> None:
    client.force_login(alice)
    page = client.post(f"/surveys/{campaign.code}/invitations/", {"count": "3"})
    lines = page.content.decode().splitlines()
    assert page["Content-Type"].startswith("text/csv")
    assert len(lines) == 4 and all("/survey/i/" in line for line in lines[1:])
    token = lines[1].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/survey/i/{token}/").status_code == 200


def test_a_viewer_sees_results_but_cannot_manage(client: Any, bob: Any, campaign: Any) -> None:
    add_responses(campaign, 6)
    client.force_login(bob)
    detail = client.get(f"/surveys/{campaign.code}/")
    assert detail.status_code == 200
    assert campaign.open_token not in detail.content.decode()
    assert client.get(f"/surveys/{campaign.code}/results/").status_code == 200
    assert client.post(f"/surveys/{campaign.code}/invitations/", {"count": "2"}).status_code == 404
    assert client.get(f"/surveys/{campaign.code}/responses.csv").status_code == 404


def test_the_officer_sees_the_open_link_and_can_replace_it(
    client: Any, alice: Any, campaign: Any
) -> None:
    client.force_login(alice)
    old = campaign.open_token
    assert old in client.get(f"/surveys/{campaign.code}/").content.decode()
    client.post(f"/surveys/{campaign.code}/open-link/")
    campaign.refresh_from_db()
    assert campaign.open_token != old


def test_results_page_and_exports_for_the_administration(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12, agreement="agree")
    add_responses(campaign, 2, group="carrier")
    client.force_login(alice)
    page = client.get(f"/surveys/{campaign.code}/results/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in text and 'id="factor-table"' in text
    assert "fewer than 5" in text
    csv_export = client.get(f"/surveys/{campaign.code}/results.csv")
    assert csv_export.status_code == 200 and b"kf1.message" in csv_export.content
    xlsx = client.get(f"/surveys/{campaign.code}/results.xlsx")
    assert xlsx.content[:2] == b"PK"
    raw = client.get(f"/surveys/{campaign.code}/responses.csv")
    assert raw.status_code == 200 and b"GYE-MAR" not in raw.content
    assert AuditEntry.objects.filter(action="surveys.responses_exported").exists()


@pytest.mark.parametrize(
    "path",
    ["/", "/results/", "/results.csv", "/results.xlsx", "/responses.csv"],
)
def test_an_outsider_gets_404_everywhere(
    client: Any, charlie: Any, campaign: Any, path: str
) -> None:
    add_responses(campaign, 6)
    client.force_login(charlie)
    assert client.get(f"/surveys/{campaign.code}{path}").status_code == 404


def test_a_platform_administrator_does_not_see_an_administrations_results(
    client: Any, admin_user: Any, campaign: Any
) -> None:
    verified_client(client, admin_user)
    assert client.get(f"/surveys/{campaign.code}/results/").status_code == 404


def test_a_coordinator_sees_only_the_regional_aggregate(
    client: Any, coordinator: Any, campaign: Any
) -> None:
    add_responses(campaign, 8)
    client.force_login(coordinator)
    assert client.get(f"/surveys/{campaign.code}/results/").status_code == 404
    page = client.get("/surveys/regions/AMS/")
    assert page.status_code == 200
    assert 'id="regional-suppressed"' in page.content.decode()
    assert client.get("/surveys/regions/EUR/").status_code == 404


def test_the_regional_aggregate_pools_five_administrations(
    client: Any, coordinator: Any, campaign: Any, survey_version: Any
) -> None:
    from arusha.core.models import Organisation

    add_responses(campaign, 5, agreement="agree")
    for n in range(4):
        other = Organisation.objects.create(
            name=f"Aduana {n}", kind="customs", country="CL", wco_region="AMS"
        )
        peer = Campaign.objects.create(
            organisation=other,
            title="2026",
            questionnaire_version=survey_version,
            opens_on=campaign.opens_on,
            closes_on=campaign.closes_on,
        )
        add_responses(peer, 5, agreement="neutral")
    client.force_login(coordinator)
    page = client.get("/surveys/regions/AMS/").content.decode()
    assert 'id="regional-table"' in page
    assert "Aduana 0" not in page and "SENAE" not in page
    # Key factors by name, not by bare number.
    assert "<td>1. Leadership and commitment</td>" in page


def test_the_api_lists_campaigns_and_suppressed_results(
    client: Any, bob: Any, charlie: Any, campaign: Any
) -> None:
    add_responses(campaign, 10, group="importer")
    add_responses(campaign, 6, group="exporter")
    add_responses(campaign, 2, group="carrier")
    client.force_login(bob)
    listed = client.get("/api/surveys/campaigns").json()
    assert [c["code"] for c in listed] == [str(campaign.code)]
    data = client.get(f"/api/surveys/campaigns/{campaign.code}/results").json()
    assert data["responses"] == 18
    groups = {g["group"]: g["responses"] for g in data["groups"]}
    # Carriers are too few, and exporters are hidden too so 18 − 10 does not give carriers.
    assert groups == {"importer": 10, "exporter": None, "carrier": None}
    question = next(q for q in data["questions"] if q["code"] == "kf1.message")
    assert question["mean"]["n"] == 18
    client.force_login(charlie)
    assert client.get(f"/api/surveys/campaigns/{campaign.code}/results").status_code == 404
    assert client.get("/api/surveys/campaigns").json() == []


def test_a_coordinator_launches_a_campaign_for_several_administrations(
    client: Any,
    coordinator: Any,
    survey_version: Any,
    ecuador: Any,
    peru: Any,
    regional_office: Any,
) -> None:
    client.force_login(coordinator)
    page = client.post(
        "/surveys/regions/AMS/launch/",
        {
            "administrations": [ecuador.pk, peru.pk],
            "title": "Regional perception 2027",
            "questionnaire_version": survey_version.pk,
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-30",
            "target_groups": ["customs_broker"],
        },
    )
    assert page.status_code == 302
    launched = Campaign.objects.filter(title="Regional perception 2027")
    assert {c.organisation for c in launched} == {ecuador, peru}
    assert {c.launched_by for c in launched} == {regional_office}
    region = client.get("/surveys/regions/AMS/").content.decode()
    assert 'id="launched"' in region and "SUNAT" in region
    # Launching gives no access to an administration's own campaign or results.
    code = launched.first().code  # type: ignore[union-attr]
    assert client.get(f"/surveys/{code}/").status_code == 404
    assert client.get(f"/surveys/{code}/results/").status_code == 404


def test_a_coordinator_cannot_launch_outside_their_region(
    client: Any, coordinator: Any, survey_version: Any, ecuador: Any, alice: Any
) -> None:
    from arusha.core.models import Organisation

    france = Organisation.objects.create(
        name="DGDDI", kind="customs", country="FR", wco_region="EUR"
    )
    client.force_login(coordinator)
    assert client.get("/surveys/regions/EUR/launch/").status_code == 404
    page = client.post(
        "/surveys/regions/AMS/launch/",
        {
            "administrations": [france.pk],
            "title": "Sneaky",
            "questionnaire_version": survey_version.pk,
            "opens_on": "2027-03-01",
            "closes_on": "2027-04-30",
        },
    )
    assert page.status_code == 200 and not Campaign.objects.exists()
    client.force_login(alice)
    assert client.get("/surveys/regions/AMS/launch/").status_code == 404
