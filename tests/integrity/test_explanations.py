"""Indicator explanations are worded in the reader's language from the library's structured form,
say in English exactly what the library says, and runs stored before it keep their English."""

from __future__ import annotations

import csv
import html
import io
import json
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from arusha.analytics import GeneratorConfig, IntegrityResult, Settings, generate_table
from arusha.analytics import run_integrity as analyse
from arusha.analytics.indicators.explanations import PARAMS, TEMPLATES, placeholders
from arusha.integrity import wording
from arusha.integrity.models import EntityScore, IndicatorValue

LANGUAGES = ["es", "fr", "pt"]
# The scenario of tests/analytics/test_rotation.py, smaller: rotating officers, planted pairs.
ROTATION = GeneratorConfig(rows=30_000, seed=1, scenario="rotation")
REQUIRED = [
    "declaration_id",
    "item_no",
    "lodged_at",
    "office_id",
    "declarant_id",
    "importer_id",
    "officer_id",
    "hs_code",
    "customs_value",
]


@pytest.fixture(scope="module")
def results() -> list[IntegrityResult]:
    """Runs that between them use every template: each exposure, minimums that leave some rows
    not computed, and a file without outcomes for the collusion signature to compare."""
    table, _ = generate_table(ROTATION)
    return [
        analyse(table),
        analyse(table, settings=Settings(exposure="day", uv_min=2000, benford_min=100)),
        analyse(
            table,
            settings=Settings(
                exposure="quarter",
                downgrade_min=300,
                detection_min=200,
                release_min=300,
                concentration_min=300,
            ),
        ),
        analyse(table.select(REQUIRED)),
    ]


def _parts(result: IntegrityResult) -> list[list[dict[str, Any]]]:
    return [json.loads(w) for w in result.indicators["wording"]]


def test_every_template_of_the_library_has_a_translatable_copy_word_for_word() -> None:
    assert set(wording.EXPLANATIONS) == set(TEMPLATES)
    with translation.override("en"):
        for key, template in TEMPLATES.items():
            assert str(wording.EXPLANATIONS[key]) == template, key


def test_every_parameter_of_a_template_has_a_way_to_be_written() -> None:
    names = {name for key in TEMPLATES for name in placeholders(key)}
    assert names == set(PARAMS)


def test_the_runs_emit_every_key_and_only_keys_the_platform_words(
    results: list[IntegrityResult],
) -> None:
    emitted = {p["key"] for r in results for parts in _parts(r) for p in parts}
    emitted |= {p["key"] for r in results for w in r.entities["top_wording"] for p in json.loads(w)}
    assert emitted == set(wording.EXPLANATIONS)


def test_the_english_wording_is_the_librarys_explanation_to_the_letter(
    results: list[IntegrityResult],
) -> None:
    with translation.override("en"):
        for result in results:
            f = result.indicators
            assert len(f) > 100
            for parts, text in zip(_parts(result), f["explanation"], strict=True):
                assert wording.has_wording(parts)
                assert wording.explanation(parts) == text
            for reason, top in zip(
                result.entities["top_reason"], result.entities["top_wording"], strict=True
            ):
                assert wording.explanation(json.loads(top)) == reason


def test_the_numbers_are_raw_and_written_in_the_locales_way() -> None:
    figures = {"office": "OF1", "k": 1234, "n": 5678, "rate": 0.22, "peer_rate": 0.031, "q": 0.0042}
    parts = [{"key": "downgrades.office", "params": figures}]
    with translation.override("en"):
        assert wording.explanation(parts) == (
            "Office OF1 moved 1,234 of 5,678 yellow or red declarations to a lower channel "
            "(22 %), against 3.1 % for the other offices; q = 0.004."
        )
    with translation.override("es"):
        spanish = wording.explanation(parts)
        grouped = number_format(1234, force_grouping=True)
    assert grouped != "1,234" and grouped in spanish
    assert "3,1 %" in spanish and "q = 0,004" in spanish
    assert "Office OF1 moved" not in spanish


def test_a_missing_figure_and_q_value_are_worded_in_the_language() -> None:
    parts = [{"key": "pair_excess.end", "params": {"q": None}}]
    with translation.override("en"):
        assert wording.explanation(parts) == "; q not computed."
    with translation.override("fr"):
        assert wording.explanation(parts) != "; q not computed."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_is_translated_with_the_same_placeholders(language: str) -> None:
    labels = [*wording.EXPLANATIONS.values(), wording.NOT_AVAILABLE, wording.Q_NOT_COMPUTED]
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override(language):
        translated = [str(label) for label in labels]
    untranslated = [e for e, t in zip(english, translated, strict=True) if e == t]
    assert set(untranslated) <= {"; %(q)s."}  # punctuation and a figure may stay as they are
    for key in wording.EXPLANATIONS:
        with translation.override(language):
            worded = str(wording.EXPLANATIONS[key])
        assert all(f"%({name})s" in worded for name in placeholders(key)), key


def _reader(client: Any, user: Any, language: str) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _entity_page(client: Any, run: Any, alice: Any, kind: str, language: str = "es") -> Any:
    score = run.entities.filter(entity_kind=kind).order_by("rank").first()
    url = reverse("integrity:entity", args=[run.code, kind, score.entity_id])
    page = _reader(client, alice, language).get(url, {"office": score.office_id})
    return score, page.content.decode()


@pytest.mark.parametrize("kind", ["officer", "pair"])
def test_a_spanish_entity_page_explains_every_indicator_in_spanish(
    client: Any, run: Any, alice: Any, kind: str
) -> None:
    score, page = _entity_page(client, run, alice, kind)
    indicators = run.indicators.filter(
        entity_kind=kind, entity_id=score.entity_id, office_id=score.office_id
    )
    assert indicators.exists()
    for indicator in indicators:
        with translation.override("es"):
            spanish = wording.explanation(indicator.wording)
        assert spanish != indicator.explanation
        assert f"<td>{html.escape(spanish)}</td>" in page
        assert html.escape(indicator.explanation) not in page
    assert 'lang="en"' not in page.split('id="entity-indicators"')[1]


def test_the_spanish_ranked_list_gives_each_main_reason_in_spanish_without_the_english_hint(
    client: Any, run: Any, alice: Any
) -> None:
    url = reverse("integrity:run", args=[run.code])
    page = _reader(client, alice, "es").get(url, {"kind": "pair"}).content.decode()
    table = page.split('id="ranked-entities"')[1]
    assert 'lang="en"' not in table
    lead = run.entities.filter(entity_kind="pair").exclude(top_reason="").order_by("rank").first()
    with translation.override("es"):
        assert html.escape(wording.explanation(lead.top_wording)) in table
    assert "generated in English" not in page and "en inglés" not in page


def test_a_run_stored_before_the_structured_form_shows_its_english_marked_as_english(
    client: Any, run: Any, alice: Any
) -> None:
    IndicatorValue.objects.filter(run=run).update(wording=[])
    EntityScore.objects.filter(run=run).update(top_wording=[])
    score, page = _entity_page(client, run, alice, "officer")
    for indicator in run.indicators.filter(entity_kind="officer", entity_id=score.entity_id):
        assert f'<td lang="en">{html.escape(indicator.explanation)}</td>' in page
    url = reverse("integrity:run", args=[run.code])
    listing = _reader(client, alice, "es").get(url, {"kind": "pair"}).content.decode()
    lead = run.entities.filter(entity_kind="pair").exclude(top_reason="").order_by("rank").first()
    assert f'<span lang="en">{html.escape(lead.top_reason)}</span>' in listing
    with translation.override("es"):
        english_hint = translation.gettext(
            "The main reason names the indicator that adds most to the score; its explanation "
            "is generated in English."
        )
    assert html.escape(english_hint) in listing


def test_the_csv_export_gives_the_explanations_in_the_readers_language(
    client: Any, run: Any, alice: Any
) -> None:
    response = _reader(client, alice, "es").get(reverse("integrity:export", args=[run.code]))
    exported = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_key = {
        (i.entity_kind, i.entity_id, i.office_id, i.indicator, i.period): i
        for i in run.indicators.all()
    }
    assert len(exported) == len(by_key)
    for row in exported[:50]:
        key = (row["entity_kind"], row["entity_id"], row["office_id"], row["indicator"])
        stored = by_key[(*key, row["period"])]
        with translation.override("es"):
            assert row["explanation"] == wording.explanation(stored.wording)
