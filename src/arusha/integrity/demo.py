"""Demo data of the integrity analytics app: one analysed run of generated declarations for SENAE,
whose `integrity` user is its integrity officer, and the example export's mapping file saved as
a layout of SENAE (see integrity.examples). Generated from a fixed seed; loaded once."""

from __future__ import annotations

import tempfile
from pathlib import Path

from arusha.analytics import GeneratorConfig, build_demo
from arusha.core.models import Organisation, User
from arusha.integrity.examples import EXPORT_MAPPING, LAYOUT_NAME
from arusha.integrity.models import AnalysisRun, ColumnLayout, LeadReview
from arusha.integrity.storing import store_result

# Small enough to load in seconds; large enough that the planted pairs stand out.
DEMO_CONFIG = GeneratorConfig(
    rows=20_000, seed=2024, offices=3, officers=24, declarants=60, strong_pairs=2, weak_pairs=1
)
SOURCE_NAME = "senae-demo-declarations.parquet"


def load() -> list[str]:
    senae = Organisation.objects.filter(short_name="SENAE").first()
    if senae is None:
        return []
    officer = User.objects.filter(username="integrity").first()
    if not AnalysisRun.objects.filter(organisation=senae, is_demo=True).exists():
        with tempfile.TemporaryDirectory(prefix="arusha-integrity-demo-") as tmp:
            demo = build_demo(Path(tmp), DEMO_CONFIG)
        run = AnalysisRun(
            organisation=senae,
            uploaded_by=officer,
            source_name=SOURCE_NAME,
            is_demo=True,
        )
        store_result(run, demo.result)
        _review_demo_leads(run)
    ColumnLayout.objects.get_or_create(
        organisation=senae,
        name=LAYOUT_NAME,
        defaults={"text": EXPORT_MAPPING, "saved_by": officer},
    )
    return [
        "  risk analytics: one analysed run of generated declarations for SENAE (integrity),",
        "    example files to try on the upload page, the example export's layout saved",
    ]


def _review_demo_leads(run: AnalysisRun) -> None:
    """The first flagged officer reviewed (needs follow-up), so that a new user sees a review's
    history and the ranked leads' review column; the other flagged leads await theirs."""
    lead = run.entities.filter(entity_kind="officer", flags__gt=0).order_by("rank").first()
    if lead is None:
        return
    LeadReview.objects.create(
        organisation=run.organisation,
        run=run,
        **lead.lead,
        decision=LeadReview.Decision.FOLLOW_UP,
        note="Demo review: 25 of the officer's declarations pulled for a desk check; their "
        "roster for the quarter requested from the office.",
        reviewed_by=run.uploaded_by,
    )
