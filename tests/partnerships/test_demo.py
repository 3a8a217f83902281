"""The partnerships demo: the AMS letter of intent, two MoUs, plans and activities."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from arusha.core.audit import verify_chain
from arusha.partnerships.demo import LOI_TITLE
from arusha.partnerships.models import Action, Activity, Agreement


def test_the_demo_loads_twice_without_duplicates(db: Any) -> None:
    call_command("load_demo")
    counts = (Agreement.objects.count(), Action.objects.count(), Activity.objects.count())
    call_command("load_demo")
    assert (Agreement.objects.count(), Action.objects.count(), Activity.objects.count()) == counts
    assert verify_chain() == []


def test_the_demo_has_the_regional_letter_two_mous_and_activities(db: Any) -> None:
    call_command("load_demo")
    loi = Agreement.objects.get(title=LOI_TITLE)
    assert (loi.scope, loi.wco_region, loi.is_public) == ("regional", "AMS", True)
    signers = set(loi.signatories.values_list("organisation__short_name", flat=True))
    assert {"SENAE", "SUNAT", "AMS PSG"} <= signers
    assert any(s.is_adherence for s in loi.signatories.all())
    assert Agreement.objects.filter(kind="mou", scope="national").count() == 2
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert Action.objects.overdue().exists()
    workshop = Activity.objects.get(kind="workshop")
    assert workshop.mode == "hybrid"
    assert 95 <= workshop.participant_total() <= 110
    assert workshop.follow_up_actions.exists()
    assert Activity.objects.filter(kind="panel").exists()


def test_the_demo_focal_point_owns_actions(db: Any) -> None:
    call_command("load_demo")
    assert Action.objects.filter(private_owner__short_name="CECE").exists()


def test_every_demo_action_page_opens_even_for_updates_without_author(
    db: Any, client: Any, make_user: Any
) -> None:
    from arusha.core.models import Organisation
    from arusha.partnerships.models import ActionUpdate

    call_command("load_demo")
    authorless = ActionUpdate.objects.filter(author=None).select_related("action__plan")
    assert authorless.exists()
    for administration in Organisation.objects.filter(
        action_plans__actions__updates__in=authorless
    ).distinct():
        client.force_login(
            make_user(f"officer-{administration.pk}", administration, "integrity_officer")
        )
        for action in Action.objects.filter(plan__administration=administration):
            page = client.get(f"/partnerships/actions/{action.code}/")
            assert page.status_code == 200, action.title
            assert "former user" in page.text or not action.updates.filter(author=None).exists()
