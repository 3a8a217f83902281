"""What an entity's page (and the API's one-entity operation) shows: its score, the indicator
values behind it, and the pair charts read from the stored tested cells of a run.

For an officer: their declarant mix in one office and quarter against the office's. For a
declarant: the mirror, its officers against each officer's share of the office. For a pair: its
declarations against the count random assignment predicts, quarter by quarter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404

from arusha.core import audit
from arusha.core.models import User
from arusha.integrity.models import (
    AnalysisRun,
    EntityScore,
    IndicatorValue,
    PairCell,
    PairCellQuerySet,
)

TOP = 10


@dataclass(frozen=True)
class Quarter:
    """An office and quarter where the entity has tested cells: a choice in the quarter form."""

    office_id: str
    period: str
    flagged: int

    @property
    def key(self) -> str:
        return f"{self.office_id}|{self.period}"


@dataclass(frozen=True)
class Share:
    """One partner of the entity in a quarter: the entity's share against the office's."""

    partner: str
    n: int
    total: int  # the entity's declarations in the office and quarter
    reference_n: int  # the partner's declarations there
    office_total: int
    expected: float
    q_value: float | None
    flagged: bool

    @property
    def share(self) -> float:
        return self.n / self.total if self.total else 0.0

    @property
    def reference(self) -> float:
        return self.reference_n / self.office_total if self.office_total else 0.0

    @property
    def excess(self) -> float:
        return self.share - self.reference

    # In percent and percentage points, for the table beside the chart.
    @property
    def share_percent(self) -> float:
        return 100 * self.share

    @property
    def reference_percent(self) -> float:
        return 100 * self.reference

    @property
    def excess_points(self) -> float:
        return 100 * self.excess


@dataclass(frozen=True)
class Mix:
    """The partners shown (largest excess first, at most TOP) out of all those tested."""

    quarter: Quarter
    shares: list[Share]
    tested: int


def entity_of(run: AnalysisRun, kind: str, entity: str, office: str = "") -> EntityScore:
    """The entity's score in the run: in `office` when given, else its best-ranked (an officer
    or declarant is scored once per office). 404 when the run has none, or is not done (its
    results may be being written)."""
    if not run.is_done:
        raise Http404
    scores = run.entities.filter(entity_kind=kind, entity_id=entity)
    score = (scores.filter(office_id=office) if office else scores).order_by("rank").first()
    if score is None:
        raise Http404
    return score


def indicators_of(run: AnalysisRun, score: EntityScore) -> QuerySet[IndicatorValue]:
    """The indicator values behind a score, the most significant first."""
    return run.indicators.filter(**score.lead).order_by(
        F("q_value").asc(nulls_last=True), "indicator", "period"
    )


def record_view(user: User, run: AnalysisRun, score: EntityScore, **more: str) -> None:
    """Audit that `user` saw one named entity's results (`more`: how, or which chart)."""
    details = {**score.lead, **more}
    audit.record(
        user, "integrity.entity_viewed", run, organisation=run.organisation, details=details
    )


def cells_of(run: AnalysisRun, score: EntityScore) -> PairCellQuerySet:
    """The tested cells behind an officer's, declarant's or pair's page (none for an office)."""
    cells = run.pair_cells.all()
    if score.entity_kind == "officer":
        cells = cells.of_officer(score.entity_id)
    elif score.entity_kind == "declarant":
        cells = cells.of_declarant(score.entity_id)
    elif score.entity_kind == "pair":
        # The library names a pair "officer|declarant"; compare whole names, whatever they hold.
        pair = Concat(F("officer_id"), Value("|"), F("declarant_id"))
        cells = cells.annotate(pair=pair).filter(pair=score.entity_id)
    else:
        return cells.none()
    return cells.filter(office_id=score.office_id) if score.office_id else cells


def quarters(cells: QuerySet[PairCell]) -> list[Quarter]:
    rows = (
        cells.values("office_id", "period")
        .annotate(flagged=Count("pk", filter=Q(flagged=True)))
        .order_by("office_id", "period")
    )
    return [Quarter(r["office_id"], r["period"], r["flagged"]) for r in rows]


def chosen_quarter(
    cells: QuerySet[PairCell], choices: list[Quarter], wanted: str
) -> Quarter | None:
    """The quarter asked for if it is one of the choices, else the entity's most significant."""
    for quarter in choices:
        if quarter.key == wanted:
            return quarter
    best = cells.order_by(F("q_value").asc(nulls_last=True), "p_value", "period").first()
    if best is None:
        return None
    return next(q for q in choices if (q.office_id, q.period) == (best.office_id, best.period))


def declarant_mix(cells: PairCellQuerySet, quarter: Quarter) -> Mix:
    """An officer's cells: each declarant's share of the officer's declarations, against its
    share of the office's."""
    return _mix(cells, quarter, for_officer=True)


def officer_mix(cells: PairCellQuerySet, quarter: Quarter) -> Mix:
    """A declarant's cells: each officer's share of the declarant's declarations, against the
    officer's share of the office's."""
    return _mix(cells, quarter, for_officer=False)


def _mix(cells: PairCellQuerySet, quarter: Quarter, *, for_officer: bool) -> Mix:
    shares = []
    for c in cells.at(quarter.office_id, quarter.period):
        partner, own, partners = (
            (c.declarant_id, c.n_officer, c.n_declarant)
            if for_officer
            else (c.officer_id, c.n_declarant, c.n_officer)
        )
        shares.append(
            Share(partner, c.n, own, partners, c.n_office, c.expected, c.q_value, c.flagged)
        )
    return _largest_excess(quarter, shares)


def _largest_excess(quarter: Quarter, shares: list[Share]) -> Mix:
    ordered = sorted(shares, key=lambda s: (-s.excess, s.partner))
    return Mix(quarter, ordered[:TOP], len(shares))


def pair_quarters(cells: QuerySet[PairCell]) -> list[PairCell]:
    """A pair's tested quarters in time order (observed `n` against `expected`)."""
    return list(cells.order_by("period", "office_id"))
