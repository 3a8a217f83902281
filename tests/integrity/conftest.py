"""Fixtures of the integrity analytics tests: a small generated declarations file, and a run of it
analysed for Ecuador by Alice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from arusha.analytics import GeneratorConfig, write_dataset

SMALL = GeneratorConfig(rows=3000, seed=7, offices=3, officers=15, declarants=40)


@pytest.fixture(autouse=True)
def _no_rate_limit_left_over() -> None:
    """The API counts uploads per user in the cache, which outlives a test's database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(scope="session")
def declarations_csv(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("integrity") / "declarations.csv"
    write_dataset(SMALL, path)
    return path


@pytest.fixture
def run(declarations_csv: Path, ecuador: Any, alice: Any) -> Any:
    from arusha.integrity.storing import analyse_file

    return analyse_file(
        declarations_csv, organisation=ecuador, user=alice, source_name="declarations.csv"
    )


# The administration's own export: the canonical columns under other names, as a mapping file
# says (given to the import command, the upload page or the API).
OWN_NAMES = {
    "declaration_id": "Numero DAU",
    "item_no": "Item",
    "lodged_at": "Fecha",
    "office_id": "Aduana",
    "declarant_id": "Agente",
    "importer_id": "Importador",
    "officer_id": "Aforador",
    "hs_code": "Partida",
    "customs_value": "Valor CIF",
}


@pytest.fixture
def own_export(declarations_csv: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The test file with its columns renamed, and the mapping file that reads it."""
    header, rest = declarations_csv.read_text().split("\n", 1)
    renamed = [OWN_NAMES.get(name.strip('"'), name) for name in header.split(",")]
    export = tmp_path / "export.csv"
    export.write_text(",".join(renamed) + "\n" + rest)
    mapping = tmp_path / "senae.yaml"
    columns = "".join(f"  {canonical}: {own}\n" for canonical, own in OWN_NAMES.items())
    mapping.write_text(f"name: SENAE export\ncolumns:\n{columns}")
    return export, mapping
