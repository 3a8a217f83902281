"""The REST API of integrity analytics: the pages' access rules, ranked leads and indicators in the
reader's language, an audited drill-down, and uploads that answer 201 or a 422 naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from arusha.core.audit import AuditEntry
from arusha.core.models import ApiToken
from arusha.integrity import wording
from arusha.integrity.models import AnalysisRun
from tests.analytics.tables import declarations
from tests.analytics.test_workbook import two_sheets, workbook_rows
from tests.integrity.test_upload import MALFORMED
from tests.plain import assert_plain


class Api:
    """A client that calls the API with a user's personal token."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        self.auth = {"Authorization": f"Bearer {ApiToken.issue(user, 'script')[1]}"}

    def get(self, url: str, language: str = "en", **params: Any) -> Any:
        headers = {**self.auth, "Accept-Language": language}
        return self.client.get("/api/integrity" + url, params, headers=headers)

    def upload(self, name: str, content: bytes, language: str = "en", **fields: Any) -> Any:
        data = {"file": SimpleUploadedFile(name, content), **fields}
        headers = {**self.auth, "Accept-Language": language}
        return self.client.post("/api/integrity/runs", data, headers=headers)


def _paths(run: Any) -> list[str]:
    officer = run.entities.filter(entity_kind="officer").order_by("rank").first()
    code = run.code
    return [
        f"/runs/{code}",
        f"/runs/{code}/entities",
        f"/runs/{code}/entity?kind=officer&id={officer.entity_id}",
        f"/runs/{code}/indicators",
        f"/runs/{code}/pair-cells",
    ]


@pytest.mark.parametrize("persona", ["bob", "charlie", "coordinator", "admin_user"])
def test_anyone_but_the_administrations_integrity_officers_gets_404(
    client: Any, run: Any, persona: str, request: Any
) -> None:
    api = Api(client, request.getfixturevalue(persona))
    for path in _paths(run):
        response = api.get(path)
        assert response.status_code == 404, path
        assert run.source_name not in response.content.decode()
    assert api.get("/runs").json() == {"items": [], "count": 0}
    assert not AuditEntry.objects.filter(action="integrity.entity_viewed").exists()


def test_without_a_token_the_api_answers_401(client: Any, run: Any) -> None:
    assert client.get(f"/api/integrity/runs/{run.code}").status_code == 401
    assert client.get("/api/integrity/runs").status_code == 401


def test_the_owner_lists_runs_and_reads_a_runs_summary(client: Any, run: Any, alice: Any) -> None:
    api = Api(client, alice)
    runs = api.get("/runs").json()
    assert runs["count"] == 1
    listed = runs["items"][0]
    assert listed["code"] == str(run.code)
    assert listed["administration"] == run.organisation.label
    assert listed["uploaded_by"] == "alice"
    assert listed["status"] == "done"
    detail = api.get(f"/runs/{run.code}", language="es").json()
    assert detail["rows"] == 3000
    assert detail["problems"] == []
    assert detail["summary"]["declarations"] == run.summary["declarations"]
    assert detail["read_as"]["delimiter"] == ","
    with translation.override("es"):
        assert detail["notice"] == str(wording.NOTICE)
    with translation.override("en"):
        assert detail["notice"] != str(wording.NOTICE)
    assert api.get("/runs", status="failed_validation").json()["count"] == 0


def test_entities_come_ranked_and_filtered_as_on_the_page(
    client: Any, run: Any, alice: Any
) -> None:
    api = Api(client, alice)
    body = api.get(f"/runs/{run.code}/entities", kind="declarant", limit=5).json()
    expected = run.entities.filter(entity_kind="declarant").order_by("rank")
    assert body["count"] == expected.count()
    assert [e["entity_id"] for e in body["items"]] == [s.entity_id for s in expected[:5]]
    assert [e["rank"] for e in body["items"]] == sorted(e["rank"] for e in body["items"])
    flagged = api.get(f"/runs/{run.code}/entities", kind="pair", flagged="true").json()
    assert flagged["count"] == run.entities.filter(entity_kind="pair", flags__gt=0).count()
    assert all(e["flags"] > 0 for e in flagged["items"])
    office = expected.first().office_id or run.entities.exclude(office_id="").first().office_id
    officers = api.get(f"/runs/{run.code}/entities", office=office).json()["items"]
    assert officers and {e["office_id"] for e in officers} == {office}


def test_an_unknown_kind_is_a_422_that_names_the_kinds(client: Any, run: Any, alice: Any) -> None:
    response = Api(client, alice).get(f"/runs/{run.code}/entities", kind="broker")
    assert response.status_code == 422
    assert "broker" in response.json()["detail"]
    assert "declarant" in response.json()["detail"]


def test_an_entitys_indicators_are_audited_and_in_the_readers_language(
    client: Any, run: Any, alice: Any
) -> None:
    score = run.entities.filter(entity_kind="pair").order_by("rank").first()
    response = Api(client, alice).get(
        f"/runs/{run.code}/entity", language="es", kind="pair", id=score.entity_id
    )
    assert response.status_code == 200
    body = response.json()
    stored = run.indicators.filter(entity_kind="pair", entity_id=score.entity_id)
    names = set(stored.values_list("indicator", flat=True))
    assert {i["indicator"] for i in body["indicators"]} == names
    assert body["rank"] == score.rank
    first = stored.get(indicator=body["indicators"][0]["indicator"])
    with translation.override("es"):
        assert body["indicators"][0]["explanation"] == wording.explanation(first.wording)
        assert body["indicators"][0]["title"] == wording.indicator_title(first.indicator)
        assert body["top_reason"] == wording.explanation(score.top_wording)
    assert body["indicators"][0]["explanation"] != first.explanation  # not the library's English
    entry = AuditEntry.objects.get(action="integrity.entity_viewed")
    assert entry.actor == alice
    assert entry.details == {
        "entity_kind": "pair",
        "entity_id": score.entity_id,
        "office_id": score.office_id,
        "via": "api",
    }


def test_an_entity_not_in_the_run_is_a_404_and_not_audited(
    client: Any, run: Any, alice: Any
) -> None:
    response = Api(client, alice).get(f"/runs/{run.code}/entity", kind="officer", id="NOBODY")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="integrity.entity_viewed").exists()


def test_a_run_without_results_answers_409_saying_why_never_an_empty_list(
    client: Any, run: Any, alice: Any
) -> None:
    """A script polling a run being analysed read an empty list of leads as a run that found
    nothing; a failed run's lists were empty as well."""
    api = Api(client, alice)
    paths = _paths(run)[1:]
    for path in paths:
        assert api.get(path).status_code == 200, path
    review = {"entity_kind": "officer", "entity_id": "x", "decision": "explained", "note": "n"}
    for status, wanted in (
        (AnalysisRun.Status.QUEUED, wording.NOT_YET),
        (AnalysisRun.Status.RUNNING, wording.NOT_YET),
        (AnalysisRun.Status.FAILED_VALIDATION, wording.NO_RESULTS),
        (AnalysisRun.Status.FAILED, wording.NO_RESULTS),
    ):
        AnalysisRun.objects.filter(pk=run.pk).update(status=status)
        for path in paths:
            response = api.get(path)
            assert response.status_code == 409, (status, path)
            assert response.json()["detail"] == str(wanted)
        posted = client.post(
            f"/api/integrity/runs/{run.code}/reviews",
            review,
            content_type="application/json",
            headers=api.auth,
        )
        assert posted.status_code == 409
    with translation.override("es"):
        spanish = str(wording.NOT_YET)
    with translation.override("en"):
        assert spanish != str(wording.NOT_YET)
    AnalysisRun.objects.filter(pk=run.pk).update(status=AnalysisRun.Status.RUNNING)
    assert api.get(paths[0], language="es").json()["detail"] == spanish


def test_indicators_and_pair_cells_page_and_filter(client: Any, run: Any, alice: Any) -> None:
    api = Api(client, alice)
    flagged = api.get(f"/runs/{run.code}/indicators", flagged="true", limit=500).json()
    assert flagged["count"] == run.indicators.filter(flagged=True).count() > 0
    q_values = [i["q_value"] for i in flagged["items"]]
    assert q_values == sorted(q_values)
    officer = run.pair_cells.order_by("pk").first().officer_id
    cells = api.get(f"/runs/{run.code}/pair-cells", officer=officer, limit=500).json()
    assert cells["count"] == run.pair_cells.filter(officer_id=officer).count() > 0
    assert {c["officer_id"] for c in cells["items"]} == {officer}
    cell = run.pair_cells.filter(officer_id=officer).get(
        declarant_id=cells["items"][0]["declarant_id"], period=cells["items"][0]["period"]
    )
    assert cells["items"][0]["n"] == cell.n
    assert cells["items"][0]["expected"] == pytest.approx(cell.expected)
    too_many = api.get(f"/runs/{run.code}/indicators", limit=100_000)
    assert too_many.status_code == 422


def test_an_upload_is_analysed_stored_and_audited(
    client: Any, alice: Any, ecuador: Any, declarations_csv: Path
) -> None:
    response = Api(client, alice).upload("declarations.csv", declarations_csv.read_bytes())
    assert response.status_code == 201, response.content
    run = AnalysisRun.objects.get()
    body = response.json()
    assert body["code"] == str(run.code)
    assert body["status"] == "done"
    assert body["rows"] == 3000
    assert run.organisation == ecuador  # her only administration: no need to name it
    assert run.entities.exists()
    entry = AuditEntry.objects.get(action="integrity.run_created")
    assert entry.actor == alice
    assert entry.details == {"via": "api"}


def test_a_file_that_fails_validation_makes_a_run_with_its_problems_worded(
    client: Any, alice: Any, ecuador: Any
) -> None:
    response = Api(client, alice).upload(
        "bad.csv", MALFORMED, language="es", organisation=str(ecuador.code)
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "failed_validation"
    by_column = {p["column"]: p for p in body["problems"]}
    assert by_column["lodged_at"]["kind"] == "unparsable"
    assert by_column["lodged_at"]["rows"] == [2]
    with translation.override("es"):
        assert by_column["lodged_at"]["label"] == wording.problem_kind("unparsable")
    with translation.override("en"):
        assert by_column["lodged_at"]["label"] != wording.problem_kind("unparsable")
    assert "lodged_at" in by_column["lodged_at"]["detail"]
    assert not AnalysisRun.objects.get().entities.exists()


def test_a_file_read_with_the_wrong_delimiter_is_a_422_on_the_delimiter(
    client: Any, alice: Any, declarations_csv: Path
) -> None:
    response = Api(client, alice).upload(
        "declarations.csv", declarations_csv.read_bytes(), delimiter=";"
    )
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["body", "delimiter"]
    assert "," in problem["msg"] or "comma" in problem["msg"].lower()
    assert "duckdb" not in response.content.decode().lower()
    assert not AnalysisRun.objects.exists()


def test_a_file_of_another_kind_is_a_422_on_the_file(client: Any, alice: Any) -> None:
    response = Api(client, alice).upload("declarations.ods", b"PK\x03\x04")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert ".csv, .csv.gz, .xlsx or .parquet" in response.json()["detail"][0]["msg"]
    assert not AnalysisRun.objects.exists()


def test_a_file_named_xlsx_that_is_no_workbook_is_a_422_in_words(client: Any, alice: Any) -> None:
    response = Api(client, alice).upload("declarations.xlsx", b"declaration_id\nD1\n")
    assert response.status_code == 422
    assert "This is not an Excel workbook" in str(response.json()["detail"])
    assert_plain(str(response.json()))
    assert not AnalysisRun.objects.exists()


def test_an_administration_that_is_not_hers_is_a_422_on_the_organisation(
    client: Any, alice: Any, peru: Any, declarations_csv: Path
) -> None:
    response = Api(client, alice).upload(
        "declarations.csv", declarations_csv.read_bytes(), organisation=str(peru.code)
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "organisation"]
    assert not AnalysisRun.objects.exists()


def test_only_integrity_officers_may_upload(client: Any, bob: Any, declarations_csv: Path) -> None:
    response = Api(client, bob).upload("declarations.csv", declarations_csv.read_bytes())
    assert response.status_code == 403
    assert not AnalysisRun.objects.exists()


def test_a_user_may_send_30_files_an_hour(client: Any, alice: Any, charlie: Any) -> None:
    api = Api(client, alice)
    for _ in range(30):
        assert api.upload("declarations.xlsx", b"PK").status_code == 422
    refused = api.upload("declarations.xlsx", b"PK")
    assert refused.status_code == 429
    assert api.get("/runs").status_code == 200  # reading is not limited by it
    assert Api(client, charlie).upload("declarations.xlsx", b"PK").status_code == 422


def test_a_workbooks_sheet_is_chosen_by_name_and_a_wrong_name_is_a_422_on_it(
    client: Any, alice: Any, tmp_path: Path
) -> None:
    rows = workbook_rows(declarations([{}, {}]))
    content = two_sheets(tmp_path / "export.xlsx", rows).read_bytes()
    api = Api(client, alice)
    wrong = api.upload("export.xlsx", content, sheet="Hoja1")
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "sheet"]
    assert "Its sheets: Resumen, Datos." in wrong.json()["detail"][0]["msg"]
    summary = api.upload("export.xlsx", content, sheet="Resumen")
    assert summary.status_code == 201 and summary.json()["status"] == "failed_validation"
    data = api.upload("export.xlsx", content, sheet="Datos")
    assert data.status_code == 201 and data.json()["read_as"]["sheet"] == "Datos"
