"""Small text filters for templates that must show a stored identifier in words."""

from __future__ import annotations

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def split(value: str, separator: str) -> list[str]:
    """`"OFR0004|DCL00035"|split:"|"` gives ["OFR0004", "DCL00035"]; no separator, one item."""
    return str(value).split(separator)


@register.filter
def object_kind(label: str) -> str:
    """A model label such as "integrity.analysisrun" in the reader's words ("analysis run").

    An unknown label is returned as stored.
    """
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return label
    return str(model._meta.verbose_name)
