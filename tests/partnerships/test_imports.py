"""Importing an action plan from XLSX: all rows or none, with a clear list of every problem."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from arusha.core.audit import AuditEntry
from arusha.partnerships import imports
from arusha.partnerships.models import Action

HEADER = [
    "Title",
    "Commitments",
    "Customs owner",
    "Private-sector owner",
    "Start",
    "Due",
    "Status",
    "Progress %",
    "Indicator",
    "Unit",
    "Baseline",
    "Target",
    "Measured",
]


def workbook(*rows: list[Any], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    [
        "Publish release times",
        "1, 2",
        "Operations",
        "Cámara de Comercio Exterior",
        datetime(2024, 1, 1),
        datetime(2024, 12, 31),
        "In progress",
        40,
        "Procedures published",
        "%",
        20,
        100,
        55,
    ],
    [
        "Name integrity champions",
        1,
        "Integrity unit",
        None,
        "2023-01-01",
        "2023-06-30",
        "done",
        None,
        None,
        None,
        None,
        None,
        None,
    ],
]


def upload(client: Any, plan: Any, content: bytes, name: str = "plan.xlsx") -> Any:
    return client.post(
        reverse("partnerships:plan_import", args=[plan.code]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_a_valid_workbook_adds_every_action(
    client: Any, alice: Any, ecuador_plan: Any, association: Any
) -> None:
    client.force_login(alice)
    response = upload(client, ecuador_plan, workbook(*GOOD))
    assert response.status_code == 302
    first, second = ecuador_plan.actions.order_by("number")
    assert (first.number, first.status, first.progress, first.private_owner) == (
        1,
        "in_progress",
        40,
        association,
    )
    assert sorted(c.number for c in first.commitments.all()) == [1, 2]
    indicator = first.indicators.get()
    assert (indicator.baseline, indicator.target, indicator.measured) == (20, 100, 55)
    assert (second.status, second.progress, second.due_date.isoformat()) == (
        "done",
        100,
        "2023-06-30",
    )
    entry = AuditEntry.objects.get(action="partnerships.plan_imported")
    assert entry.details["actions"] == [str(first.code), str(second.code)]


def test_a_bad_row_stops_the_whole_import_and_every_problem_is_listed(
    client: Any, alice: Any, ecuador_plan: Any
) -> None:
    rows = [
        GOOD[0],
        [
            "",
            "9",
            "Operations",
            "Nobody Inc",
            "soon",
            "2024-01-01",
            "finished",
            140,
            None,
            None,
            "many",
            None,
            None,
        ],
        GOOD[1],
        [
            "Due before start",
            None,
            "Integrity unit",
            None,
            "2024-06-01",
            "2024-01-01",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        ],
    ]
    client.force_login(alice)
    response = upload(client, ecuador_plan, workbook(*rows))
    assert response.status_code == 400
    assert not Action.objects.exists()
    page = response.text
    assert "Nothing was imported" in page
    for expected in [
        "Row 3, Title: required",
        "Row 3, Start: not a date (use YYYY-MM-DD)",
        "Row 3, Status: unknown status",
        "Row 3, Progress %: must be between 0 and 100",
        "Row 3, Baseline: not a number",
        "Row 5, Due: the due date is before the start date",
    ]:
        assert expected in page, expected


def test_unknown_commitments_and_owners_are_row_errors(ecuador_plan: Any, alice: Any) -> None:
    content = workbook(
        ["Act", "9", "Ops", "Nobody Inc", None, None, None, None, None, None, None, None, None]
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_action_plan(ecuador_plan, io.BytesIO(content), alice)
    messages = [str(e) for e in rejected.value.errors]
    assert messages == [
        "Row 2, Commitments: the agreement has no commitment 9",
        "Row 2, Private-sector owner: no private-sector organisation is called “Nobody Inc”",
    ]


def test_a_file_that_is_not_a_workbook_is_refused(
    client: Any, alice: Any, ecuador_plan: Any
) -> None:
    client.force_login(alice)
    response = upload(client, ecuador_plan, b"Title,Customs owner\nx,y\n")
    assert response.status_code == 400
    assert "This is not an XLSX workbook." in response.text
    assert not Action.objects.exists()


def test_missing_columns_and_empty_sheets_are_refused(ecuador_plan: Any, alice: Any) -> None:
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_action_plan(
            ecuador_plan, io.BytesIO(workbook(["x"], header=["Title"])), alice
        )
    assert [str(e) for e in rejected.value.errors] == [
        "Row 1, Customs owner: this column is missing from the first row"
    ]
    with pytest.raises(imports.ImportRejected):
        imports.import_action_plan(ecuador_plan, io.BytesIO(workbook()), alice)
    assert not Action.objects.exists()


def test_a_failure_while_saving_leaves_nothing_behind(
    ecuador_plan: Any, alice: Any, monkeypatch: Any
) -> None:
    calls = {"n": 0}
    original = Action.objects.create

    def failing_create(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(**kwargs)

    monkeypatch.setattr(Action.objects, "create", failing_create)
    with pytest.raises(RuntimeError):
        imports.import_action_plan(ecuador_plan, io.BytesIO(workbook(*GOOD)), alice)
    assert not Action.objects.exists()


def test_only_the_plans_administration_imports(
    client: Any, charlie: Any, bob: Any, ecuador_plan: Any
) -> None:
    for user in (charlie, bob):
        client.force_login(user)
        assert upload(client, ecuador_plan, workbook(*GOOD)).status_code == 404
    assert not Action.objects.exists()


def test_too_many_rows_are_refused(ecuador_plan: Any, alice: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    rows = [GOOD[1]] * 3
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_action_plan(ecuador_plan, io.BytesIO(workbook(*rows)), alice)
    assert [str(e) for e in rejected.value.errors] == ["File: Import at most 2 rows at a time."]
    assert not Action.objects.exists()
