"""The content hash: YAML layout leaves it alone; any change to what people read changes it."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from arusha.questionnaires.schema import (
    Questionnaire,
    canonical_json,
    content_hash,
    load_questionnaire,
    parse_questionnaire,
    parse_questionnaire_text,
    shipped_questionnaires,
)
from tests.questionnaires.samples import SMALL_YAML, small_data

SHIPPED = shipped_questionnaires()


def hash_of_text(text: str) -> str:
    return content_hash(parse_questionnaire_text(text))


def hash_of_data(data: Any) -> str:
    return content_hash(parse_questionnaire(data))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_rewriting_a_shipped_file_in_another_yaml_style_keeps_the_hash(path: Path) -> None:
    original = load_questionnaire(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    restyled = [
        yaml.safe_dump(data, sort_keys=True, allow_unicode=False, width=40),
        yaml.safe_dump(data, default_flow_style=True, allow_unicode=True, width=10_000),
        yaml.safe_dump(data, sort_keys=False, allow_unicode=True, indent=4, default_style='"'),
        json.dumps(data, ensure_ascii=True),  # JSON is YAML too
    ]

    assert {hash_of_text(text) for text in restyled} == {content_hash(original)}


def test_quoting_folding_comments_key_order_and_explicit_defaults_keep_the_hash() -> None:
    restyled = (
        SMALL_YAML.replace("slug: small", "# a comment\nslug: 'small'   # trailing comment")
        .replace('version: "1"', "version: '1'")
        .replace("en: How mature?", "en: >-\n                How\n                mature?")
        .replace("es: ¿Qué madurez?", 'es: "\\u00bfQu\\u00e9 madurez?  "')
        .replace("kind: maturity", "required: true\n        weight: 1\n        kind: maturity")
    )
    assert restyled != SMALL_YAML

    assert hash_of_text(restyled) == hash_of_text(SMALL_YAML)


def test_decomposed_accents_hash_like_composed_ones() -> None:
    data = small_data()
    data["title"]["es"] = "Pequen\u0303o"  # n + combining tilde

    assert hash_of_data(data) == hash_of_text(SMALL_YAML)


CHANGES = {
    "an English word": ("sections", 0, "questions", 0, "text", "en"),
    "a Spanish word": ("sections", 0, "questions", 0, "text", "es"),
    "a French word": ("sections", 0, "questions", 0, "text", "fr"),
    "a Portuguese word": ("sections", 0, "questions", 0, "text", "pt"),
    "a level description": ("sections", 0, "questions", 0, "levels", "high", "pt"),
    "an evidence request": ("sections", 0, "questions", 1, "evidence", "fr"),
    "a scale label": ("scale", "points", 0, "label", "es"),
    "the intro": ("intro", "en"),
}


@pytest.mark.parametrize("where", CHANGES.values(), ids=CHANGES.keys())
def test_any_wording_change_changes_the_hash(where: tuple[Any, ...]) -> None:
    data = small_data()
    holder = data
    for key in where[:-1]:
        holder = holder[key]
    holder[where[-1]] += " now"

    assert hash_of_data(data) != hash_of_text(SMALL_YAML)


def test_a_one_letter_change_in_a_shipped_file_changes_the_hash() -> None:
    path = next(path for path in SHIPPED if path.stem == "arusha-self-assessment")
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Las normas están dispersas", "Las normas estan dispersas")
    assert edited != text

    assert hash_of_text(edited) != content_hash(load_questionnaire(path))


def test_weights_scores_and_structure_are_part_of_the_hash() -> None:
    base = hash_of_text(SMALL_YAML)
    variants = []
    for change in (
        lambda d: d["sections"][0]["questions"][0].update(weight=2),
        lambda d: d["sections"][0]["questions"][1].update(required=False),
        lambda d: d["sections"][0].update(key_factor=2),
        lambda d: d["sections"][0]["questions"].reverse(),
        lambda d: d.update(version="2"),
        lambda d: d.update(scoring={"bands": [{"code": "low", "min": 0}]}),
    ):
        data = copy.deepcopy(small_data())
        change(data)
        variants.append(hash_of_data(data))

    assert base not in variants
    assert len(set(variants)) == len(variants)


def test_the_canonical_form_is_pinned() -> None:
    # Archived questionnaire versions are looked up by this hash. If this fails, the canonical
    # form changed (a new field without a None default, say): every stored hash would be orphaned.
    assert hash_of_text(SMALL_YAML) == (
        "0fed89c71e1fea16aabe3bae7cfd08600b9ffc7cd539df9621b3efad2dc7e0db"
    )


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.stem)
def test_the_canonical_json_loads_back_to_the_same_questionnaire(path: Path) -> None:
    # The web app may archive the canonical JSON and rebuild the questionnaire from it.
    original = load_questionnaire(path)

    again = Questionnaire.model_validate(json.loads(canonical_json(original)))

    assert content_hash(again) == content_hash(original)
    assert again == original
    for (_, before), (_, after) in zip(
        original.iter_questions(), again.iter_questions(), strict=True
    ):
        assert after.choices == before.choices
        assert after.unfavourable_codes == before.unfavourable_codes
        assert after.maturity_scale == before.maturity_scale
