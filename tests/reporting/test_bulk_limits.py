"""Bulk incident upload within limits: an oversized file, a zip bomb or a million-row sheet is
refused with a clear message before openpyxl parses it, and nothing is saved."""

from __future__ import annotations

import io
from typing import Any

import pytest

from arusha.core import spreadsheets
from arusha.reporting import bulk
from arusha.reporting.models import BulkUpload, CoarseRecord
from tests.conftest import verified_client
from tests.core import workbooks


@pytest.fixture
def focal(make_user: Any, association: Any) -> Any:
    return make_user("fernando", association, "private_focal_point")


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("openpyxl was asked to parse the workbook")

    monkeypatch.setattr(spreadsheets, "load_workbook", refuse)


def _file(content: bytes) -> io.BytesIO:
    buffer = io.BytesIO(content)
    buffer.name = "incidents.xlsx"
    return buffer


def _upload(client: Any, channel: Any, content: bytes) -> Any:
    return client.post("/reports/incidents/", {"channel": channel.pk, "workbook": _file(content)})


def test_a_file_over_the_upload_limit_is_refused_unopened(
    client: Any, channel: Any, focal: Any, settings: Any, no_parsing: None
) -> None:
    settings.INCIDENT_UPLOAD_MAX_BYTES = 2048
    verified_client(client, focal)
    response = _upload(client, channel, workbooks.plain() + b"\0" * 4096)
    assert response.status_code == 200
    assert "File: The file is larger than 2.0\xa0KB." in response.content.decode()
    assert not BulkUpload.objects.exists() and not CoarseRecord.objects.exists()


def test_the_upload_limit_has_a_sensible_default(settings: Any) -> None:
    assert settings.INCIDENT_UPLOAD_MAX_BYTES == 5 * 1024 * 1024


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (workbooks.shared_strings_bomb, "The workbook unpacks to more than 50.0\xa0MB."),
        (workbooks.sheet_padding_bomb, "The workbook is packed in an unusual way"),
        (workbooks.million_blank_rows, "A sheet of the workbook has more than 20,000 rows"),
    ],
)
def test_hostile_workbooks_are_refused_with_a_clear_message(
    client: Any, channel: Any, focal: Any, no_parsing: None, build: Any, expected: str
) -> None:
    verified_client(client, focal)
    response = _upload(client, channel, build())
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not BulkUpload.objects.exists()


def test_a_sheet_that_claims_a_million_rows_is_refused_in_spanish(channel: Any) -> None:
    from django.utils import translation

    with translation.override("es"), pytest.raises(bulk.ImportRejected) as rejected:
        bulk.read_rows(channel, _file(workbooks.claimed_rows()))
    [error] = rejected.value.errors
    assert error.row == 0 and "20\xa0000" in error.message  # Spanish digit grouping
