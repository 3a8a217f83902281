"""Published questionnaire versions: archived by content hash, frozen, loaded idempotently."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command, load_command_class

from arusha.questionnaires.loading import load_files
from arusha.questionnaires.models import QuestionnaireVersion, VersionIsFrozen
from arusha.questionnaires.schema import content_hash, load_questionnaire, shipped_questionnaires


def test_loading_publishes_each_shipped_file_once(db: Any) -> None:
    out = StringIO()
    call_command("load_questionnaires", stdout=out)
    assert out.getvalue().count(": published") == len(shipped_questionnaires())
    out = StringIO()
    call_command("load_questionnaires", stdout=out)
    assert ": published" not in out.getvalue()
    assert QuestionnaireVersion.objects.count() == len(shipped_questionnaires())


def test_a_stored_version_rebuilds_the_same_questionnaire(db: Any) -> None:
    for path in shipped_questionnaires():
        version = load_files([path])[0].version
        stored = QuestionnaireVersion.objects.get(pk=version.pk)
        assert content_hash(stored.questionnaire()) == stored.content_hash
        assert stored.questionnaire() == load_questionnaire(path)


def test_a_changed_file_becomes_a_new_version(db: Any, tmp_path: Path) -> None:
    source = next(p for p in shipped_questionnaires() if p.name == "arusha-self-assessment.yaml")
    first = load_files([source])[0].version
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        source.read_text(encoding="utf-8").replace('version: "2025.1"', 'version: "2025.2"'),
        encoding="utf-8",
    )
    second = load_files([changed])[0]
    assert second.created
    assert second.version.content_hash != first.content_hash
    assert QuestionnaireVersion.objects.latest_of("arusha-self-assessment") == second.version
    assert QuestionnaireVersion.objects.of("arusha-self-assessment").count() == 2


def test_a_published_version_cannot_be_edited(db: Any) -> None:
    version = load_files(shipped_questionnaires()[:1])[0].version
    version.version = "tampered"
    with pytest.raises(VersionIsFrozen):
        version.save()


def test_a_broken_file_is_reported_and_nothing_is_published(db: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("slug: broken\nkind: self_assessment\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing 'version'"):
        call_command("load_questionnaires", str(broken), *map(str, shipped_questionnaires()))
    assert not QuestionnaireVersion.objects.exists()


def test_the_command_help_has_a_runnable_example() -> None:
    command = load_command_class("arusha.questionnaires", "load_questionnaires")
    assert "Example: arusha manage load_questionnaires" in command.help


def test_a_version_is_named_by_its_title_in_the_readers_language_never_by_its_hash(
    db: Any,
) -> None:
    from django.utils import translation

    source = next(p for p in shipped_questionnaires() if p.name == "private-sector-perception.yaml")
    version = load_files([source])[0].version
    with translation.override("es"):
        name = str(version)
    assert name.startswith(version.questionnaire().title.get("es"))
    assert version.version in name
    assert version.content_hash[:12] not in name and version.slug not in name


def test_the_campaign_form_lists_questionnaires_by_name(
    client: Any, db: Any, make_user: Any, ecuador: Any
) -> None:
    source = next(p for p in shipped_questionnaires() if p.name == "private-sector-perception.yaml")
    version = load_files([source])[0].version
    officer = make_user("olga", ecuador, "integrity_officer")
    client.force_login(officer)
    page = client.get("/surveys/new/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert version.questionnaire().title.get("fr").replace("'", "&#x27;") in page
    assert version.content_hash[:12] not in page
