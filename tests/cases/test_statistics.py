"""Statistics: every cell under five is hidden, also from subtraction; coordinators see only
their region's aggregate."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from arusha.cases import statistics
from arusha.cases.models import Case
from arusha.reporting.models import Channel, CoarseRecord, Office
from tests.conftest import verified_client


def _records(channel, office_code: str, month: date, count: int, demand: str = "cash") -> None:
    office = Office.objects.get(code=office_code)
    for _ in range(count):
        CoarseRecord.objects.create(
            channel=channel,
            office=office,
            month=month,
            stage="physical",
            demand=demand,
            source="consent",
        )


@pytest.fixture
def records(channel):
    _records(channel, "GYE", date(2026, 1, 1), 7)
    _records(channel, "GYE", date(2026, 2, 1), 2)  # small: hidden
    _records(channel, "GYE", date(2026, 3, 1), 6)
    _records(channel, "UIO", date(2026, 1, 1), 5, demand="goods")
    return CoarseRecord.objects.all()


def test_a_small_cell_and_the_next_smallest_are_hidden_in_the_heatmap(records):
    heat = statistics.heatmap(records)
    assert heat.months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    rows = {office: (cells, total) for office, cells, total in heat.rows}
    # Guayaquil: 2 is hidden, and 6 too, or 15 - 7 - 6 would give it away.
    assert rows["Guayaquil maritime port"] == ([7, None, None], 15)
    assert rows["Quito airport"] == ([5, 0, 0], 5)


def test_a_breakdown_hides_small_cells_and_small_totals(channel, records):
    by_office, by_stage, by_demand = statistics.incident_breakdowns(records)
    assert dict(by_office.rows) == {"Guayaquil maritime port": 15, "Quito airport": 5}
    assert dict(by_demand.rows) == {"Cash": 15, "Goods (for example cigarettes or alcohol)": 5}
    assert by_stage.total == 20
    CoarseRecord.objects.filter(office__code="UIO").delete()
    _records(channel, "UIO", date(2026, 1, 1), 3)
    by_office, *_rest = statistics.incident_breakdowns(CoarseRecord.objects.all())
    assert dict(by_office.rows) == {"Guayaquil maritime port": None, "Quito airport": None}


def test_medians_and_shares_need_five_cases(send):
    cases = [send() for _ in range(4)]
    for case in cases:
        case.acknowledge(date(2026, 3, 1))
    assert statistics.times(Case.objects.all())["acknowledge"] is None
    send().acknowledge(date(2026, 3, 1))
    assert statistics.times(Case.objects.all())["acknowledge"] is not None


def test_the_statistics_page_shows_charts_and_exports(client, records, helena):
    c = verified_client(client, helena)
    page = c.get(reverse("cases:statistics")).content.decode()
    assert "<svg" in page and "&lt;5" in page and "style=" not in page
    export = c.get(reverse("cases:statistics_export", args=["csv"])).content.decode()
    assert "Guayaquil maritime port,2026-02,fewer than 5" in export
    assert c.get(reverse("cases:statistics_export", args=["xlsx"])).status_code == 200


def test_outsiders_get_no_statistics(client, records, bob, charlie):
    assert verified_client(client, bob).get(reverse("cases:statistics")).status_code == 404
    assert verified_client(client, charlie).get(reverse("cases:statistics")).status_code == 404


def test_a_regional_coordinator_sees_only_the_regions_aggregate(client, records, coordinator, peru):
    c = verified_client(client, coordinator)
    page = c.get(reverse("cases:region", args=["AMS"]))
    assert page.status_code == 200
    assert "Guayaquil maritime port" in page.content.decode()
    assert c.get(reverse("cases:region", args=["EUR"])).status_code == 404
    assert c.get(reverse("cases:statistics")).status_code == 404
    Channel.objects.create(organisation=peru, slug="sunat")
    assert c.get(reverse("cases:inbox")).status_code == 404


def _trend_section(client, user) -> str:
    page = verified_client(client, user).get(reverse("cases:statistics")).content.decode()
    return page.split('<section id="trend">', 1)[1].split("</section>", 1)[0]


def test_when_every_month_has_under_five_cases_the_page_says_so_instead_of_a_blank_chart(
    client, send, helena
):
    for _ in range(3):
        send()
    trend = _trend_section(client, helena)
    assert "<svg" not in trend
    assert "No month had five cases or more" in trend
    assert "No case yet." not in trend


def test_a_month_with_five_cases_is_drawn(client, send, helena):
    for _ in range(5):
        send()
    trend = _trend_section(client, helena)
    assert 'class="chart trend"' in trend
    assert "No month had five cases or more" not in trend
