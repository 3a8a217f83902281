"""Bulk upload of non-attributable incidents: a template in four languages, every row checked,
all rows or none."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from arusha.core.audit import AuditEntry
from arusha.reporting import bulk
from arusha.reporting.models import BulkUpload, CoarseRecord
from tests.conftest import verified_client

GOOD = ["GYE", "2026-03", "physical", "cash", "customs", "50-500", "delay", "no"]


@pytest.fixture
def focal(make_user: Any, association: Any) -> Any:
    return make_user("fernando", association, "private_focal_point")


def _workbook(*rows: list[Any], header: list[str] | None = None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header or [key for key, *_rest in bulk.COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "incidents.xlsx"
    return buffer


def _upload(client: Any, channel: Any, workbook: io.BytesIO) -> Any:
    return client.post("/reports/incidents/", {"channel": channel.pk, "workbook": workbook})


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt"])
def test_the_template_comes_in_each_language(client, channel, focal, language):
    verified_client(client, focal)
    response = client.get(f"/reports/incidents/template/senae/{language}.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    headings = [c.value for c in book.worksheets[0][1]]
    assert len(headings) == len(bulk.COLUMNS)
    codes = [row[1] for row in book.worksheets[1].iter_rows(values_only=True)]
    assert "GYE" in codes and "physical" in codes


def test_a_good_workbook_is_imported_as_unlinked_coarse_records(
    client, channel, focal, association
):
    verified_client(client, focal)
    response = _upload(
        client,
        channel,
        _workbook(GOOD, ["UIO", "2026-04", "release", "goods", "agency", "", "", ""]),
    )
    assert response.status_code == 302
    batch = BulkUpload.objects.get()
    assert (batch.association, batch.row_count, batch.uploaded_by) == (association, 2, focal)
    records = CoarseRecord.objects.order_by("month")
    assert [(r.office.code, r.stage, r.source) for r in records] == [
        ("GYE", "physical", "bulk"),
        ("UIO", "release", "bulk"),
    ]
    assert all(r.batch == batch for r in records)
    assert AuditEntry.objects.filter(action="reporting.incidents_uploaded").exists()


def test_the_template_filled_in_spanish_with_labels_is_accepted(client, channel, focal):
    verified_client(client, focal)
    template = load_workbook(
        io.BytesIO(client.get("/reports/incidents/template/senae/es.xlsx").content)
    )
    sheet = template.worksheets[0]
    sheet.append(["gye", "2026-05", "Physical inspection", "CASH", "customs", None, None, "yes"])
    buffer = io.BytesIO()
    template.save(buffer)
    buffer.seek(0)
    buffer.name = "es.xlsx"
    assert _upload(client, channel, buffer).status_code == 302
    record = CoarseRecord.objects.get()
    assert (record.office.code, record.stage, record.demand, record.paid) == (
        "GYE",
        "physical",
        "cash",
        "yes",
    )


def test_a_bad_row_lists_every_problem_and_imports_nothing(client, channel, focal):
    verified_client(client, focal)
    bad = ["XXX", "2099-01", "bribery", "cash", "", "", "", ""]
    response = _upload(client, channel, _workbook(GOOD, bad, GOOD))
    page = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in page
    for text in (
        "Row 3",
        "XXX is not an office code",
        "2099-01 is not a past month",
        "bribery is not one of the allowed codes",
        "a value is required",
    ):
        assert text in page, text
    assert CoarseRecord.objects.count() == 0 and BulkUpload.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(client, channel, focal):
    verified_client(client, focal)
    junk = io.BytesIO(b"office,month\nGYE,2026-01\n")
    junk.name = "incidents.csv"
    assert "not an .xlsx workbook" in _upload(client, channel, junk).content.decode()


def test_missing_columns_are_named(channel):
    with pytest.raises(bulk.ImportRejected) as rejected:
        bulk.read_rows(channel, _workbook(["GYE"], header=["office"]))
    assert "columns missing" in str(rejected.value.errors[0])


def test_only_an_associations_focal_point_may_upload(client, channel, alice, charlie):
    for user in (alice, charlie):
        verified_client(client, user)
        assert client.get("/reports/incidents/").status_code == 404
        assert client.get("/reports/incidents/template/senae/en.xlsx").status_code == 404
