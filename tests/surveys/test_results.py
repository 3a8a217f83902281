"""Campaign results: suppression everywhere a small group could appear (including by
subtraction), the key-factor comparison with the self-assessment, and campaign comparison."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from arusha.surveys import exports, results
from arusha.surveys.models import Campaign, Invitation
from tests.surveys.conftest import add_responses


def test_fewer_than_five_responses_show_nothing_at_all(campaign: Any) -> None:
    add_responses(campaign, 4)
    outcome = results.campaign_results(campaign, "en")
    assert outcome.suppressed
    assert outcome.questions == [] and outcome.groups == [] and outcome.factors == []
    assert exports.aggregate_rows(outcome) == []
    assert exports.raw_responses_csv(campaign, "en").count("\n") == 1  # the header only


def test_a_small_group_and_its_complement_are_hidden_from_counts_and_statistics(
    campaign: Any,
) -> None:
    add_responses(campaign, 20, group="importer", agreement="agree")
    add_responses(campaign, 8, group="exporter", agreement="strongly_agree")
    add_responses(campaign, 3, group="customs_broker", agreement="strongly_disagree")
    outcome = results.campaign_results(campaign, "en")
    assert outcome.total == 31
    groups = {g.code: g.responses for g in outcome.groups}
    # 31 − 20 would give brokers + exporters, never brokers alone.
    assert groups == {"importer": 20, "exporter": None, "customs_broker": None}
    question = next(q for q in outcome.questions if q.code == "kf1.message")
    by_group = {item.cell.key: item.cell for item in question.by_group}
    assert by_group["customs_broker"].mean is None
    assert by_group["exporter"].mean is None
    assert by_group["importer"].mean is not None and by_group["importer"].mean.mean == 75
    # The distribution: 3 "strongly disagree" is hidden, and so is the next smallest cell.
    counts = {o.code: o.count for o in question.options}
    assert counts["strongly_disagree"] is None
    assert counts["strongly_agree"] is None
    assert counts["agree"] == 20
    # The whole-sample mean would give the hidden counts back: 8 + 3 hidden answers and a mean
    # of (20×75 + 8×100 + 3×0) / 31 leave one solution. It is hidden, and so is the share.
    assert question.mean is None
    assert question.unfavourable is None


def test_a_question_with_no_hidden_count_shows_its_mean(campaign: Any) -> None:
    add_responses(campaign, 20, group="importer", agreement="agree")
    add_responses(campaign, 10, group="exporter", agreement="strongly_agree")
    outcome = results.campaign_results(campaign, "en")
    question = next(q for q in outcome.questions if q.code == "kf1.message")
    counts = {o.code: o.count for o in question.options}
    assert counts["agree"] == 20 and counts["strongly_agree"] == 10
    assert question.mean is not None and question.mean.n == 30
    # (20×75 + 10×100) / 30
    assert question.mean.mean == pytest.approx(2500 / 30)


def test_exports_and_raw_responses_carry_only_what_the_page_shows(campaign: Any) -> None:
    add_responses(campaign, 20, group="importer")
    add_responses(campaign, 8, group="exporter")
    add_responses(campaign, 3, group="customs_broker")
    outcome = results.campaign_results(campaign, "en")
    text = exports.results_csv(outcome)
    assert "Customs brokers" in text
    broker_rows = [line for line in text.splitlines() if "Customs brokers" in line]
    assert all(",3," not in line and not line.endswith(",3") for line in broker_rows)
    raw = exports.raw_responses_csv(campaign, "en", codes=True)
    header, *rows = raw.splitlines()
    assert len(rows) == 31
    for attribute in ("about.main_office", "about.size", "about.gender", "submitted"):
        assert attribute not in header
    assert "GYE-MAR" not in raw
    assert sum(row.endswith(",importer") for row in rows) == 20
    assert not any(row.endswith(",customs_broker") or row.endswith(",exporter") for row in rows)


def test_the_office_breakdown_hides_small_offices(campaign: Any) -> None:
    add_responses(campaign, 12, office="GYE-MAR")
    add_responses(campaign, 2, office="UIO-AIR")
    add_responses(campaign, 6, office=None)
    outcome = results.campaign_results(campaign, "en")
    question = next(q for q in outcome.questions if q.code == "kf1.message")
    cells = {item.label: item.cell.n for item in question.by_office}
    assert cells == {"Guayaquil port": 12, "Quito airport": None, "Not stated": None}


def test_response_rates_count_invitations_per_group(campaign: Any) -> None:
    from arusha.surveys.models import Response

    Invitation.issue(campaign, 10, "importer")
    add_responses(campaign, 6, group="importer")
    Response.objects.update(via=Response.Via.INVITATION)
    outcome = results.campaign_results(campaign, "en")
    importer = next(g for g in outcome.groups if g.code == "importer")
    assert importer.invited == 10
    assert importer.rate == 0.6
    assert outcome.response_rate == 0.6


def test_responses_by_group_set_only_invitation_responses_against_invitations(
    campaign: Any,
) -> None:
    from arusha.surveys.models import Response

    # 12 importers answered by invitation (of 15 issued) and 20 more through the open link:
    # 32 responses for 15 invitations is right, and the rate is 12 / 15, not 32 / 15.
    Invitation.issue(campaign, 15, "importer")
    add_responses(campaign, 12, group="importer")
    Response.objects.update(via=Response.Via.INVITATION)
    add_responses(campaign, 20, group="importer")
    outcome = results.campaign_results(campaign, "en")
    importer = next(g for g in outcome.groups if g.code == "importer")
    assert (importer.responses, importer.by_invitation, importer.invited) == (32, 12, 15)
    assert importer.rate == pytest.approx(0.8)
    assert outcome.invitations_used == 12


def test_a_small_open_link_remainder_hides_the_invitation_count_of_its_group(
    campaign: Any,
) -> None:
    from arusha.surveys.models import Response

    # 10 by invitation and 2 by the open link: responses minus "by invitation" would show 2.
    Invitation.issue(campaign, 10, "importer")
    add_responses(campaign, 10, group="importer")
    Response.objects.update(via=Response.Via.INVITATION)
    add_responses(campaign, 2, group="importer")
    outcome = results.campaign_results(campaign, "en")
    importer = next(g for g in outcome.groups if g.code == "importer")
    assert importer.responses == 12
    assert importer.by_invitation is None and importer.rate is None
    assert outcome.invitations_used is None


def test_the_demo_never_shows_more_invitation_responses_than_invitations(
    ecuador: Any, offices: Any
) -> None:
    from arusha.surveys import demo

    assert demo.load()  # the surveys part of the demo, on SENAE and its offices
    for campaign in Campaign.objects.all():
        outcome = results.campaign_results(campaign, "en")
        for group in outcome.groups:
            if group.by_invitation is not None:
                assert group.by_invitation <= (group.invited or 0)
        assert outcome.invitations_used is not None
        assert outcome.invitations_used <= outcome.invited


def test_key_factors_sit_beside_the_latest_validated_self_assessment(
    campaign: Any, ecuador: Any
) -> None:
    from arusha.assessments.models import Assessment
    from arusha.questionnaires.loading import load_files
    from arusha.questionnaires.schema import shipped_questionnaires

    path = next(p for p in shipped_questionnaires() if p.name == "arusha-self-assessment.yaml")
    version = load_files([path])[0].version
    for year, score in ((2024, 0.2), (2025, 0.9)):
        Assessment.objects.create(
            organisation=ecuador,
            cycle=str(year),
            year=year,
            questionnaire_version=version,
            status=Assessment.Status.VALIDATED,
            validated_scores={str(kf): score for kf in range(1, 11)},
            validated_overall=score,
        )
    add_responses(campaign, 10, agreement="neutral")
    outcome = results.campaign_results(campaign, "en")
    first = outcome.factors[0]
    assert outcome.assessment is not None and outcome.assessment.cycle == "2025"
    assert first.self_assessment == 90
    assert first.perception is not None and first.perception.mean == 50
    assert first.gap == 40


def test_two_campaigns_compare_by_key_factor(campaign: Any) -> None:
    earlier = Campaign.objects.create(
        organisation=campaign.organisation,
        title="Perception 2025",
        questionnaire_version=campaign.questionnaire_version,
        opens_on=campaign.opens_on - timedelta(days=365),
        closes_on=campaign.closes_on - timedelta(days=365),
    )
    add_responses(earlier, 6, agreement="disagree")
    add_responses(earlier, 6, agreement="neutral")
    add_responses(campaign, 6, agreement="agree")
    add_responses(campaign, 6, agreement="strongly_agree")
    rows = results.compare_campaigns(earlier, campaign)
    assert rows[0].earlier is not None and rows[0].earlier.mean == 37.5
    assert rows[0].later is not None and rows[0].later.mean == 87.5
    assert rows[0].difference is not None and rows[0].difference.difference == 50
    assert rows[0].difference.low is not None and rows[0].difference.low > 0


def test_a_campaign_with_few_answers_is_left_out_of_the_comparison(campaign: Any) -> None:
    earlier = Campaign.objects.create(
        organisation=campaign.organisation,
        title="Pilot",
        questionnaire_version=campaign.questionnaire_version,
        opens_on=campaign.opens_on - timedelta(days=365),
        closes_on=campaign.closes_on - timedelta(days=365),
    )
    add_responses(earlier, 3)
    add_responses(campaign, 10)
    rows = results.compare_campaigns(earlier, campaign)
    assert all(row.earlier is None and row.difference is None for row in rows)


def test_factor_scores_agree_with_the_questionnaire_library(campaign: Any) -> None:
    import random

    from arusha.questionnaires.scoring import score_answers
    from arusha.surveys.models import Response

    questionnaire = campaign.questionnaire_version.questionnaire()
    rng = random.Random(5)
    responses = []
    for _ in range(20):
        answers = {
            q.code: rng.choice(q.choices).code
            for _s, q in questionnaire.iter_questions()
            if q.option_set == "agreement" and rng.random() < 0.8
        }
        responses.append(Response(answers=answers))
    fast = results.factor_scores(questionnaire, responses)
    for kf in range(1, 11):
        exact = [
            100 * float(group.score)
            for r in responses
            if (group := score_answers(questionnaire, r.answers).key_factors[kf]).score is not None
        ]
        assert fast.get(kf, []) == pytest.approx(exact)
