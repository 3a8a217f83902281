"""The questionnaire file format: parse and validate YAML question sets, and fingerprint them.

Django-free on purpose: the models that archive questionnaire versions call into this module.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

LANGUAGES = ("en", "es", "fr", "pt")
CONTENT_DIR = Path(__file__).parent / "content"
QuestionKind = Literal[
    "maturity", "single_choice", "multiple_choice", "number", "yes_no_evidence", "text"
]
QUESTION_KINDS: tuple[str, ...] = get_args(QuestionKind)
# Lists an administration keeps itself; a question naming one gets its options at answer time.
OPTION_SOURCES = ("offices",)

_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; `problems` lists every problem with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        count = f"{len(problems)} problem" + ("" if len(problems) == 1 else "s")
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{source}: {count}\n{lines}")


def _normalise_words(value: str) -> str:
    # NFC and trimmed lines, so that re-flowing or re-quoting the YAML leaves the hash alone.
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    value = "\n".join(line.rstrip() for line in value.strip().split("\n"))
    if not value:
        raise ValueError("must not be empty")
    return value


Words = Annotated[str, AfterValidator(_normalise_words)]
Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=64)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=64)]
Weight = Annotated[float, Field(ge=0)]
Fraction01 = Annotated[float, Field(ge=0, le=1)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(BaseModel):
    """A human text in every shipped language; more languages may be added as extra keys."""

    model_config = ConfigDict(frozen=True, extra="allow")

    en: Words
    es: Words
    fr: Words
    pt: Words

    @model_validator(mode="before")
    @classmethod
    def _check_extra_languages(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        checked = dict(data)
        for key, value in data.items():
            if key in LANGUAGES:
                continue
            if not isinstance(key, str) or not _LANGUAGE_CODE.match(key):
                raise ValueError(f"'{key}' is not a language code")
            if not isinstance(value, str):
                raise ValueError(f"'{key}' must be text")
            checked[key] = _normalise_words(value)
        return checked

    def get(self, language: str) -> str:
        """The text in `language` (or its base language), falling back to English."""
        values = self.as_dict()
        return values.get(language) or values.get(language.split("-")[0]) or self.en

    def as_dict(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.model_dump().items()}


class Option(_Model):
    code: Code
    label: Text
    score: Fraction01 | None = None
    # "Don't know", "not applicable", "prefer not to say": treated as no answer everywhere.
    no_answer: bool = False


class OptionSet(_Model):
    options: list[Option] = Field(min_length=1)
    favourable: list[Code] = Field(default_factory=list)
    unfavourable: list[Code] = Field(default_factory=list)


class ScalePoint(_Model):
    value: int
    code: Code
    label: Text
    description: Text | None = None


class Scale(_Model):
    points: list[ScalePoint] = Field(min_length=2)

    def point(self, code_or_value: str | int) -> ScalePoint | None:
        for point in self.points:
            if code_or_value in (point.code, point.value):
                return point
        return None


class NumberBand(_Model):
    at_least: float
    score: Fraction01


class Band(_Model):
    code: Code
    min: Fraction01
    label: Text | None = None


class Scoring(_Model):
    overall: Literal["sections", "questions"] = "sections"
    bands: list[Band] = Field(default_factory=list)


class Question(_Model):
    code: Code
    kind: QuestionKind
    text: Text
    help: Text | None = None
    required: bool = True
    weight: Weight = 1.0
    attribute: bool = False
    # maturity
    scale: Scale | None = None
    levels: dict[Code, Text] | None = None
    # single_choice, multiple_choice
    options: list[Option] | None = None
    option_set: Code | None = None
    options_from: str | None = None
    favourable: list[Code] | None = None
    unfavourable: list[Code] | None = None
    # number
    min: float | None = None
    max: float | None = None
    integer: bool = False
    unit: Text | None = None
    score_bands: list[NumberBand] | None = None
    # yes_no_evidence
    evidence: Text | None = None

    # Resolved from the questionnaire's defaults and option sets; not part of the content hash.
    _choices: list[Option] = PrivateAttr(default_factory=list)
    _scale: Scale | None = PrivateAttr(default=None)
    _favourable: frozenset[str] = PrivateAttr(default=frozenset())
    _unfavourable: frozenset[str] = PrivateAttr(default=frozenset())

    @property
    def choices(self) -> list[Option]:
        """The options to show: the question's own, or its option set's (none for options_from)."""
        return self._choices

    @property
    def maturity_scale(self) -> Scale | None:
        """The question's own scale, or the questionnaire's default one."""
        return self._scale

    @property
    def favourable_codes(self) -> frozenset[str]:
        return self._favourable

    @property
    def unfavourable_codes(self) -> frozenset[str]:
        return self._unfavourable

    def choice(self, code: str) -> Option | None:
        return next((option for option in self._choices if option.code == code), None)

    def level_text(self, code: str) -> Text | None:
        """What a maturity level looks like for this question (or the scale's general wording)."""
        if self.levels and code in self.levels:
            return self.levels[code]
        point = self._scale.point(code) if self._scale else None
        return point.description if point else None

    @property
    def is_scored(self) -> bool:
        """Whether an answer to this question can enter a score."""
        if self.attribute or self.weight == 0:
            return False
        if self.kind in ("maturity", "yes_no_evidence"):
            return True
        if self.kind in ("single_choice", "multiple_choice"):
            return any(option.score is not None for option in self._choices)
        return self.kind == "number" and bool(self.score_bands)


class Section(_Model):
    code: Code
    key_factor: int | None = Field(default=None, ge=1, le=10)
    title: Text
    description: Text | None = None
    weight: Weight = 1.0
    questions: list[Question] = Field(min_length=1)


class Questionnaire(_Model):
    slug: Slug
    kind: Literal["self_assessment", "perception_survey"]
    version: Annotated[str, Field(min_length=1, max_length=64)]
    title: Text
    description: Text
    intro: Text
    scale: Scale | None = None
    option_sets: dict[Code, OptionSet] = Field(default_factory=dict)
    sections: list[Section] = Field(min_length=1)
    scoring: Scoring = Field(default_factory=Scoring)

    @model_validator(mode="after")
    def _resolve_defaults(self) -> Questionnaire:
        # Runs on every construction, so a questionnaire is never seen unresolved.
        _resolve(self)
        return self

    def iter_questions(self) -> Iterator[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                yield section, question

    def question(self, code: str) -> Question:
        for _, question in self.iter_questions():
            if question.code == code:
                return question
        raise KeyError(code)

    def band_label(self, code: str) -> Text | None:
        """The label of a maturity band, taken from the scale when the band does not name one."""
        band = next((band for band in self.scoring.bands if band.code == code), None)
        if band is None:
            return None
        if band.label is not None:
            return band.label
        point = self.scale.point(code) if self.scale else None
        return point.label if point else None


# Loading ------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys, which PyYAML would silently overwrite."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            continue  # construct_mapping below reports unhashable keys
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(text: str, source: str) -> Any:
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise QuestionnaireError(source, [f"{where}: {exc.problem}"]) from exc
    except yaml.YAMLError as exc:
        raise QuestionnaireError(source, [f"YAML: {exc}"]) from exc
    finally:
        loader.dispose()


def load_questionnaire(path: str | Path) -> Questionnaire:
    """Read, validate and resolve one questionnaire file; raise QuestionnaireError if unusable."""
    path = Path(path)
    return parse_questionnaire_text(path.read_text(encoding="utf-8"), source=path.name)


def parse_questionnaire_text(text: str, source: str = "<text>") -> Questionnaire:
    return parse_questionnaire(_read_yaml(text, source), source=source)


def parse_questionnaire(data: Any, source: str = "<data>") -> Questionnaire:
    """Validate already-loaded data (a mapping, as from YAML or JSON)."""
    if not isinstance(data, Mapping):
        raise QuestionnaireError(source, [f"top level: expected a mapping, got {_kind(data)}"])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        raise QuestionnaireError(source, _problems_from(exc)) from None
    problems = check_questionnaire(questionnaire)
    if problems:
        raise QuestionnaireError(source, problems)
    return questionnaire


def shipped_questionnaires() -> list[Path]:
    """The questionnaire files that ship with Arusha, by file name."""
    return sorted(CONTENT_DIR.glob("*.yaml"))


def canonical_json(questionnaire: Questionnaire) -> str:
    """The parsed content as canonical JSON: sorted keys, no spaces, unset options left out."""
    data = questionnaire.model_dump(mode="json", exclude_none=True)
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(questionnaire: Questionnaire) -> str:
    """sha256 of the canonical JSON: YAML layout does not change it, any wording change does."""
    return hashlib.sha256(canonical_json(questionnaire).encode("utf-8")).hexdigest()


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def _format_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "top level"


def _problems_from(error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False):
        loc = list(item["loc"])
        if item["type"] == "missing":
            problems.append(f"{_format_path(loc[:-1])}: missing '{loc[-1]}'")
        elif item["type"] == "extra_forbidden":
            problems.append(f"{_format_path(loc[:-1])}: unknown field '{loc[-1]}'")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{_format_path(loc)}: {message}")
    return problems


# Consistency checks (structure is already valid) ----------------------------------------------

# Optional question fields and the kinds that may use them.
_FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "scale": ("maturity",),
    "levels": ("maturity",),
    "options": ("single_choice", "multiple_choice"),
    "option_set": ("single_choice", "multiple_choice"),
    "options_from": ("single_choice", "multiple_choice"),
    "favourable": ("single_choice", "multiple_choice"),
    "unfavourable": ("single_choice", "multiple_choice"),
    "min": ("number",),
    "max": ("number",),
    "integer": ("number",),
    "unit": ("number",),
    "score_bands": ("number",),
    "evidence": ("yes_no_evidence",),
}


def check_questionnaire(questionnaire: Questionnaire) -> list[str]:
    """Every consistency problem that the field types alone cannot catch, with its path."""
    problems: list[str] = []
    if questionnaire.scale:
        problems += _check_scale(questionnaire.scale, "scale")
    for name, option_set in questionnaire.option_sets.items():
        path = f"option_sets.{name}"
        problems += _check_options(option_set.options, f"{path}.options")
        problems += _check_sentiment(option_set, option_set.options, path)
    problems += _check_codes(questionnaire)
    for s, section in enumerate(questionnaire.sections):
        for q, question in enumerate(section.questions):
            path = f"sections[{s}].questions[{q}]"
            problems += _check_question(questionnaire, question, path)
    problems += _check_bands(questionnaire)
    return problems


def _check_codes(questionnaire: Questionnaire) -> list[str]:
    problems: list[str] = []
    sections: dict[str, str] = {}
    questions: dict[str, str] = {}
    for s, section in enumerate(questionnaire.sections):
        problems += _first_use(sections, section.code, f"sections[{s}]")
        for q, question in enumerate(section.questions):
            problems += _first_use(questions, question.code, f"sections[{s}].questions[{q}]")
    return problems


def _first_use(seen: dict[str, str], code: str, path: str) -> list[str]:
    if code in seen:
        return [f"{path}.code: duplicate code '{code}' (first used at {seen[code]})"]
    seen[code] = path
    return []


def _check_scale(scale: Scale, path: str) -> list[str]:
    problems = []
    codes = [point.code for point in scale.points]
    for duplicate in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(f"{path}.points: duplicate code '{duplicate}'")
    values = [point.value for point in scale.points]
    if any(later <= earlier for earlier, later in pairwise(values)):
        problems.append(f"{path}.points: values must increase strictly, got {values}")
    return problems


def _check_options(options: list[Option], path: str) -> list[str]:
    problems = []
    codes = [option.code for option in options]
    for duplicate in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(f"{path}: duplicate code '{duplicate}'")
    for i, option in enumerate(options):
        if option.no_answer and option.score is not None:
            problems.append(f"{path}[{i}].score: a no_answer option cannot carry a score")
    return problems


def _check_sentiment(holder: OptionSet | Question, options: list[Option], path: str) -> list[str]:
    problems = []
    by_code = {option.code: option for option in options}
    for field in ("favourable", "unfavourable"):
        for code in getattr(holder, field) or []:
            if code not in by_code:
                problems.append(f"{path}.{field}: unknown option '{code}'")
            elif by_code[code].no_answer:
                problems.append(f"{path}.{field}: '{code}' is a no_answer option")
    both = set(holder.favourable or []) & set(holder.unfavourable or [])
    for code in sorted(both):
        problems.append(f"{path}: '{code}' is both favourable and unfavourable")
    return problems


def _check_question(questionnaire: Questionnaire, question: Question, path: str) -> list[str]:
    problems = []
    for field in sorted(question.model_fields_set & _FIELD_KINDS.keys()):
        # A field left at its default (canonical JSON writes `integer: false` for every
        # question) says nothing, so the stored canonical content parses again.
        if getattr(question, field) == Question.model_fields[field].default:
            continue
        if question.kind not in _FIELD_KINDS[field]:
            problems.append(f"{path}.{field}: not used by {question.kind} questions")
    if question.attribute and question.kind in ("maturity", "yes_no_evidence"):
        problems.append(f"{path}.attribute: a {question.kind} question cannot be an attribute")
    check = _KIND_CHECKS.get(question.kind)
    if check:
        problems += check(questionnaire, question, path)
    return problems


def _check_maturity(questionnaire: Questionnaire, question: Question, path: str) -> list[str]:
    scale = question.scale or questionnaire.scale
    if scale is None:
        return [f"{path}: a maturity question needs a scale (its own or the file's 'scale')"]
    problems = _check_scale(question.scale, f"{path}.scale") if question.scale else []
    codes = [point.code for point in scale.points]
    levels = question.levels or {}
    for code in codes:
        point = scale.point(code)
        if code not in levels and (point is None or point.description is None):
            problems.append(f"{path}.levels: missing '{code}'")
    for code in levels:
        if code not in codes:
            problems.append(f"{path}.levels: '{code}' is not a point of the scale {codes}")
    return problems


def _check_choice(questionnaire: Questionnaire, question: Question, path: str) -> list[str]:
    sources = [f for f in ("options", "option_set", "options_from") if getattr(question, f)]
    if len(sources) != 1:
        return [f"{path}: give exactly one of options, option_set, options_from"]
    if question.options_from:
        if question.options_from not in OPTION_SOURCES:
            return [f"{path}.options_from: unknown list '{question.options_from}'"]
        if question.favourable or question.unfavourable:
            return [f"{path}: favourable/unfavourable need options listed in the file"]
        return []
    if question.option_set and question.option_set not in questionnaire.option_sets:
        return [f"{path}.option_set: no option set named '{question.option_set}'"]
    options = _options_of(questionnaire, question)
    problems = _check_options(question.options, f"{path}.options") if question.options else []
    return problems + _check_sentiment(question, options, path)


def _check_number(questionnaire: Questionnaire, question: Question, path: str) -> list[str]:
    problems = []
    if question.min is not None and question.max is not None and question.min > question.max:
        problems.append(f"{path}: min {question.min:g} is above max {question.max:g}")
    starts = [band.at_least for band in question.score_bands or []]
    if any(later <= earlier for earlier, later in pairwise(starts)):
        problems.append(f"{path}.score_bands: at_least must increase strictly, got {starts}")
    return problems


def _check_evidence(questionnaire: Questionnaire, question: Question, path: str) -> list[str]:
    return [] if question.evidence else [f"{path}: missing 'evidence'"]


_KIND_CHECKS = {
    "maturity": _check_maturity,
    "single_choice": _check_choice,
    "multiple_choice": _check_choice,
    "number": _check_number,
    "yes_no_evidence": _check_evidence,
}


def _check_bands(questionnaire: Questionnaire) -> list[str]:
    bands = questionnaire.scoring.bands
    if not bands:
        return []
    problems = []
    if bands[0].min != 0:
        problems.append("scoring.bands[0].min: the first band must start at 0")
    mins = [band.min for band in bands]
    if any(later <= earlier for earlier, later in pairwise(mins)):
        problems.append(f"scoring.bands: min must increase strictly, got {mins}")
    points = {p.code for p in questionnaire.scale.points} if questionnaire.scale else set()
    for i, band in enumerate(bands):
        if band.label is None and band.code not in points:
            problems.append(f"scoring.bands[{i}]: missing 'label' (no scale point '{band.code}')")
    codes = [band.code for band in bands]
    for duplicate in sorted({code for code in codes if codes.count(code) > 1}):
        problems.append(f"scoring.bands: duplicate code '{duplicate}'")
    return problems


# Resolution -----------------------------------------------------------------------------------


def _options_of(questionnaire: Questionnaire, question: Question) -> list[Option]:
    if question.options is not None:
        return question.options
    option_set = questionnaire.option_sets.get(question.option_set or "")
    return option_set.options if option_set else []


def _resolve(questionnaire: Questionnaire) -> None:
    """Fill each question's choices, sentiment sets and scale; tolerant of inconsistent data,
    which check_questionnaire reports."""
    for _, question in questionnaire.iter_questions():
        option_set = questionnaire.option_sets.get(question.option_set or "")
        favourable = question.favourable
        unfavourable = question.unfavourable
        if option_set is not None:
            favourable = option_set.favourable if favourable is None else favourable
            unfavourable = option_set.unfavourable if unfavourable is None else unfavourable
        question._choices = list(_options_of(questionnaire, question))
        question._favourable = frozenset(favourable or ())
        question._unfavourable = frozenset(unfavourable or ())
        if question.kind == "maturity":
            question._scale = question.scale or questionnaire.scale
