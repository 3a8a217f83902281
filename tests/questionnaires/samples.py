"""Small questionnaires for tests to load, break and score."""

from __future__ import annotations

import copy
import textwrap
from typing import Any

import yaml


def words(english: str) -> dict[str, str]:
    """A translated text whose other languages are marked copies of the English."""
    return {
        "en": english,
        "es": f"{english} (es)",
        "fr": f"{english} (fr)",
        "pt": f"{english} (pt)",
    }


SMALL_YAML = textwrap.dedent(
    """\
    slug: small
    kind: self_assessment
    version: "1"
    title: {en: Small, es: Pequeño, fr: Petit, pt: Pequeno}
    description: {en: A test, es: Una prueba, fr: Un test, pt: Um teste}
    intro: {en: Answer it, es: Respóndalo, fr: Répondez-y, pt: Responda-lhe}
    scale:
      points:
        - {value: 1, code: low, label: {en: Low, es: Bajo, fr: Bas, pt: Baixo}}
        - {value: 2, code: high, label: {en: High, es: Alto, fr: Haut, pt: Alto}}
    sections:
      - code: s1
        key_factor: 1
        title: {en: One, es: Uno, fr: Un, pt: Um}
        questions:
          - code: q1
            kind: maturity
            text:
              en: How mature?
              es: ¿Qué madurez?
              fr: Quelle maturité ?
              pt: Que maturidade?
            levels:
              low: {en: Not much, es: Poca, fr: Peu, pt: Pouca}
              high: {en: Very, es: Mucha, fr: Beaucoup, pt: Muita}
          - code: q2
            kind: yes_no_evidence
            text: {en: "A plan?", es: "¿Un plan?", fr: "Un plan ?", pt: "Um plano?"}
            evidence: {en: Attach it, es: Adjúntelo, fr: Joignez-le, pt: Anexe-o}
    """
)


def small_data() -> dict[str, Any]:
    """A fresh, valid questionnaire as loaded data, for tests to break one piece at a time."""
    return copy.deepcopy(yaml.safe_load(SMALL_YAML))


def _point(value: int, code: str) -> dict[str, Any]:
    return {"value": value, "code": code, "label": words(code), "description": words(f"{code} ok")}


def _option(code: str, score: float | None = None, **extra: Any) -> dict[str, Any]:
    option = {"code": code, "label": words(code), **extra}
    if score is not None:
        option["score"] = score
    return option


def scoring_data() -> dict[str, Any]:
    """The questionnaire of the hand-computed scoring examples (test_questionnaire_scoring)."""
    evidence = words("Attach it")
    return {
        "slug": "scoring-example",
        "kind": "self_assessment",
        "version": "1",
        "title": words("Scoring example"),
        "description": words("Scoring example"),
        "intro": words("Scoring example"),
        "scale": {
            "points": [
                _point(1, "nascent"),
                _point(2, "emerging"),
                _point(3, "established"),
                _point(4, "leading"),
            ]
        },
        "scoring": {
            "overall": "sections",
            "bands": [
                {"code": "nascent", "min": 0},
                {"code": "emerging", "min": 0.25},
                {"code": "established", "min": 0.5},
                {"code": "leading", "min": 0.75},
            ],
        },
        "sections": [
            {
                "code": "a",
                "key_factor": 1,
                "title": words("A"),
                "questions": [
                    {"code": "a1", "kind": "maturity", "weight": 2, "text": words("a1")},
                    {
                        "code": "a2",
                        "kind": "yes_no_evidence",
                        "text": words("a2"),
                        "evidence": evidence,
                    },
                    {
                        "code": "a3",
                        "kind": "number",
                        "text": words("a3"),
                        "min": 0,
                        "max": 100,
                        "score_bands": [
                            {"at_least": 0, "score": 0},
                            {"at_least": 50, "score": 0.5},
                            {"at_least": 90, "score": 1},
                        ],
                    },
                ],
            },
            {
                "code": "b",
                "key_factor": 2,
                "title": words("B"),
                "questions": [
                    {
                        "code": "b1",
                        "kind": "single_choice",
                        "text": words("b1"),
                        "options": [
                            _option("good", 1),
                            _option("fair", 0.5),
                            _option("poor", 0),
                            _option("dont_know", no_answer=True),
                        ],
                        "favourable": ["good"],
                        "unfavourable": ["poor"],
                    },
                    {
                        "code": "b2",
                        "kind": "multiple_choice",
                        "text": words("b2"),
                        "options": [
                            _option("p1", 0.25),
                            _option("p2", 0.25),
                            _option("p3", 0.5),
                            _option("none", 0),
                        ],
                    },
                    {"code": "b3", "kind": "text", "text": words("b3"), "required": False},
                ],
            },
            {
                "code": "c",
                "key_factor": 1,
                "title": words("C"),
                "questions": [{"code": "c1", "kind": "maturity", "text": words("c1")}],
            },
        ],
    }
