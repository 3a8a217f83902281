"""The demo: one analysed run for SENAE that its integrity officer sees, with a planted pair on
top; loading twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from arusha.core import demo as core_demo
from arusha.core.models import User
from arusha.integrity import demo
from arusha.integrity.models import AnalysisRun, EntityScore


def test_the_demo_loads_once_and_its_officer_sees_a_flagged_pair(client: Any, db: Any) -> None:
    core_demo.load()
    demo.load()
    counts = (AnalysisRun.objects.count(), EntityScore.objects.count())
    demo.load()
    assert (AnalysisRun.objects.count(), EntityScore.objects.count()) == counts
    run = AnalysisRun.objects.get(is_demo=True)
    assert run.organisation.short_name == "SENAE"
    assert run.entities.filter(entity_kind="pair", rank=1, flags__gt=0).exists()
    client.force_login(User.objects.get(username="integrity"))
    response = client.get(reverse("integrity:run", args=[run.code]), {"kind": "pair"})
    assert response.status_code == 200
