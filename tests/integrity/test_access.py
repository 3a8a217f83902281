"""Only the integrity officers of the run's administration see a run; drill-downs are audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.core.audit import AuditEntry
from tests.conftest import verified_client


def _urls(run: Any) -> list[str]:
    officer = run.entities.filter(entity_kind="officer").first()
    return [
        reverse("integrity:run", args=[run.code]),
        reverse("integrity:export", args=[run.code]),
        reverse("integrity:leads_export", args=[run.code]),
        reverse("integrity:entity", args=[run.code, "officer", officer.entity_id]),
    ]


def test_another_administrations_officer_gets_404(client: Any, run: Any, charlie: Any) -> None:
    client.force_login(charlie)
    for url in _urls(run):
        assert client.get(url).status_code == 404, url
    assert run.source_name not in client.get(reverse("integrity:list")).content.decode()


def test_a_viewer_of_the_same_administration_gets_404(client: Any, run: Any, bob: Any) -> None:
    client.force_login(bob)
    for url in [*_urls(run), reverse("integrity:list"), reverse("integrity:upload")]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", ["coordinator", "admin_user"])
def test_coordinators_and_platform_admins_get_404(
    client: Any, run: Any, persona: str, request: Any
) -> None:
    verified_client(client, request.getfixturevalue(persona))
    for url in _urls(run):
        assert client.get(url).status_code == 404, url


def test_the_owner_sees_the_run_and_the_drill_down_is_audited(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    for url in _urls(run):
        assert client.get(url).status_code == 200, url
    entry = AuditEntry.objects.filter(action="integrity.entity_viewed").get()
    officer = run.entities.filter(entity_kind="officer").first()
    assert entry.actor == alice
    assert entry.organisation_id == run.organisation.pk
    assert {k: entry.details[k] for k in ("entity_kind", "entity_id", "office_id")} == {
        "entity_kind": "officer",
        "entity_id": officer.entity_id,
        "office_id": officer.office_id,
    }


def test_a_pair_drill_down_shows_its_indicators_and_a_chart(
    client: Any, run: Any, alice: Any
) -> None:
    client.force_login(alice)
    pair = run.entities.filter(entity_kind="pair").order_by("rank").first()
    url = reverse("integrity:entity", args=[run.code, "pair", pair.entity_id])
    page = client.get(url, {"office": pair.office_id}).content.decode()
    assert 'id="contribution-chart"' in page
    assert 'style="' not in page
    for indicator in run.indicators.filter(entity_kind="pair", entity_id=pair.entity_id):
        assert indicator.indicator in page
    assert AuditEntry.objects.filter(action="integrity.entity_viewed").count() == 1


def test_an_export_of_every_indicator_is_audited_on_the_page_and_in_the_api(
    client: Any, run: Any, alice: Any
) -> None:
    from arusha.core.models import ApiToken

    client.force_login(alice)
    client.get(reverse("integrity:export", args=[run.code]))
    entry = AuditEntry.objects.get(action="integrity.indicators_exported")
    assert (entry.actor, entry.object_id) == (alice, str(run.code))
    assert entry.details == {"rows": run.indicators.count()}
    auth = {"Authorization": f"Bearer {ApiToken.issue(alice, 'x')[1]}"}
    client.get(f"/api/integrity/runs/{run.code}/indicators?flagged=true", headers=auth)
    latest = AuditEntry.objects.filter(action="integrity.indicators_exported").latest("seq")
    assert latest.details == {"via": "api", "flagged": True}
