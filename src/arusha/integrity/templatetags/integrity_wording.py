"""Template filters that put the integrity pages' translated words on the library's keys."""

from __future__ import annotations

from typing import Any

from django import template

from arusha.integrity import reviews, wording

register = template.Library()


@register.filter
def indicator_title(name: str) -> str:
    """`{{ i.indicator|indicator_title }}`: the indicator's title in the active language."""
    return wording.indicator_title(name)


@register.filter
def kind_label(kind: str) -> str:
    """`{{ score.entity_kind|kind_label }}`: officer, declarant, pair or office, translated."""
    return wording.kind_label(kind)


@register.filter
def decision_label(decision: str | None) -> str:
    """`{{ e.decision|decision_label }}`: a review's conclusion, translated ("" for none)."""
    return reviews.decision_label(decision)


@register.filter
def problem_kind(kind: str) -> str:
    """`{{ problem.kind|problem_kind }}`: a kind of validation problem, translated."""
    return wording.problem_kind(kind)


@register.filter
def problem_detail(problem: dict[str, Any]) -> str:
    """`{{ problem|problem_detail }}`: what is wrong, in the active language."""
    return wording.problem_detail(problem)


@register.filter
def has_detail(problem: dict[str, Any]) -> bool:
    """Whether the problem's details can be worded in the active language (else English)."""
    return str(problem.get("detail") or "") in wording.DETAILS


@register.filter
def has_wording(parts: Any) -> bool:
    """Whether a stored explanation can be worded in the active language (else English)."""
    return wording.has_wording(parts)


@register.filter
def explanation(parts: list[dict[str, Any]]) -> str:
    """`{{ i.wording|explanation }}`: an indicator's explanation in the active language."""
    return wording.explanation(parts)
