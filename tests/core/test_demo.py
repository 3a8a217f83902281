"""The demo data: the AMS region with real country codes, one user a role, loadable twice."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command

from arusha.core.audit import verify_chain
from arusha.core.models import Membership, Organisation, Role, User


def test_the_demo_loads_twice_without_duplicates(db: Any) -> None:
    call_command("load_demo")
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    call_command("load_demo")
    assert (
        Organisation.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert verify_chain() == []


def test_the_demo_has_one_user_for_every_role(db: Any) -> None:
    call_command("load_demo")
    present = set(Membership.objects.values_list("role", flat=True))
    assert present == set(Role.values)


def test_the_demo_region_uses_real_country_codes(db: Any) -> None:
    call_command("load_demo")
    ecuador = Organisation.objects.get(short_name="SENAE")
    assert (ecuador.country.code, ecuador.wco_region) == ("EC", "AMS")
    assert Organisation.objects.customs().for_region("AMS").count() >= 20
    assert Organisation.objects.filter(pscg_member=True).count() >= 2
    assert Organisation.objects.filter(international_kind="secretariat").exists()
    assert Organisation.objects.filter(
        international_kind="regional_office", wco_region="AMS"
    ).exists()
