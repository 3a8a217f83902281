"""The regional median is shown only when at least five administrations of the region have a
validated assessment; smaller groups are suppressed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from arusha.assessments.models import Assessment
from arusha.assessments.results import regional_comparison
from arusha.core.models import Organisation


def _validated(version: Any, name: str, score: float, year: int = 2025) -> Assessment:
    organisation, _ = Organisation.objects.get_or_create(
        name=name, defaults={"kind": "customs", "country": "CL", "wco_region": "AMS"}
    )
    return Assessment.objects.create(
        organisation=organisation,
        cycle=str(year),
        year=year,
        questionnaire_version=version,
        status=Assessment.Status.VALIDATED,
        validated_scores={str(kf): score for kf in range(1, 11)},
        validated_overall=score,
    )


@pytest.fixture
def four(version: Any) -> list[Assessment]:
    return [
        _validated(version, f"Customs {n}", score) for n, score in enumerate([0.2, 0.4, 0.8, 1.0])
    ]


def test_four_administrations_are_too_few_for_a_median(four: Any) -> None:
    comparison = regional_comparison("AMS")
    assert comparison.administrations == 4
    assert comparison.suppressed
    assert comparison.medians is None


def test_five_administrations_show_the_median(four: Any, version: Any) -> None:
    _validated(version, "Customs 5", 0.6)
    comparison = regional_comparison("AMS")
    assert not comparison.suppressed
    assert comparison.medians is not None
    assert comparison.medians[1] == pytest.approx(0.6)


def test_only_the_latest_validated_cycle_of_each_administration_counts(
    four: Any, version: Any
) -> None:
    _validated(version, "Customs 0", 0.9, year=2023)  # an older cycle of the same administration
    assert regional_comparison("AMS").suppressed
    Assessment.objects.create(
        organisation=Organisation.objects.get(name="Customs 3"),
        cycle="2026",
        year=2026,
        questionnaire_version=version,
    )  # in progress: does not count
    assert regional_comparison("AMS").administrations == 4


def test_the_results_page_hides_the_median_of_a_small_group(
    client: Any, four: Any, assessment: Any, alice: Any
) -> None:
    client.force_login(alice)
    page = client.get(reverse("assessments:results", args=[assessment.code])).text
    table = page.split('id="comparison-table"')[1].split("</table>")[0]
    assert "hidden" in table
    assert "60" not in table


def test_the_results_page_shows_the_median_of_five(
    client: Any, four: Any, version: Any, assessment: Any, alice: Any
) -> None:
    _validated(version, "Customs 5", 0.6)
    client.force_login(alice)
    page = client.get(reverse("assessments:results", args=[assessment.code])).text
    table = page.split('id="comparison-table"')[1].split("</table>")[0]
    assert ">60<" in table
    assert "Regional median" in page.split('id="comparison-table"')[0]  # in the radar legend


def test_coordinators_see_only_the_suppressed_aggregate(
    client: Any, coordinator: Any, four: Any, version: Any
) -> None:
    client.force_login(coordinator)
    url = reverse("assessments:region", args=["AMS"])
    assert "Hidden" in client.get(url).text
    _validated(version, "Customs 5", 0.6)
    page = client.get(url).text
    assert ">60<" in page
    assert "Customs 1" not in page
    assert client.get(reverse("assessments:region", args=["EUR"])).status_code == 404
