"""The reporting demo: a channel that is open, reports that open with the printed receipt."""

from __future__ import annotations

from django.core.management import call_command

from arusha.reporting import demo
from arusha.reporting.models import BulkUpload, Channel, CoarseRecord, HandlerKey, Report
from arusha.reporting.submission import open_with_receipt


def test_the_demo_loads_twice_and_its_receipt_opens_a_report_with_a_reply(db):
    call_command("load_demo")
    counts = (Report.objects.count(), CoarseRecord.objects.count(), HandlerKey.objects.count())
    call_command("load_demo")
    assert (
        Report.objects.count(),
        CoarseRecord.objects.count(),
        HandlerKey.objects.count(),
    ) == counts
    assert Channel.objects.get(slug="senae").is_ready()
    report, _key = open_with_receipt(demo.DEMO_RECEIPT)
    assert report.messages.filter(author_kind="handler").exists()
    assert BulkUpload.objects.get().row_count == 40
