"""Mapping files: the shipped KCS and BACUDA mappings on samples of both layouts."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from arusha.analytics import MappingError, load_mapping, read_canonical, run_integrity, validate
from tests.analytics.tables import DATA


def test_the_kcs_sample_maps_to_the_canonical_schema() -> None:
    table = read_canonical(DATA / "kcs_sample.csv", "kcs").to_pylist()
    assert len(table) == 20
    first = table[0]
    assert first["declaration_id"] == "97061800"
    assert first["lodged_at"] == datetime(2020, 1, 1)
    assert (first["office_id"], first["declarant_id"], first["importer_id"]) == (
        "30",
        "ZZR1LT6",
        "QLRUBN9",
    )
    assert (first["hs_code"], first["origin_country"]) == ("440890", "BE")
    assert (first["customs_value"], first["net_mass_kg"], first["duty_rate"]) == (
        372254.4,
        108.0,
        0.0,
    )
    assert first["inspected"] is True and first["offence_found"] is False
    assert first["item_no"] == 1
    assert "officer_id" not in first


def test_the_bacuda_sample_maps_to_the_canonical_schema() -> None:
    rows = {
        r["declaration_id"]: r
        for r in read_canonical(DATA / "bacuda_sample.csv", "bacuda").to_pylist()
    }
    assert len(rows) == 20
    third = rows["SGD100003"]
    assert third["lodged_at"] == datetime(2013, 1, 3)  # yy-mm-dd
    assert third["hs_code"] == "0401110000"  # the leading zero a numeric column lost
    assert third["origin_country"] == "CNTRY680"  # anonymised codes are accepted
    assert (third["customs_value"], third["net_mass_kg"], third["duty_paid"]) == (
        415.2,
        210.0,
        83.0,
    )
    assert third["offence_found"] is True and third["revenue_recovered"] == 120.0
    assert rows["SGD100001"]["hs_code"] == "8703239000"


def test_a_mapping_that_names_an_absent_column_fails_validation(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  declaration_id: Declaration No\n", encoding="utf-8")
    report = validate(DATA / "kcs_sample.csv", mapping)
    assert report.problems[0].kind == "missing_column"
    assert "from column 'Declaration No', absent from the file" in report.problems[0].message


def test_channel_codes_are_translated_by_the_mapping(tmp_path: Path) -> None:
    source = tmp_path / "lanes.csv"
    source.write_text(
        "no,date,office,broker,importer,hs,value,lane\n"
        "A1,2024-02-01,O1,B1,I1,850440,10,R\nA2,2024-02-01,O1,B1,I1,850440,10,G\nA3,2024-02-01,O1,B1,I1,850440,10,X\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "lanes.yaml"
    mapping.write_text(
        "columns:\n  declaration_id: 'no'\n  lodged_at: date\n  office_id: office\n"
        "  declarant_id: broker\n"
        "  importer_id: importer\n  hs_code: hs\n  customs_value: value\n"
        "  channel_assigned: {column: lane, values: {R: red, G: green}}\n",
        encoding="utf-8",
    )
    (problem,) = validate(source, mapping).problems
    assert (problem.column, problem.kind, problem.rows) == ("channel_assigned", "unparsable", (3,))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("columns: [", "is not valid YAML"),
        ("- a\n- b\n", "must be a YAML mapping"),
        ("columns:\n  officer: X\n", "'officer' is not a canonical column"),
        ("columns:\n  hs_code: {pad: 10}\n", "must be a source column name or have a 'column' key"),
        ("columns:\n  hs_code: {column: X, width: 10}\n", "unknown keys ['width']"),
        (
            "columns:\n  inspected: X\nconstants:\n  inspected: true\n",
            "both as a column and as a constant",
        ),
        ("columns:\n  declaration_id: no\n", "was read as false; put the column name in quotes"),
        # These three used to stop with Python's ValueError or DuckDB's own text, at the read
        ("constants:\n  lodged_at: 2024-13-45\n", "is not valid YAML: month must be in 1..12"),
        (
            "columns:\n  lodged_at: {column: fecha, format: '%d/%Q/%Y'}\n",
            "'lodged_at'.format '%d/%Q/%Y' is not a date format: each % is followed by",
        ),
        ("columns:\n  lodged_at: {column: fecha, format: 2024}\n", "must be text such as"),
    ],
)
def test_bad_mappings_name_the_mistake(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_mapping(path)


def test_a_missing_mapping_file_is_a_mapping_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="Cannot read mapping file"):
        load_mapping(tmp_path / "nowhere.yaml")


def test_the_full_kcs_training_file_is_analysed_without_officer_indicators(kcs_train: Path) -> None:
    result = run_integrity(kcs_train, "kcs")
    kinds = set(result.indicators["entity_kind"])
    assert result.summary["rows"] == 37_385
    assert kinds == {"declarant", "office"}
    assert {"undervaluation", "benford"} <= set(result.indicators["indicator"])
    assert "officer_id" in result.summary["columns_absent"]


def test_a_mapping_file_that_is_not_utf8_is_a_mapping_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("columns:\n  office_id: aduana_de_despacho_ñ\n".encode("latin-1"))
    with pytest.raises(MappingError, match="is not UTF-8 text: save the mapping as UTF-8"):
        load_mapping(path)
