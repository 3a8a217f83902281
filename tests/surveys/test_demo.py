"""The demo: two SENAE campaigns a year apart with several hundred responses, some groups small
enough to be hidden, unused invitations; loading twice changes nothing."""

from __future__ import annotations

import time
from io import StringIO
from typing import Any

from django.core.management import call_command

from arusha.surveys import results
from arusha.surveys.models import Campaign, Invitation, Response


def test_the_demo_loads_twice_without_duplicates_and_shows_an_open_link(
    db: Any, client: Any
) -> None:
    out = StringIO()
    call_command("load_demo", stdout=out)
    counts = (Campaign.objects.count(), Response.objects.count(), Invitation.objects.count())
    started = time.perf_counter()
    call_command("load_demo", stdout=StringIO())
    assert (
        Campaign.objects.count(),
        Response.objects.count(),
        Invitation.objects.count(),
    ) == counts
    assert counts[0] == 2 and counts[1] >= 400
    assert Invitation.objects.filter(used=False).exists()
    earlier, later = Campaign.objects.order_by("opens_on")
    assert (later.opens_on - earlier.opens_on).days in (365, 366)
    path = next(line for line in out.getvalue().splitlines() if "/survey/o/" in line)
    link = path[path.index("/survey/o/") :].strip()
    assert client.get(link).status_code == 200
    outcome = results.campaign_results(later, "en")
    hidden = [g.code for g in outcome.groups if g.responses is None]
    assert "association" in hidden
    comparison = results.compare_campaigns(earlier, later)
    assert all(row.difference is not None for row in comparison)
    assert time.perf_counter() - started < 60
