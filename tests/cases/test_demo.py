"""The case demo: two administrations' channels, every state, a few overdue, one referral."""

from __future__ import annotations

from django.core.management import call_command

from arusha.cases import reminders
from arusha.cases.models import Case, Referral


def test_the_demo_has_every_state_overdue_cases_and_a_referral_and_loads_twice(db):
    call_command("load_demo")
    count = Case.objects.count()
    call_command("load_demo")
    assert Case.objects.count() == count
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert {c.report.channel.slug for c in Case.objects.all()} == {"senae", "sunat"}
    assert sum("overdue" in reminders.flags(c) for c in Case.objects.all()) >= 2
    referral = Referral.objects.get()
    assert referral.to_organisation.short_name == "SUNAT"
