"""Who sees and changes what: outsiders get 404, each administration edits only its own plan,
and a private-sector focal point updates only the actions their organisation owns."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from arusha.partnerships.models import Action, Agreement, Signatory


def _status(client: Any, action: Any, **data: Any) -> Any:
    payload = {"status": "in_progress", "progress": 20, "note": "Started"} | data
    return client.post(reverse("partnerships:action_update", args=[action.code]), payload)


def test_signatories_see_the_agreement(client: Any, alice: Any, charlie: Any, loi: Any) -> None:
    for user in (alice, charlie):
        client.force_login(user)
        response = client.get(reverse("partnerships:agreement_detail", args=[loi.code]))
        assert response.status_code == 200
        assert loi.title in response.text


def test_outsiders_get_404_on_a_bilateral_mou(
    client: Any, charlie: Any, ecuador: Any, association: Any
) -> None:
    mou = Agreement.objects.create(
        kind="mou", title="Ecuador MoU", scope="national", administration=ecuador
    )
    Signatory.objects.create(agreement=mou, organisation=association, signed_on=date(2023, 1, 1))
    client.force_login(charlie)
    for name in ["agreement_detail", "agreement_edit", "signatory_add", "commitment_add"]:
        assert client.get(reverse(f"partnerships:{name}", args=[mou.code])).status_code == 404
    assert "Ecuador MoU" not in client.get(reverse("partnerships:agreement_list")).text


def test_an_administration_cannot_see_or_edit_another_administrations_plan(
    client: Any, charlie: Any, ecuador_plan: Any, owned_action: Any
) -> None:
    client.force_login(charlie)
    assert (
        client.get(reverse("partnerships:plan_detail", args=[ecuador_plan.code])).status_code == 404
    )
    assert (
        client.get(reverse("partnerships:action_create", args=[ecuador_plan.code])).status_code
        == 404
    )
    assert _status(client, owned_action).status_code == 404
    owned_action.refresh_from_db()
    assert owned_action.status == "planned"


def test_other_signatories_see_only_aggregate_progress(
    client: Any, charlie: Any, loi: Any, ecuador_plan: Any, owned_action: Any
) -> None:
    client.force_login(charlie)
    page = client.get(reverse("partnerships:agreement_detail", args=[loi.code])).text
    assert "SENAE" in page  # the administration's overall progress row
    assert "Train brokers" not in page
    assert reverse("partnerships:plan_detail", args=[ecuador_plan.code]) not in page


def test_a_viewer_of_the_administration_reads_but_cannot_change_its_plan(
    client: Any, bob: Any, ecuador_plan: Any, owned_action: Any
) -> None:
    client.force_login(bob)
    assert (
        client.get(reverse("partnerships:plan_detail", args=[ecuador_plan.code])).status_code == 200
    )
    assert (
        client.get(reverse("partnerships:action_detail", args=[owned_action.code])).status_code
        == 200
    )
    assert _status(client, owned_action).status_code == 404
    assert (
        client.get(reverse("partnerships:action_edit", args=[owned_action.code])).status_code == 404
    )


def test_the_focal_point_updates_an_action_their_organisation_owns(
    client: Any, focal: Any, owned_action: Any
) -> None:
    client.force_login(focal)
    assert _status(client, owned_action).status_code == 302
    owned_action.refresh_from_db()
    assert (owned_action.status, owned_action.progress) == ("in_progress", 20)


def test_the_focal_point_cannot_update_actions_others_own(
    client: Any,
    focal: Any,
    ecuador_plan: Any,
    owned_action: Any,
    make_action: Any,
    other_company: Any,
) -> None:
    unowned = make_action(ecuador_plan, "Customs-only work")
    someone_elses = make_action(ecuador_plan, "Forwarder work", private_owner=other_company)
    client.force_login(focal)
    # They may read the joint plan they act in, but change only their own actions.
    assert client.get(reverse("partnerships:action_detail", args=[unowned.code])).status_code == 200
    for action in (unowned, someone_elses):
        assert _status(client, action).status_code == 404
        action.refresh_from_db()
        assert action.status == "planned"


def test_the_focal_point_cannot_edit_the_actions_definition(
    client: Any, focal: Any, owned_action: Any
) -> None:
    client.force_login(focal)
    url = reverse("partnerships:action_edit", args=[owned_action.code])
    assert client.get(url).status_code == 404
    response = client.post(url, {"title": "Renamed", "customs_owner": "x"})
    assert response.status_code == 404
    assert Action.objects.get(pk=owned_action.pk).title == "Train brokers"


def test_the_coordinator_sees_regional_progress_but_not_action_details(
    client: Any, coordinator: Any, loi: Any, owned_action: Any
) -> None:
    client.force_login(coordinator)
    page = client.get(reverse("partnerships:region_progress", args=["AMS"]))
    assert page.status_code == 200
    assert loi.title in page.text
    assert "Train brokers" not in page.text
    assert client.get(reverse("partnerships:agreement_detail", args=[loi.code])).status_code == 404
    assert (
        client.get(reverse("partnerships:action_detail", args=[owned_action.code])).status_code
        == 404
    )
    assert client.get(reverse("partnerships:region_progress", args=["EUR"])).status_code == 404


def test_the_regional_view_shows_published_actions(
    client: Any, coordinator: Any, loi: Any, owned_action: Any
) -> None:
    loi.is_public = True
    loi.save()
    Action.objects.filter(pk=owned_action.pk).update(is_public=True)
    client.force_login(coordinator)
    assert "Train brokers" in client.get(reverse("partnerships:region_progress", args=["AMS"])).text


def test_integrity_officers_of_other_regions_do_not_get_the_regional_view(
    client: Any, alice: Any
) -> None:
    client.force_login(alice)
    assert client.get(reverse("partnerships:region_progress", args=["AMS"])).status_code == 404


def test_only_officers_of_customs_signatories_edit_the_agreement(
    client: Any, alice: Any, bob: Any, focal: Any, loi: Any
) -> None:
    url = reverse("partnerships:agreement_edit", args=[loi.code])
    client.force_login(alice)
    assert client.get(url).status_code == 200
    for user in (bob, focal):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_platform_admins_see_every_plan(client: Any, admin_user: Any, owned_action: Any) -> None:
    from tests.conftest import verified_client

    verified_client(client, admin_user)
    response = client.get(reverse("partnerships:action_detail", args=[owned_action.code]))
    assert response.status_code == 200
    assert "Update status and progress" in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client: Any, loi: Any) -> None:
    for url in [
        reverse("partnerships:agreement_list"),
        reverse("partnerships:agreement_detail", args=[loi.code]),
        reverse("partnerships:overdue_list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
