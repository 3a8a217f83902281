"""The printable report and the XLSX of the answers, in the language chosen."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from arusha.assessments.models import AnswerInput


def test_the_xlsx_is_written_in_the_chosen_language(
    client: Any, assessment: Any, alice: Any
) -> None:
    assessment.save_section(
        alice,
        "kf1",
        {
            "kf1.strategy": AnswerInput("established", note="=HYPERLINK(1)"),
            "kf1.unit": AnswerInput("yes", "Resolución 12"),
        },
    )
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(reverse("assessments:xlsx", args=[assessment.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    by_code = {row[2]: row for row in rows[1:]}
    strategy = by_code["kf1.strategy"]
    assert strategy[1] == "Liderazgo y compromiso"
    assert strategy[3].startswith("¿En qué medida")
    assert strategy[4] == "Consolidado"
    assert strategy[5] == 67
    assert strategy[7] == "'=HYPERLINK(1)"  # never a live formula
    assert by_code["kf1.unit"][6] == "Resolución 12"
    assert len(rows) == 1 + 42


def test_the_printable_report_speaks_the_chosen_language(
    client: Any, assessment: Any, alice: Any
) -> None:
    assessment.save_section(alice, "kf1", {"kf1.strategy": AnswerInput("established")})
    client.force_login(alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    page = client.get(reverse("assessments:report", args=[assessment.code])).text
    assert 'lang="fr"' in page
    assert "Leadership et engagement" in page
    assert "print.css" in page and "<svg" in page
    # A labelled 12-character fingerprint; the full hash is in the XLSX of the answers.
    assert assessment.questionnaire_version.content_hash[:12] in page
