"""Exports of a campaign: the aggregated results as CSV or XLSX (exactly the suppressed figures
the results page shows), and the raw responses, suppressed and stripped of attributes that
could point at a respondent."""

from __future__ import annotations

import csv
from collections import Counter
from io import BytesIO, StringIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from arusha.core.spreadsheets import safe_cell
from arusha.core.suppression import suppress_counts, suppress_total
from arusha.surveys.models import GROUP_QUESTION, Campaign, Response
from arusha.surveys.results import CampaignResults

# Attributes a raw export never carries: office, size and gender narrow a group too far.
RAW_ATTRIBUTES = (GROUP_QUESTION,)


def _round(value: float | None, digits: int = 1) -> float | str:
    return "" if value is None else round(value, digits)


def aggregate_header() -> list[str]:
    return [
        _("Table"),
        _("Question code"),
        _("Question"),
        _("Breakdown"),
        _("Cell"),
        _("Responses"),
        _("Mean (0-100)"),
        _("95% CI low"),
        _("95% CI high"),
        _("Unfavourable share (%)"),
    ]


def aggregate_rows(outcome: CampaignResults) -> list[list[Any]]:
    """One row per figure; a suppressed figure is an empty cell."""
    if outcome.suppressed:
        return []
    rows: list[list[Any]] = []
    for group in outcome.groups:
        rows.append(["responses", "", "", "group", group.label, _count(group.responses)])
    for factor in outcome.factors:
        mean = factor.perception
        rows.append(
            [
                "key_factor",
                str(factor.key_factor),
                factor.label,
                "all",
                "",
                mean.n if mean else "",
                _round(mean.mean if mean else None),
                _round(mean.low if mean else None),
                _round(mean.high if mean else None),
                "",
            ]
        )
    for question in outcome.questions:
        for option in question.options:
            rows.append(
                [
                    "distribution",
                    question.code,
                    question.text,
                    "option",
                    option.label,
                    _count(option.count),
                ]
            )
        rows.append(
            _stat_row(question, "all", "", question.n, question.mean, question.unfavourable)
        )
        for breakdown, cells in (("group", question.by_group), ("office", question.by_office)):
            for item in cells:
                cell = item.cell
                rows.append(
                    _stat_row(question, breakdown, item.label, cell.n, cell.mean, cell.unfavourable)
                )
    return rows


def _count(value: int | None) -> int | str:
    return "" if value is None else value


def _stat_row(
    question: Any, breakdown: str, label: str, n: Any, mean: Any, share: Any
) -> list[Any]:
    return [
        "question",
        question.code,
        question.text,
        breakdown,
        label,
        _count(n),
        _round(mean.mean if mean else None),
        _round(mean.low if mean and mean.low is not None else None),
        _round(mean.high if mean and mean.high is not None else None),
        _round(100 * share.share if share else None),
    ]


def results_csv(outcome: CampaignResults) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(aggregate_header())
    for row in aggregate_rows(outcome):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def results_xlsx(outcome: CampaignResults) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    sheet.append(aggregate_header())
    for row in aggregate_rows(outcome):
        sheet.append([safe_cell(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def raw_responses_csv(campaign: Campaign) -> str:
    """Each response's answers, in random order, without date, channel, office, size or gender;
    the kind of business only where its group reaches the minimum (with the complementary
    group hidden too). Nothing at all below the minimum number of responses."""
    questionnaire = campaign.questionnaire_version.questionnaire()
    codes = [q.code for _s, q in questionnaire.iter_questions() if not q.attribute]
    responses = list(Response.objects.of(campaign).order_by("id"))  # random keys: random order
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([*codes, *RAW_ATTRIBUTES])
    if suppress_total(len(responses)) is None:
        return out.getvalue()
    groups = Counter(str(r.attributes.get(GROUP_QUESTION) or "") for r in responses)
    shown = suppress_counts(groups)
    for response in responses:
        group = str(response.attributes.get(GROUP_QUESTION) or "")
        row = [_cell(response.answers.get(code)) for code in codes]
        row.append(group if shown.get(group) is not None else "")
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)
