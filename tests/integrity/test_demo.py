"""The demo: one analysed run for SENAE that its integrity officer sees, with a planted pair on
top; loading twice changes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from arusha.core import demo as core_demo
from arusha.core.models import User
from arusha.integrity import demo
from arusha.integrity.models import AnalysisRun, EntityScore, LeadReview


def test_the_demo_loads_once_and_its_officer_sees_a_flagged_pair(client: Any, db: Any) -> None:
    core_demo.load()
    demo.load()
    counts = (AnalysisRun.objects.count(), EntityScore.objects.count(), LeadReview.objects.count())
    demo.load()
    assert (
        AnalysisRun.objects.count(),
        EntityScore.objects.count(),
        LeadReview.objects.count(),
    ) == counts
    assert counts[2] == 1  # one lead reviewed, so that the review column and history show
    run = AnalysisRun.objects.get(is_demo=True)
    assert run.organisation.short_name == "SENAE"
    assert run.entities.filter(entity_kind="pair", rank=1, flags__gt=0).exists()
    client.force_login(User.objects.get(username="integrity"))
    response = client.get(reverse("integrity:run", args=[run.code]), {"kind": "pair"})
    assert response.status_code == 200
