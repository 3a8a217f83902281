"""Exports in the reader's language: headings and cells in words, the question code kept in a
column labelled as such, and raw responses in words unless codes are asked for."""

from __future__ import annotations

import csv
from io import BytesIO, StringIO
from typing import Any

from django.utils import translation
from openpyxl import load_workbook

from arusha.surveys import exports, results
from tests.surveys.conftest import add_responses

ENGLISH_CELLS = {"responses", "group", "key_factor", "distribution", "question", "option", "all"}


def test_the_results_export_speaks_spanish_with_a_labelled_code_column(campaign: Any) -> None:
    add_responses(campaign, 12, agreement="agree")
    with translation.override("es"):
        outcome = results.campaign_results(campaign, "es")
        header, *rows = list(csv.reader(StringIO(exports.results_csv(outcome))))
    assert header[0] == "Tabla" and header[-1] == "Código de la pregunta"
    assert not ENGLISH_CELLS & {cell for row in rows for cell in row[:5]}
    tables = {row[0] for row in rows}
    assert "Respuestas por grupo" in tables
    question = next(row for row in rows if row[-1] == "kf1.message")
    assert question[2] == campaign.questionnaire_version.questionnaire().question(
        "kf1.message"
    ).text.get("es")


def test_the_xlsx_export_has_the_same_spanish_headings(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12)
    client.force_login(alice)
    response = client.get(f"/surveys/{campaign.code}/results.xlsx", HTTP_ACCEPT_LANGUAGE="es")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.title == "Resultados"
    assert sheet.cell(1, 1).value == "Tabla"
    assert sheet.cell(2, 1).value == "Respuestas por grupo"


def test_raw_responses_are_in_words_unless_codes_are_asked_for(
    client: Any, alice: Any, campaign: Any
) -> None:
    add_responses(campaign, 12, agreement="strongly_agree", group="importer")
    client.force_login(alice)
    url = f"/surveys/{campaign.code}/responses.csv"
    words = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    header, first, *_rest = list(csv.reader(StringIO(words)))
    questionnaire = campaign.questionnaire_version.questionnaire()
    assert header[0] == questionnaire.question("kf1.message").text.get("fr")
    assert "kf1.message" not in words and "strongly_agree" not in words
    assert first[0] == "Tout à fait d'accord"
    codes = client.get(f"{url}?codes=1").content.decode()
    header, first, *_rest = list(csv.reader(StringIO(codes)))
    assert header[0] == "kf1.message" and first[0] == "strongly_agree"
    assert first[-1] == "importer"
