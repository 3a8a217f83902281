"""An exported action plan imports again: the full workbook or its Actions sheet alone, in any
language; rows update their action by code, new rows are added, nothing is duplicated, every
problem is listed at once and then nothing is written."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from arusha.core import spreadsheets
from arusha.core.audit import AuditEntry
from arusha.partnerships import imports
from arusha.partnerships.models import Action, ActionUpdate, Indicator
from tests.core import workbooks


def _export(client: Any, plan: Any, language: str = "en") -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("partnerships:agreement_export", args=[plan.agreement.code, "xlsx"])
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def _upload(client: Any, plan: Any, content: bytes, language: str = "en") -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(
        reverse("partnerships:plan_import", args=[plan.code]),
        {"file": SimpleUploadedFile("plan.xlsx", content)},
        follow=True,
    )


def _save(book: Any) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _only_sheet(content: bytes, index: int = 2) -> bytes:
    """The export's Actions sheet, copied alone into a new workbook."""
    source = load_workbook(io.BytesIO(content)).worksheets[index]
    single = Workbook()
    for row in source.iter_rows(values_only=True):
        single.active.append(list(row))
    return _save(single)


def _edit(content: bytes, edits: dict[tuple[int, str], Any], *rows: list[Any]) -> bytes:
    """The export with cells of the Actions sheet changed (by row and heading) and rows added."""
    book = load_workbook(io.BytesIO(content))
    sheet = book.worksheets[2]
    headings = [c.value for c in sheet[1]]
    for (row, name), value in edits.items():
        sheet.cell(row, headings.index(name) + 1, value)
    for row in rows:
        sheet.append([row.get(h) for h in headings])  # type: ignore[attr-defined]
    return _save(book)


@pytest.fixture
def measured_action(owned_action: Any) -> Any:
    Indicator.objects.create(
        action=owned_action, name="Brokers trained", unit="people", baseline=0, target=200
    )
    return owned_action


def _actions(plan: Any) -> list[tuple[Any, ...]]:
    return list(plan.actions.order_by("number").values_list("number", "title", "status"))


def test_the_full_export_imports_again_without_any_change(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any, make_action: Any
) -> None:
    make_action(ecuador_plan, '=HYPERLINK("http://evil.example","click")', due_date=None)
    client.force_login(alice)
    before = _actions(ecuador_plan)
    response = _upload(client, ecuador_plan, _export(client, ecuador_plan))
    assert response.redirect_chain[-1][1] == 302
    assert "0 actions were added, 0 updated and 2 unchanged." in response.text
    assert _actions(ecuador_plan) == before
    assert not ActionUpdate.objects.exists()
    entry = AuditEntry.objects.get(action="partnerships.plan_imported")
    assert (entry.details["actions"], entry.details["updated"]) == ([], [])


def test_the_actions_sheet_alone_imports_again_without_duplicating(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    client.force_login(alice)
    content = _only_sheet(_export(client, ecuador_plan))
    for _attempt in range(2):
        assert "1 unchanged" in _upload(client, ecuador_plan, content).text
    assert Action.objects.count() == 1 and Indicator.objects.count() == 1


def test_a_spanish_export_has_spanish_headings_and_imports_in_english(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    client.force_login(alice)
    content = _export(client, ecuador_plan, "es")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Acuerdos", "Compromisos", "Acciones"]
    headings = [c.value for c in book["Acciones"][1]]
    assert {"Título", "Estado", "Indicador", "Código"} <= set(headings)
    assert "Title" not in headings
    status = book["Acciones"].cell(2, headings.index("Estado") + 1).value
    assert status == "Planificada"
    edited = _edit(content, {(2, "Estado"): "En curso"})
    response = _upload(client, ecuador_plan, edited, "en")
    assert "1 updated" in response.text
    measured_action.refresh_from_db()
    assert measured_action.status == "in_progress"


def test_an_edited_export_updates_by_code_adds_new_rows_and_is_audited(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    client.force_login(alice)
    edited = _edit(
        _export(client, ecuador_plan),
        {
            (2, "Title"): "Train all brokers",
            (2, "Status"): "done",
            (2, "Measured"): 150,
            (2, "Commitments"): "1, 2",
        },
        {"Title": "Publish waiting times", "Customs owner": "Operations", "Status": "Planned"},
    )
    response = _upload(client, ecuador_plan, edited)
    assert "1 action was added, 1 updated and 0 unchanged." in response.text
    assert _actions(ecuador_plan) == [
        (1, "Train all brokers", "done"),
        (2, "Publish waiting times", "planned"),
    ]
    measured_action.refresh_from_db()
    assert measured_action.progress == 100
    assert sorted(c.number for c in measured_action.commitments.all()) == [1, 2]
    indicator = measured_action.indicators.get()
    assert (indicator.measured, indicator.target, indicator.measured_on is not None) == (
        Decimal("150"),
        Decimal("200"),
        True,
    )
    update = ActionUpdate.objects.get()
    assert (update.from_status, update.to_status, update.author) == ("planned", "done", alice)
    assert update.note == "Changed by importing a workbook."
    changed = AuditEntry.objects.get(action="partnerships.action_changed")
    assert changed.object_id == str(measured_action.code)
    assert changed.details["fields"] == ["title", "commitments", "status", "indicator"]
    assert AuditEntry.objects.filter(action="partnerships.action_status_changed").count() == 1
    imported = AuditEntry.objects.get(action="partnerships.plan_imported")
    assert imported.details["updated"] == [str(measured_action.code)]
    assert len(imported.details["actions"]) == 1


def test_every_problem_of_an_edited_export_is_listed_and_nothing_is_written(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    client.force_login(alice)
    code = str(measured_action.code)
    edited = _edit(
        _export(client, ecuador_plan),
        {(2, "Title"): "Renamed", (2, "Start"): "soon"},
        {"Title": "Train brokers", "Customs owner": "Ops"},  # already in the plan, without code
        {"Title": "Twin", "Customs owner": "Ops", "Indicator": "Brokers trained", "Code": code},
        {"Title": "Lost", "Customs owner": "Ops", "Code": "3f1c0000-0000-4000-8000-000000000000"},
        {"Title": "Typo", "Customs owner": "Ops", "Code": "not-a-code"},
        {"Title": "Huge", "Customs owner": "Ops", "Indicator": "x", "Target": 10**13},
    )
    with translation.override("es"):
        response = _upload(client, ecuador_plan, edited, "es")
    assert response.status_code == 400
    errors = response.context["errors"]
    with translation.override("es"):
        texts = [str(e) for e in errors]
    assert [(e.row, e.column) for e in errors] == [
        (2, "Inicio"),
        (3, "Título"),
        (4, "Código"),
        (5, "Código"),
        (6, "Código"),
        (7, "Meta"),
    ]
    assert texts[0] == "Fila 2, Inicio: no es una fecha (use AAAA-MM-DD)"
    measured_action.refresh_from_db()
    assert measured_action.title == "Train brokers"
    assert Action.objects.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="partnerships.").exists()


def test_rows_of_another_administrations_plan_are_left_alone(
    alice: Any, ecuador_plan: Any, peru_plan: Any, make_action: Any
) -> None:
    peruvian = make_action(peru_plan, "Peruvian action")
    book = Workbook()
    book.active.append(["Title", "Customs owner", "Code"])
    book.active.append(["Hijacked", "Ops", str(peruvian.code)])
    book.active.append(["Our new action", "Ops", None])
    result = imports.import_action_plan(ecuador_plan, io.BytesIO(_save(book)), alice)
    assert (len(result.created), result.skipped) == (1, 1)
    assert "1 row of another administration's plan was left alone." in result.message
    peruvian.refresh_from_db()
    assert (peruvian.title, peruvian.plan) == ("Peruvian action", peru_plan)


def test_an_action_with_several_indicators_round_trips_but_they_change_only_on_its_page(
    client: Any, alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    Indicator.objects.create(action=measured_action, name="Complaints", target=10)
    client.force_login(alice)
    content = _export(client, ecuador_plan)
    assert "1 unchanged" in _upload(client, ecuador_plan, content).text
    response = _upload(client, ecuador_plan, _edit(content, {(2, "Target"): 5}))
    assert response.status_code == 400
    assert "Row 2, Indicator: this action has several indicators" in response.text
    assert Indicator.objects.filter(target=5).count() == 0


def test_a_workbook_that_is_too_big_is_refused_before_parsing(
    client: Any, alice: Any, ecuador_plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)
    client.force_login(alice)
    response = _upload(client, ecuador_plan, workbooks.shared_strings_bomb(64))
    assert response.status_code == 400
    assert "File: The workbook unpacks to more than 50.0\xa0MB." in response.text
    response = _upload(client, ecuador_plan, workbooks.million_blank_rows())
    assert "File: A sheet of the workbook has more than 20,000 rows" in response.text
    assert not Action.objects.exists()


def test_a_workbook_without_an_actions_sheet_names_the_columns_it_needs(
    alice: Any, ecuador_plan: Any
) -> None:
    book = Workbook()
    book.active.append(["Code", "Title", "Status"])  # the Agreements sheet alone
    book.create_sheet("Notes").append(["Anything"])
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_action_plan(ecuador_plan, io.BytesIO(_save(book)), alice)
    assert [str(e) for e in rejected.value.errors] == [
        "File: No sheet of the workbook has the columns “Title”, “Customs owner” in its first row."
    ]


def test_an_update_leaves_the_fields_of_missing_columns_as_they_are(
    alice: Any, ecuador_plan: Any, measured_action: Any
) -> None:
    measured_action.status, measured_action.progress = "in_progress", 40
    measured_action.save()
    book = Workbook()
    book.active.append(["Code", "Título", "Customs owner"])
    book.active.append([str(measured_action.code), "Train brokers in Guayaquil", "Integrity unit"])
    result = imports.import_action_plan(ecuador_plan, io.BytesIO(_save(book)), alice)
    assert (len(result.created), len(result.updated)) == (0, 1)
    measured_action.refresh_from_db()
    assert (measured_action.title, measured_action.status, measured_action.progress) == (
        "Train brokers in Guayaquil",
        "in_progress",
        40,
    )
    assert measured_action.private_owner is not None
    assert [c.number for c in measured_action.commitments.all()] == [1]
    assert measured_action.indicators.get().target == 200


def test_the_import_form_applies_the_workbook_size_setting_and_no_other(
    client: Any, alice: Any, ecuador_plan: Any, settings: Any
) -> None:
    client.force_login(alice)
    settings.SPREADSHEET_MAX_BYTES = 2048
    response = _upload(client, ecuador_plan, b"PK" + b"0" * 4096)
    assert response.status_code == 400
    assert "The file is larger than 2.0\xa0KB." in response.text
    settings.SPREADSHEET_MAX_BYTES = 32 * 1024 * 1024
    response = _upload(client, ecuador_plan, b"PK" + b"0" * (21 * 1024 * 1024))
    assert response.status_code == 400
    assert "larger than" not in response.text
    assert "This is not an XLSX workbook." in response.text
    assert not Action.objects.exists()
