"""Template filters that put the integrity pages' translated words on the library's keys."""

from __future__ import annotations

from django import template

from arusha.integrity import wording

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
def problem_kind(kind: str) -> str:
    """`{{ problem.kind|problem_kind }}`: a kind of validation problem, translated."""
    return wording.problem_kind(kind)
