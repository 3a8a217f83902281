"""The results page and its section pages as a person reads them: compact (a summary line per
question, the detail a section at a time), in words rather than codes, with intervals that stay
on the 0 to 100 scale, a bounded number of queries, and nothing for outsiders."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import translation

from arusha.surveys.models import Campaign
from tests.surveys.conftest import add_responses

CODE = re.compile(r"\b(?:kf\d+|payments|reporting|about)\.[a-z_]+\b")


def _visible_text(html: str) -> str:
    """The page's text without tags and attributes (ids and links may carry codes)."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_the_results_page_has_one_summary_line_per_question_and_no_detail(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12, agreement="agree")
    client.force_login(alice)
    page = client.get(f"/surveys/{campaign.code}/results/").content.decode()
    questionnaire = campaign.questionnaire_version.questionnaire()
    shown = [
        q
        for _s, q in questionnaire.iter_questions()
        if not q.attribute and q.kind in ("single_choice", "multiple_choice")
    ]
    assert page.count('<tr><th scope="row"><a href=') == len(shown)
    assert 'class="distribution"' not in page and 'class="by-office"' not in page
    assert (
        f'/surveys/{campaign.code}/results/kf1/?question=kf1.message#question-kf1.message"' in page
    )


def test_no_question_code_or_hash_is_shown_on_the_results_pages(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12, agreement="agree")
    client.force_login(alice)
    version = campaign.questionnaire_version
    for path in ("/", "/results/", "/results/kf4/", "/results/payments/"):
        with translation.override("es"):
            html = client.get(f"/surveys/{campaign.code}{path}", HTTP_ACCEPT_LANGUAGE="es")
        text = _visible_text(html.content.decode())
        assert html.status_code == 200, path
        assert not CODE.findall(text), (path, CODE.findall(text)[:3])
        assert version.content_hash[:12] not in text, path
        assert "private-sector-perception" not in text, path


def test_a_section_page_shows_each_question_in_detail_folded_but_the_one_asked_for(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12, agreement="agree", office="GYE-MAR")
    add_responses(campaign, 6, agreement="disagree", group="customs_broker", office="UIO-AIR")
    client.force_login(alice)
    page = client.get(f"/surveys/{campaign.code}/results/kf2/?question=kf2.consistent")
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('<details class="question-detail"') == 3
    assert '<details class="question-detail" id="question-kf2.consistent" open>' in html
    assert html.count(" open>") == 1
    assert "Guayaquil port" in html and "Customs brokers" in html
    assert 'id="previous-section"' in html and 'id="next-section"' in html


def test_an_unknown_section_is_not_found_and_too_few_responses_go_back_to_the_results(
    client: Any, alice: Any, campaign: Any
) -> None:
    client.force_login(alice)
    add_responses(campaign, 3)
    hidden = client.get(f"/surveys/{campaign.code}/results/kf1/")
    assert hidden.status_code == 302 and hidden["Location"].endswith("/results/")
    add_responses(campaign, 3)
    assert client.get(f"/surveys/{campaign.code}/results/nope/").status_code == 404


def test_an_outsider_cannot_read_a_section_page(client: Any, charlie: Any, campaign: Any) -> None:
    add_responses(campaign, 12)
    client.force_login(charlie)
    assert client.get(f"/surveys/{campaign.code}/results/kf1/").status_code == 404


def test_intervals_on_the_page_stay_between_0_and_100(
    client: Any, alice: Any, campaign: Any
) -> None:
    # Mostly "strongly agree" with a few "agree": the t interval ran past 100 here.
    add_responses(campaign, 6, agreement="strongly_agree")
    add_responses(campaign, 5, agreement="agree")
    client.force_login(alice)
    for path in ("/results/", "/results/kf1/"):
        html = client.get(f"/surveys/{campaign.code}{path}").content.decode()
        bounds = [int(v) for pair in re.findall(r"\((-?\d+)–(-?\d+)", html) for v in pair]
        assert bounds, path
        assert all(0 <= value <= 100 for value in bounds), (path, bounds)


def _campaign_pair(campaign: Any) -> None:
    earlier = Campaign.objects.create(
        organisation=campaign.organisation,
        title="Perception 2025",
        questionnaire_version=campaign.questionnaire_version,
        opens_on=campaign.opens_on - timedelta(days=365),
        closes_on=campaign.closes_on - timedelta(days=365),
    )
    add_responses(earlier, 8, agreement="neutral")


@pytest.mark.parametrize("responses", [10, 60])
def test_the_results_page_needs_a_fixed_small_number_of_queries(
    client: Any,
    alice: Any,
    campaign: Any,
    responses: int,
    django_assert_max_num_queries: Any,
) -> None:
    # However many responses, questions, groups and offices: queries do not grow with them.
    _campaign_pair(campaign)
    add_responses(campaign, responses // 2, group="importer", office="GYE-MAR")
    add_responses(campaign, responses // 2, group="carrier", office="UIO-AIR")
    client.force_login(alice)
    client.get(f"/surveys/{campaign.code}/results/")  # sessions and caches warmed
    with django_assert_max_num_queries(15):
        page = client.get(f"/surveys/{campaign.code}/results/")
    assert page.status_code == 200 and 'id="comparison-table"' in page.content.decode()
    with django_assert_max_num_queries(15):
        assert client.get(f"/surveys/{campaign.code}/results/payments/").status_code == 200


def test_the_response_count_line_agrees_in_number(client: Any, alice: Any, campaign: Any) -> None:
    from arusha.surveys.models import Invitation

    add_responses(campaign, 12, agreement="agree")
    Invitation.issue(campaign, 1)
    client.force_login(alice)
    page = client.get(f"/surveys/{campaign.code}/results/").content.decode()
    line = re.search(r'<p id="response-count">(.*?)</p>', page, re.S)
    assert line is not None
    assert "12 responses" in line.group(1)
    assert "1 invitation " in line.group(1) or line.group(1).endswith("1 invitation")
    assert "1 invitations" not in line.group(1)
