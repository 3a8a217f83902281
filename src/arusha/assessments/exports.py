"""The XLSX of an assessment's answers, written in the language asked for."""

from __future__ import annotations

from io import BytesIO

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from arusha.assessments.models import Assessment
from arusha.assessments.results import as_percent, display_answer, level_label
from arusha.core.key_factors import KeyFactor
from arusha.core.spreadsheets import safe_cell


def answers_xlsx(assessment: Assessment, language: str) -> bytes:
    with translation.override(language):
        return _workbook(assessment, language)


def _workbook(assessment: Assessment, language: str) -> bytes:
    questionnaire = assessment.questionnaire()
    scores = assessment.scores()
    answers = {a.question_code: a for a in assessment.answers.all()}
    book = Workbook()
    sheet = book.active
    sheet.title = _("Answers")[:31]
    headers = [
        _("Key factor"),
        _("Section"),
        _("Question code"),
        _("Question"),
        _("Answer"),
        _("Score (0-100)"),
        _("Evidence"),
        _("Notes"),
        _("Link"),
    ]
    sheet.append(headers)
    for section, question in questionnaire.iter_questions():
        answer = answers.get(question.code)
        row = [
            section.key_factor,
            section.title.get(language),
            question.code,
            question.text.get(language),
            display_answer(question, answer.value if answer else None, language),
            as_percent(scores.questions[question.code].score),
            answer.evidence if answer else "",
            answer.note if answer else "",
            answer.link if answer else "",
        ]
        sheet.append([safe_cell(v) for v in row])
    _format(sheet, [8, 28, 18, 60, 24, 12, 40, 40, 30])
    summary = book.create_sheet(_("Key factors")[:31])
    summary.append([_("Key factor"), _("Score (0-100)"), _("Maturity level")])
    for kf, group in scores.key_factors.items():
        summary.append(
            [
                f"{kf}. {KeyFactor(kf).label}",
                as_percent(assessment.key_factor_scores().get(kf)),
                level_label(questionnaire, group.level, language),
            ]
        )
    _format(summary, [45, 14, 20])
    meta = book.create_sheet(_("About")[:31])
    for label, value in [
        (_("Administration"), assessment.organisation.name),
        (_("Cycle"), assessment.cycle),
        (_("Status"), str(assessment.get_status_display())),
        (_("Questionnaire"), f"{questionnaire.title.get(language)} {questionnaire.version}"),
        (_("Content hash"), assessment.questionnaire_version.content_hash),
    ]:
        meta.append([label, safe_cell(value)])
    _format(meta, [20, 80])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _format(sheet: object, widths: list[int]) -> None:
    for cell in sheet[1]:  # type: ignore[index]
        cell.font = Font(bold=True)
    for index, width in enumerate(widths):
        letter = chr(ord("A") + index)
        sheet.column_dimensions[letter].width = width  # type: ignore[attr-defined]
    for row in sheet.iter_rows(min_row=2):  # type: ignore[attr-defined]
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"  # type: ignore[attr-defined]
