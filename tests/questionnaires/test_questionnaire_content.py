"""The two shipped questionnaires: complete, in four languages, and shaped as promised."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from arusha.questionnaires.schema import (
    LANGUAGES,
    Questionnaire,
    Text,
    load_questionnaire,
    parse_questionnaire_text,
    shipped_questionnaires,
)
from arusha.questionnaires.scoring import is_unfavourable, score_answers

DOCS = Path(__file__).parents[2] / "docs" / "questionnaires.md"
STAGES = ("documentary", "inspection", "valuation", "release")


def shipped(slug: str) -> Questionnaire:
    path = next(path for path in shipped_questionnaires() if path.stem == slug)
    return load_questionnaire(path)


@pytest.fixture(scope="module")
def assessment() -> Questionnaire:
    return shipped("arusha-self-assessment")


@pytest.fixture(scope="module")
def survey() -> Questionnaire:
    return shipped("private-sector-perception")


def texts_in(node: Any, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every translated text in a parsed questionnaire, with where it sits."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from texts_in(getattr(node, name), f"{path}.{name}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from texts_in(item, f"{path}[{i}]")
    elif isinstance(node, dict):
        for key, item in node.items():
            yield from texts_in(item, f"{path}.{key}")


def test_the_two_questionnaires_ship_and_load() -> None:
    loaded = {path.stem: load_questionnaire(path) for path in shipped_questionnaires()}

    assert set(loaded) == {"arusha-self-assessment", "private-sector-perception"}
    assert {slug: q.slug for slug, q in loaded.items()} == {slug: slug for slug in loaded}
    assert loaded["arusha-self-assessment"].kind == "self_assessment"
    assert loaded["private-sector-perception"].kind == "perception_survey"


@pytest.mark.parametrize("slug", ["arusha-self-assessment", "private-sector-perception"])
def test_every_text_is_written_in_all_four_languages(slug: str) -> None:
    texts = list(texts_in(shipped(slug)))

    assert len(texts) > 100
    for path, text in texts:
        values = text.as_dict()
        assert [lang for lang in LANGUAGES if not values.get(lang)] == [], path
        if len(text.en) > 25:  # short labels such as "%" may legitimately coincide
            assert len({values[lang] for lang in LANGUAGES}) == 4, f"{path}: copied, not translated"


@pytest.mark.parametrize("slug", ["arusha-self-assessment", "private-sector-perception"])
def test_punctuation_follows_each_language(slug: str) -> None:
    for path, text in texts_in(shipped(slug)):
        assert text.es.count("?") == text.es.count("¿"), f"{path}.es: {text.es}"
        assert not re.search(r"\S[?;:!]", text.fr), f"{path}.fr needs a space: {text.fr}"
        assert not re.search(r" [?;:!]", text.en + text.es + text.pt), path


def test_the_self_assessment_has_one_section_per_key_factor(assessment: Questionnaire) -> None:
    assert [section.key_factor for section in assessment.sections] == list(range(1, 11))
    assert [section.title.en for section in assessment.sections] == [
        "Leadership and commitment",
        "Regulatory framework",
        "Transparency",
        "Automation",
        "Reform and modernisation",
        "Audit and investigation",
        "Code of conduct",
        "Human resource management",
        "Morale and organisational culture",
        "Relationship with the private sector",
    ]
    assert all(3 <= len(section.questions) <= 5 for section in assessment.sections)
    assert all(section.description is not None for section in assessment.sections)


def test_the_self_assessment_is_mostly_four_level_maturity_questions(
    assessment: Questionnaire,
) -> None:
    kinds = [question.kind for _, question in assessment.iter_questions()]

    assert kinds.count("maturity") > len(kinds) / 2
    assert kinds.count("yes_no_evidence") >= 5
    assert kinds.count("number") >= 2
    assert assessment.scale is not None
    assert [point.code for point in assessment.scale.points] == [
        "nascent",
        "emerging",
        "established",
        "leading",
    ]
    for _, question in assessment.iter_questions():
        if question.kind == "maturity":
            # described in the question's own terms, not only by the generic scale
            assert set(question.levels or {}) == {"nascent", "emerging", "established", "leading"}


def test_the_self_assessment_bands_are_the_four_levels(assessment: Questionnaire) -> None:
    bands = [(band.code, band.min) for band in assessment.scoring.bands]

    assert bands == [("nascent", 0), ("emerging", 0.25), ("established", 0.5), ("leading", 0.75)]
    label = assessment.band_label("established")
    assert label is not None
    assert label.fr == "Établi"


def test_a_self_assessment_answered_established_throughout_scores_established(
    assessment: Questionnaire,
) -> None:
    answers: dict[str, Any] = {
        question.code: "established"
        for _, question in assessment.iter_questions()
        if question.kind == "maturity"
    }

    scores = score_answers(assessment, answers)

    levels = {kf: group.level for kf, group in scores.key_factors.items()}
    assert levels == dict.fromkeys(range(1, 11), "established")
    assert scores.overall.score == pytest.approx(2 / 3)


def test_the_survey_covers_every_key_factor_from_the_private_sector_side(
    survey: Questionnaire,
) -> None:
    factors = {section.key_factor for section in survey.sections} - {None}

    assert factors == set(range(1, 11))
    for section in survey.sections:
        if section.key_factor and section.code.startswith("kf"):
            assert all(q.option_set == "agreement" for q in section.questions)


def test_agreement_answers_are_marked_favourable_or_unfavourable(survey: Questionnaire) -> None:
    question = survey.question("kf4.risk_selection")

    assert is_unfavourable(question, "disagree") is True
    assert is_unfavourable(question, "strongly_disagree") is True
    assert is_unfavourable(question, "neutral") is False
    assert is_unfavourable(question, "agree") is False
    assert is_unfavourable(question, "dont_know") is None


@pytest.mark.parametrize("stage", STAGES)
def test_irregular_payments_are_asked_about_at_each_stage(
    survey: Questionnaire, stage: str
) -> None:
    frequency = survey.question(f"payments.{stage}.frequency")
    kind = survey.question(f"payments.{stage}.kind")

    assert is_unfavourable(frequency, "never") is False
    assert is_unfavourable(frequency, "rarely") is True
    assert is_unfavourable(frequency, "not_applicable") is None
    assert kind.kind == "multiple_choice"
    assert is_unfavourable(kind, ["not_asked"]) is False
    assert is_unfavourable(kind, ["cash", "goods"]) is True


def test_trust_in_reporting_channels_is_asked(survey: Questionnaire) -> None:
    section = next(section for section in survey.sections if section.code == "reporting")
    codes = [question.code for question in section.questions]

    assert {"reporting.confidential", "reporting.safe", "reporting.action"} <= set(codes)
    assert is_unfavourable(survey.question("reporting.reported"), "not_reported") is True
    assert is_unfavourable(survey.question("reporting.trusted_channel"), "none") is True


def test_respondent_attributes_are_for_breakdowns_only(survey: Questionnaire) -> None:
    attributes = {q.code: q for _, q in survey.iter_questions() if q.attribute}

    assert set(attributes) == {
        "about.business_kind",
        "about.size",
        "about.main_office",
        "about.gender",
    }
    assert {option.code for option in attributes["about.business_kind"].choices} >= {
        "importer",
        "exporter",
        "customs_broker",
        "carrier",
        "freight_forwarder",
        "association",
    }
    assert attributes["about.main_office"].options_from == "offices"
    assert attributes["about.gender"].required is False
    assert not any(question.is_scored for question in attributes.values())


def test_survey_scores_ignore_attributes_and_have_no_maturity_level(
    survey: Questionnaire,
) -> None:
    answers = {
        "kf1.message": "strongly_agree",
        "about.main_office": "GYE-01",
        "about.size": "small",
    }

    scores = score_answers(survey, answers)

    assert scores.sections["kf1"].score == 1
    assert scores.sections["about"].score is None
    assert scores.overall.level is None


def test_every_text_mapping_in_the_raw_files_names_all_four_languages() -> None:
    def mappings(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            yield node
            for value in node.values():
                yield from mappings(value)
        elif isinstance(node, list):
            for value in node:
                yield from mappings(value)

    for path in shipped_questionnaires():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for mapping in mappings(data):
            if "en" in mapping:
                assert set(LANGUAGES) <= set(mapping), f"{path.name}: {mapping['en']}"


def test_the_example_in_the_docs_is_a_valid_questionnaire() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), flags=re.DOTALL)

    example = parse_questionnaire_text(blocks[0], source="docs/questionnaires.md")

    assert example.slug == "example"
