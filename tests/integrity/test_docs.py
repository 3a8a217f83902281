"""docs/integrity.md stays honest: the import example, the audited actions and the test thresholds
it describes are the ones the code uses."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import load_command_class

from arusha.analytics import Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrity.md"
SOURCE = Path(__file__).resolve().parents[2] / "src" / "arusha" / "integrity"


def test_the_import_example_is_the_commands_own() -> None:
    help_text = load_command_class("arusha.integrity", "integrity_import").help
    example = help_text.split("Example: ", 1)[1]
    assert example in DOC.read_text()


def test_every_audited_action_of_the_app_is_documented() -> None:
    code = "\n".join(p.read_text() for p in SOURCE.rglob("*.py"))
    actions = set(re.findall(r'"(integrity\.[a-z_]+)"', code))
    assert actions == {
        "integrity.run_created",
        "integrity.entity_viewed",
        "integrity.run_deleted",
        "integrity.indicators_exported",
        "integrity.lead_reviewed",
        "integrity.reviews_exported",
        "integrity.leads_exported",
        "integrity.layout_saved",
        "integrity.layout_deleted",
    }
    for action in actions:
        assert f"`{action}`" in DOC.read_text()


def test_the_pair_test_thresholds_are_the_librarys() -> None:
    settings = Settings()
    text = " ".join(DOC.read_text().split())
    assert f"at least {settings.pair_min_count} declarations there" in text
    assert f"the officer at least {settings.pair_min_officer}" in text
    assert f"the declarant at least {settings.pair_min_declarant}" in text
    assert f"q ≤ {settings.alpha}" in text


def test_the_readme_links_the_page() -> None:
    readme = (DOC.parents[1] / "README.md").read_text()
    assert "docs/integrity.md" in readme


def test_every_api_operation_of_the_app_is_documented() -> None:
    from arusha.api import api

    paths = api.get_openapi_schema()["paths"]
    documented = " ".join(DOC.read_text().split())
    operations = [
        (method.upper(), path)
        for path, methods in paths.items()
        if path.startswith("/api/integrity/")
        for method in methods
    ]
    assert len(operations) == 11
    for method, path in operations:
        assert f"| {method} | `{path}" in documented, (method, path)
