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
    """Headings in the active language. The question code stays, in a column of its own, for
    statistics software that joins the export to the questionnaire; every other cell is words."""
    return [
        _("Table"),
        _("Section"),
        _("Question"),
        _("Breakdown"),
        _("Cell"),
        _("Responses"),
        _("Mean (0-100)"),
        _("95% CI low"),
        _("95% CI high"),
        _("Unfavourable share (%)"),
        _("Question code"),
    ]


def aggregate_rows(outcome: CampaignResults) -> list[list[Any]]:
    """One row per figure; a suppressed figure is an empty cell."""
    if outcome.suppressed:
        return []
    rows: list[list[Any]] = []
    for group in outcome.groups:
        rows.append(
            [_("Responses by group"), "", "", _("Group"), group.label, _count(group.responses)]
            + [""] * 5
        )
    for factor in outcome.factors:
        mean = factor.perception
        rows.append(
            [
                _("Key factors"),
                f"{factor.key_factor}. {factor.label}",
                "",
                _("All respondents"),
                "",
                mean.n if mean else "",
                _round(mean.mean if mean else None),
                _round(mean.low if mean else None),
                _round(mean.high if mean else None),
                "",
                "",
            ]
        )
    for question in outcome.questions:
        for option in question.options:
            rows.append(
                [
                    _("Answer distribution"),
                    question.section,
                    question.text,
                    _("Answer"),
                    option.label,
                    _count(option.count),
                    "",
                    "",
                    "",
                    "",
                    question.code,
                ]
            )
        rows.append(
            _stat_row(
                question,
                _("All respondents"),
                "",
                question.n,
                question.mean,
                question.unfavourable,
            )
        )
        for breakdown, cells in (
            (_("Group"), question.by_group),
            (_("Office"), question.by_office),
        ):
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
        _("Question statistics"),
        question.section,
        question.text,
        breakdown,
        label,
        _count(n),
        _round(mean.mean if mean else None),
        _round(mean.low if mean and mean.low is not None else None),
        _round(mean.high if mean and mean.high is not None else None),
        _round(100 * share.share if share else None),
        question.code,
    ]


def results_csv(outcome: CampaignResults) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(aggregate_header())
    for row in aggregate_rows(outcome):
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def results_xlsx(outcome: CampaignResults) -> bytes:
    book = Workbook(write_only=True)  # rows are streamed, not kept as cell objects
    sheet = book.create_sheet(_("Results")[:31])
    sheet.append(aggregate_header())
    for row in aggregate_rows(outcome):
        sheet.append([safe_cell(v) for v in row])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def raw_responses_csv(campaign: Campaign, language: str, codes: bool = False) -> str:
    """Each response's answers, in random order, without date, channel, office, size or gender;
    the kind of business only where its group reaches the minimum (with the complementary
    group hidden too). Nothing at all below the minimum number of responses.

    By default headings are the questions and cells the answers, in `language`; with `codes`
    they are the question and option codes, for statistics software."""
    questionnaire = campaign.questionnaire_version.questionnaire()
    questions = [q for _s, q in questionnaire.iter_questions() if not q.attribute]
    questions += [questionnaire.question(code) for code in RAW_ATTRIBUTES]
    responses = list(Response.objects.of(campaign).order_by("id"))  # random keys: random order
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([q.code if codes else q.text.get(language) for q in questions])
    if suppress_total(len(responses)) is None:
        return out.getvalue()
    groups = Counter(str(r.attributes.get(GROUP_QUESTION) or "") for r in responses)
    shown = suppress_counts(groups)
    labels = [{o.code: o.label.get(language) for o in q.choices} for q in questions]
    for response in responses:
        group = str(response.attributes.get(GROUP_QUESTION) or "")
        values = [response.answers.get(q.code) for q in questions[: -len(RAW_ATTRIBUTES)]]
        values.append(group if shown.get(group) is not None else "")
        row = [
            _cell(value) if codes else _label(value, words)
            for value, words in zip(values, labels, strict=True)
        ]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return str(value)


def _label(value: Any, labels: dict[str, str]) -> str:
    """An answer in words: the option labels, or the value itself for a free answer."""
    if value is None or value == "":
        return ""
    chosen = value if isinstance(value, list) else [value]
    return "; ".join(labels.get(str(code), str(code)) for code in chosen)
