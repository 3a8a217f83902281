"""Loading and validating questionnaire files: every problem is reported with its path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from arusha.questionnaires.schema import (
    QuestionnaireError,
    load_questionnaire,
    parse_questionnaire,
    parse_questionnaire_text,
)
from tests.questionnaires.samples import SMALL_YAML, small_data, words


def problems_of(data: Any) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(data, source="broken.yaml")
    return caught.value.problems


def test_a_valid_file_loads_into_typed_objects(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_YAML, encoding="utf-8")

    questionnaire = load_questionnaire(path)

    question = questionnaire.question("q1")
    assert questionnaire.slug == "small"
    assert questionnaire.sections[0].key_factor == 1
    assert question.kind == "maturity"
    assert question.required is True
    assert question.weight == 1.0
    assert question.text.get("es") == "¿Qué madurez?"
    level = question.level_text("high")
    assert level is not None
    assert level.pt == "Muita"


def test_a_missing_language_is_named_with_its_path() -> None:
    data = small_data()
    del data["sections"][0]["questions"][1]["text"]["pt"]

    assert problems_of(data) == ["sections[0].questions[1].text: missing 'pt'"]


def test_every_structural_problem_is_listed_at_once() -> None:
    data = small_data()
    del data["title"]["fr"]
    data["sections"][0]["questions"][0]["reqired"] = True
    data["sections"][0]["questions"][1]["kind"] = "essay"
    data["sections"][0]["key_factor"] = 11

    problems = problems_of(data)

    assert "title: missing 'fr'" in problems
    assert "sections[0].questions[0]: unknown field 'reqired'" in problems
    assert any(p.startswith("sections[0].questions[1].kind: Input should be") for p in problems)
    assert "sections[0].key_factor: Input should be less than or equal to 10" in problems
    assert len(problems) == 4


def test_the_error_message_names_the_file_and_lists_the_problems() -> None:
    data = small_data()
    del data["intro"]

    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(data, source="broken.yaml")

    assert str(caught.value) == "broken.yaml: 1 problem\n  top level: missing 'intro'"


def test_blank_text_is_refused() -> None:
    data = small_data()
    data["sections"][0]["title"]["es"] = "   "

    assert problems_of(data) == ["sections[0].title.es: must not be empty"]


def test_an_extra_language_is_allowed_but_must_look_like_one() -> None:
    data = small_data()
    data["title"]["ar"] = "صغير"
    assert parse_questionnaire(data).title.get("ar") == "صغير"

    data["title"]["Arabic"] = "صغير"
    assert problems_of(data) == ["title: 'Arabic' is not a language code"]


def test_duplicate_codes_point_at_the_first_use() -> None:
    data = small_data()
    data["sections"][0]["questions"][1]["code"] = "q1"

    assert problems_of(data) == [
        "sections[0].questions[1].code: duplicate code 'q1'"
        " (first used at sections[0].questions[0])"
    ]


def test_a_maturity_question_must_describe_every_level() -> None:
    data = small_data()
    levels = data["sections"][0]["questions"][0]["levels"]
    del levels["high"]
    levels["medium"] = words("Middling")

    assert problems_of(data) == [
        "sections[0].questions[0].levels: missing 'high'",
        "sections[0].questions[0].levels: 'medium' is not a point of the scale ['low', 'high']",
    ]


def test_a_maturity_question_needs_a_scale() -> None:
    data = small_data()
    del data["scale"]

    assert problems_of(data) == [
        "sections[0].questions[0]: a maturity question needs a scale"
        " (its own or the file's 'scale')"
    ]


def test_scale_values_must_increase() -> None:
    data = small_data()
    data["scale"]["points"][1]["value"] = 1

    assert problems_of(data) == ["scale.points: values must increase strictly, got [1, 1]"]


def test_fields_of_another_kind_are_refused() -> None:
    data = small_data()
    data["sections"][0]["questions"][1]["unit"] = words("days")
    data["sections"][0]["questions"][1]["options"] = [{"code": "a", "label": words("A")}]

    assert problems_of(data) == [
        "sections[0].questions[1].options: not used by yes_no_evidence questions",
        "sections[0].questions[1].unit: not used by yes_no_evidence questions",
    ]


def test_a_yes_no_question_must_ask_for_evidence() -> None:
    data = small_data()
    del data["sections"][0]["questions"][1]["evidence"]

    assert problems_of(data) == ["sections[0].questions[1]: missing 'evidence'"]


def choice_question(**fields: Any) -> dict[str, Any]:
    return {"code": "c", "kind": "single_choice", "text": words("Pick"), **fields}


def test_a_choice_question_needs_exactly_one_source_of_options() -> None:
    data = small_data()
    data["sections"][0]["questions"].append(choice_question())

    assert problems_of(data) == [
        "sections[0].questions[2]: give exactly one of options, option_set, options_from"
    ]


def test_unknown_option_sets_and_lists_are_refused() -> None:
    data = small_data()
    data["sections"][0]["questions"].append(choice_question(option_set="agreement"))
    data["sections"][0]["questions"].append(
        choice_question(code="d", options_from="ports", attribute=True)
    )

    assert problems_of(data) == [
        "sections[0].questions[2].option_set: no option set named 'agreement'",
        "sections[0].questions[3].options_from: unknown list 'ports'",
    ]


def test_favourable_and_unfavourable_must_name_real_distinct_options() -> None:
    data = small_data()
    options = [
        {"code": "yes", "label": words("Yes")},
        {"code": "no", "label": words("No")},
        {"code": "dk", "label": words("Don't know"), "no_answer": True},
        {"code": "no", "label": words("No again")},
    ]
    question = choice_question(
        options=options, favourable=["yes", "maybe"], unfavourable=["no", "dk", "yes"]
    )
    data["sections"][0]["questions"].append(question)

    assert problems_of(data) == [
        "sections[0].questions[2].options: duplicate code 'no'",
        "sections[0].questions[2].favourable: unknown option 'maybe'",
        "sections[0].questions[2].unfavourable: 'dk' is a no_answer option",
        "sections[0].questions[2]: 'yes' is both favourable and unfavourable",
    ]


def test_a_no_answer_option_cannot_carry_a_score() -> None:
    data = small_data()
    options = [{"code": "dk", "label": words("Don't know"), "no_answer": True, "score": 0}]
    data["sections"][0]["questions"].append(choice_question(options=options))

    assert problems_of(data) == [
        "sections[0].questions[2].options[0].score: a no_answer option cannot carry a score"
    ]


def test_scores_must_lie_between_zero_and_one() -> None:
    data = small_data()
    options = [{"code": "a", "label": words("A"), "score": 2}]
    data["sections"][0]["questions"].append(choice_question(options=options))

    assert problems_of(data) == [
        "sections[0].questions[2].options[0].score: Input should be less than or equal to 1"
    ]


def test_number_bounds_and_bands_must_be_ordered() -> None:
    data = small_data()
    bands = [{"at_least": 10, "score": 0}, {"at_least": 5, "score": 1}]
    question = {"code": "n", "kind": "number", "text": words("How many")}
    data["sections"][0]["questions"].append({**question, "min": 5, "max": 1, "score_bands": bands})

    assert problems_of(data) == [
        "sections[0].questions[2]: min 5 is above max 1",
        "sections[0].questions[2].score_bands: at_least must increase strictly, got [10.0, 5.0]",
    ]


def test_maturity_bands_start_at_zero_increase_and_have_labels() -> None:
    data = small_data()
    data["scoring"] = {
        "bands": [
            {"code": "low", "min": 0.2},
            {"code": "top", "min": 0.1},
            {"code": "low", "min": 1},
        ]
    }

    assert problems_of(data) == [
        "scoring.bands[0].min: the first band must start at 0",
        "scoring.bands: min must increase strictly, got [0.2, 0.1, 1.0]",
        "scoring.bands[1]: missing 'label' (no scale point 'top')",
        "scoring.bands: duplicate code 'low'",
    ]


def test_yaml_syntax_errors_give_the_line() -> None:
    text = SMALL_YAML.replace("slug: small", "slug: [small")

    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire_text(text, source="small.yaml")

    assert caught.value.source == "small.yaml"
    assert caught.value.problems[0].startswith("line 2, column 5: ")


def test_duplicate_yaml_keys_are_refused_not_silently_overwritten() -> None:
    text = SMALL_YAML.replace('version: "1"', 'version: "1"\nversion: "2"')

    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire_text(text)

    assert caught.value.problems == ["line 4, column 1: duplicate key 'version'"]


def test_a_file_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire_text("- one\n- two\n")

    assert caught.value.problems == ["top level: expected a mapping, got list"]


def test_option_sets_are_resolved_with_their_defaults_and_overrides() -> None:
    data = small_data()
    data["option_sets"] = {
        "agreement": {
            "options": [
                {"code": "agree", "label": words("Agree"), "score": 1},
                {"code": "disagree", "label": words("Disagree"), "score": 0},
            ],
            "favourable": ["agree"],
            "unfavourable": ["disagree"],
        }
    }
    data["sections"][0]["questions"].append(choice_question(option_set="agreement"))
    data["sections"][0]["questions"].append(
        choice_question(code="d", option_set="agreement", unfavourable=[])
    )

    questionnaire = parse_questionnaire(data)

    inherited, overridden = questionnaire.question("c"), questionnaire.question("d")
    assert [option.code for option in inherited.choices] == ["agree", "disagree"]
    assert inherited.unfavourable_codes == {"disagree"}
    assert overridden.unfavourable_codes == frozenset()
    assert overridden.favourable_codes == {"agree"}


def test_the_questionnaire_modules_never_import_django() -> None:
    code = (
        "import sys, arusha.questionnaires.schema, arusha.questionnaires.scoring; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(  # noqa: S603 - runs this interpreter on a fixed script
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
