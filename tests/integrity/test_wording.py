"""The integrity pages' own translatable wording stays in step with the library's English and is
shown, translated, wherever a person reads an indicator, an entity kind or the notice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

import arusha.analytics
from arusha.analytics import REGISTRY
from arusha.analytics.indicators.base import ENTITY_KINDS
from arusha.integrity import wording
from arusha.integrity.storing import SAVING

LANGUAGES = ["es", "fr", "pt"]


def test_the_notice_is_word_for_word_the_librarys_in_english() -> None:
    with translation.override("en"):
        assert str(wording.NOTICE) == arusha.analytics.NOTICE


def test_every_indicator_the_library_registers_has_a_title() -> None:
    # RELEASE registers fast_release_red and fast_release_yellow, one per channel it tests.
    assert {"fast_release_red", "fast_release_yellow"} <= REGISTRY.keys()
    assert set(wording.INDICATOR_TITLES) == set(REGISTRY)


def test_each_title_is_word_for_word_the_librarys_in_english() -> None:
    with translation.override("en"):
        for name, info in REGISTRY.items():
            assert str(wording.INDICATOR_TITLES[name]) == info.title, name


def test_every_canonical_column_has_its_meaning_word_for_word_the_schemas_in_english() -> None:
    from arusha.analytics import schema

    assert list(wording.COLUMN_MEANINGS) == list(schema.NAMES)
    with translation.override("en"):
        assert [meaning for _n, _r, meaning in wording.canonical_columns()] == [
            c.description for c in schema.COLUMNS
        ]
    with translation.override("es"):
        assert wording.canonical_columns()[0][2] != schema.COLUMNS[0].description


def test_every_indicator_and_contribution_of_a_run_has_a_title(run: Any) -> None:
    names = set(run.indicators.values_list("indicator", flat=True).distinct())
    for contributions in run.entities.values_list("contributions", flat=True):
        names |= set(contributions)
    assert len(names) >= 8
    assert names <= set(wording.INDICATOR_TITLES)


def test_every_entity_kind_has_a_label() -> None:
    assert set(wording.KIND) == set(wording.KINDS) == set(ENTITY_KINDS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_title_kind_and_the_notice_are_translated(language: str) -> None:
    # A string the catalogue lacks (never extracted, or left untranslated) stays in English.
    labels = [
        wording.NOTICE,
        *wording.INDICATOR_TITLES.values(),
        *wording.KIND.values(),
        *wording.KINDS.values(),
    ]
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override(language):
        translated = [str(label) for label in labels]
    assert [e for e, t in zip(english, translated, strict=True) if e == t] == []


def test_a_name_without_a_title_shows_as_itself() -> None:
    assert wording.indicator_title("new_indicator") == "new_indicator"
    assert wording.kind_label("port") == "port"


def _spanish(client: Any, user: Any) -> Any:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def test_the_spanish_officer_page_shows_titles_keys_kind_and_notice(
    client: Any, run: Any, alice: Any
) -> None:
    officer = run.entities.filter(entity_kind="officer").order_by("rank").first()
    url = reverse("integrity:entity", args=[run.code, "officer", officer.entity_id])
    page = _spanish(client, alice).get(url, {"office": officer.office_id}).content.decode()
    assert "Son indicadores para revisión, no pruebas de irregularidades." in page
    assert arusha.analytics.NOTICE not in page
    assert "<p>Funcionario · Oficina" in page
    assert ">Explicación</th>" in page  # explanations are worded in Spanish too
    for name in officer.contributions:
        with translation.override("es"):
            title = wording.indicator_title(name)
        assert title != REGISTRY[name].title
        assert f"{title} <code>{name}</code>" in page  # the chart's label, key beside it
        assert f"{title}<br><code>{name}</code>" in page  # the table's first column


def test_the_spanish_pair_page_names_its_kind_in_spanish(client: Any, run: Any, alice: Any) -> None:
    pair = run.entities.filter(entity_kind="pair").order_by("rank").first()
    url = reverse("integrity:entity", args=[run.code, "pair", pair.entity_id])
    page = _spanish(client, alice).get(url, {"office": pair.office_id}).content.decode()
    assert "<p>Par funcionario–declarante · " in page
    assert "Officer–declarant" not in page
    assert "Patrón de colusión de un par" in page


def test_the_spanish_ranked_list_translates_kinds_and_names_each_main_reason(
    client: Any, run: Any, alice: Any
) -> None:
    url = reverse("integrity:run", args=[run.code])
    page = _spanish(client, alice).get(url, {"kind": "pair"}).content.decode()
    assert '<option value="pair" selected>Pares funcionario–declarante</option>' in page
    assert "Son indicadores para revisión" in page
    leads = run.entities.filter(entity_kind="pair").exclude(top_reason="")
    assert leads.exists()
    for lead in leads:
        assert lead.top_indicator in REGISTRY
        # The named indicator is the one whose explanation the main reason is.
        assert run.indicators.filter(
            entity_kind="pair",
            entity_id=lead.entity_id,
            indicator=lead.top_indicator,
            explanation=lead.top_reason,
        ).exists()
    with translation.override("es"):
        title = wording.indicator_title(leads.order_by("rank").first().top_indicator)
    assert f"<strong>{title}</strong>" in page


def test_an_entity_with_no_main_reason_names_no_indicator(run: Any) -> None:
    quiet = run.entities.filter(top_reason="")
    assert quiet.exists()
    assert {e.top_indicator for e in quiet} == {""}


def test_every_kind_of_validation_problem_has_a_label_word_for_word_the_librarys() -> None:
    from arusha.analytics import PROBLEM_KINDS

    assert set(wording.PROBLEM_KINDS) == set(PROBLEM_KINDS)
    with translation.override("en"):
        for kind, label in PROBLEM_KINDS.items():
            assert str(wording.PROBLEM_KINDS[kind]) == label, kind
    for language in LANGUAGES:
        with translation.override(language):
            translated = [wording.problem_kind(kind) for kind in PROBLEM_KINDS]
        assert all(t != PROBLEM_KINDS[k] for t, k in zip(translated, PROBLEM_KINDS, strict=True))


def _library_details() -> set[str]:
    """Every `detail` key the library can give a validation problem."""
    import ibis

    from arusha.analytics import schema
    from arusha.analytics.engine import ROW
    from arusha.analytics.load import stage
    from arusha.analytics.mapping import IDENTITY, ColumnSpec, Mapping, parse_mapping
    from arusha.analytics.validation import REJECTS, UNREADABLE_ROW

    text = ibis.table({ROW: "int64", **dict.fromkeys(schema.NAMES, "string")}, name="t")
    dated = parse_mapping("columns:\n  lodged_at: {column: lodged_at, format: '%d/%m/%Y'}")
    ordered = [
        Mapping(name=order, columns={"lodged_at": ColumnSpec(column="lodged_at", order=order)})
        for order in ("dmy", "mdy")
    ]
    mappings = (IDENTITY, dated, *ordered)
    details = {c.detail for m in mappings for c in stage(text, m, text_source=True).checks}
    details |= {c.detail for c in stage(text, IDENTITY, decimal=",").checks}
    numbers = ibis.table({ROW: "int64", **dict.fromkeys(schema.NAMES, "float64")}, name="n")
    details |= {c.detail for c in stage(numbers, IDENTITY).checks}  # codes kept as numbers
    details |= {detail for _kind, detail, _message in [*REJECTS.values(), UNREADABLE_ROW]}
    return details | {"required", "mapping_absent", "no_rows", "repeats", "no_item_1", "differs"}


def test_every_detail_of_a_validation_problem_has_a_sentence() -> None:
    details = _library_details()
    assert {"not_number_comma", "not_date_format", "not_date_dmy", "unclosed_quote"} <= details
    assert details == set(wording.DETAILS)


def test_every_kind_of_reading_error_the_library_raises_has_a_sentence() -> None:
    """Read from the library's source: a kind without a sentence would show only "The file could
    not be read." (a file whose first line is blank once had none)."""
    package = Path(arusha.analytics.__file__).parent
    source = "\n".join(path.read_text() for path in sorted(package.rglob("*.py")))
    raised = set(re.findall(r'SourceError\(\s*"([a-z_]+)"', source))
    assert {"no_header", "empty_file", "encoding"} <= raised
    assert raised == set(wording.SOURCE_ERRORS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_detail_and_reading_error_is_translated(language: str) -> None:
    labels = [*wording.DETAILS.values(), *wording.SOURCE_ERRORS.values(), wording.UNREADABLE]
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override(language):
        translated = [str(label) for label in labels]
    assert [e for e, t in zip(english, translated, strict=True) if e == t] == []


def test_a_problem_stored_before_details_existed_shows_its_english_message() -> None:
    old = {
        "column": "customs_value",
        "kind": "unparsable",
        "message": "customs_value is not a number",
    }
    assert wording.problem_detail(old) == "customs_value is not a number"


def test_a_detail_is_worded_with_its_column_and_the_files_own_column() -> None:
    problem = {"column": "customs_value", "detail": "not_number", "params": {"source": "cif.value"}}
    with translation.override("en"):
        assert wording.problem_detail(problem) == (
            "customs_value is not a number (column cif.value of the file)."
        )


def test_every_step_the_library_reports_has_its_translation(declarations_csv: Any) -> None:
    labels: list[str] = []
    arusha.analytics.run_integrity(
        declarations_csv, progress=lambda label, _done, _total: labels.append(label)
    )
    assert len(labels) == 7
    labels.append(SAVING)  # the app's own last step, after the library's
    assert set(labels) == set(wording.STEPS)
    for language in LANGUAGES:
        with translation.override(language):
            assert all(wording.step_label(label) != label for label in labels), language
