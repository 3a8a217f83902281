"""Translatable copies of the library's English wording: its notice, indicator titles, entity
kinds and kinds of validation problem.

The library stays Django-free, so it cannot translate; tests keep these copies in step with it.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Word for word arusha.analytics.NOTICE in English (a test compares them).
NOTICE = _(
    "These are indicators for review, not proof of wrongdoing. Each compares an officer, "
    "declarant, pair or office with what random assignment or its peers would predict; "
    "legitimate reasons (specialisation, rotation, workload, data errors) can explain any of "
    "them. They concern named people: restrict access, log it, and review every lead with due "
    "process."
)

# Each registered indicator's title, word for word the library's in English (a test compares them).
INDICATOR_TITLES: dict[str, Promise] = {
    "undervaluation": _("Undervalued lines cleared without adjustment"),
    "benford": _("First-digit (Benford) deviation of declared values"),
    "pair_excess": _("Officer-declarant pairing above random assignment"),
    "collusion_signature": _("Collusion signature of a pair"),
    "declarant_concentration": _("Declarant concentration in an officer's caseload"),
    "officer_concentration": _("Officer concentration in a declarant's flow"),
    "downgrades": _("Manual channel downgrades"),
    "red_detection": _("Detection rate on red-channel inspections"),
    "fast_release_red": _("Release time on red-channel declarations"),
    "fast_release_yellow": _("Release time on yellow-channel declarations"),
}

# One entity (a page's heading) and a list of them (the ranked list's filter).
KIND: dict[str, Promise] = {
    "officer": _("Officer"),
    "declarant": _("Declarant"),
    "pair": _("Officer–declarant pair"),
    "office": _("Office"),
}
KINDS: dict[str, Promise] = {
    "officer": _("Officers"),
    "declarant": _("Declarants"),
    "pair": _("Officer–declarant pairs"),
    "office": _("Offices"),
}


# Each kind of validation problem, word for word the library's PROBLEM_KINDS in English.
PROBLEM_KINDS: dict[str, Promise] = {
    "missing_column": _("Required column missing"),
    "empty": _("No data rows"),
    "missing_value": _("Required value missing"),
    "unparsable": _("Value cannot be read"),
    "impossible": _("Impossible value"),
    "duplicate_key": _("Repeated declaration and item number"),
    "missing_first_item": _("Declaration without item 1"),
    "inconsistent": _("Differs between items of a declaration"),
}


def problem_kind(kind: str) -> str:
    label = PROBLEM_KINDS.get(kind)
    return str(label) if label is not None else kind


def indicator_title(name: str) -> str:
    """The indicator's title in the active language; the name itself if it has none (a test
    fails for any indicator the library registers without one)."""
    title = INDICATOR_TITLES.get(name)
    return str(title) if title is not None else name


def kind_label(kind: str) -> str:
    label = KIND.get(kind)
    return str(label) if label is not None else kind
