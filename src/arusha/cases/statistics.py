"""Aggregates of reports and cases, every cell under five suppressed (core.suppression).

Two sources, never joined: the coarse records reporters consented to (and associations' bulk
uploads) give offices, stages, demand kinds and months; case metadata gives status, outcomes
and times. Counts are suppressed per breakdown with the subtraction rule; the heatmap is
suppressed row by row and shows no column totals, so no hidden cell can be recovered.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from arusha.cases import deadlines
from arusha.cases.models import Case, CasePolicy
from arusha.core.suppression import MIN_GROUP, suppress_counts, suppress_total
from arusha.reporting import taxonomy
from arusha.reporting.models import Channel, CoarseRecord


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[tuple[str, int | None]]
    total: int | None


def _labels(choices: Iterable[tuple[str, object]]) -> dict[str, object]:
    return dict(choices)


def _breakdown(title: str, counts: Counter[str], labels: Mapping[str, object]) -> Breakdown:
    shown = suppress_counts(dict(counts))
    rows = sorted(((str(labels.get(k, k) or _("Not given")), v) for k, v in shown.items()))
    return Breakdown(title, rows, suppress_total(sum(counts.values())))


def coarse_records(channels: Iterable[Channel]) -> QuerySet[CoarseRecord]:
    return CoarseRecord.objects.filter(channel__in=list(channels)).select_related("office")


def incident_breakdowns(records: QuerySet[CoarseRecord]) -> list[Breakdown]:
    rows = list(records)
    return [
        _breakdown(
            _("Reports per office"),
            Counter(r.office.name if r.office else "" for r in rows),
            {},
        ),
        _breakdown(
            _("Procedure stage"), Counter(r.stage for r in rows), _labels(taxonomy.Stage.choices)
        ),
        _breakdown(
            _("Kind of demand"),
            Counter(r.demand for r in rows),
            _labels(taxonomy.DemandKind.choices),
        ),
    ]


@dataclass(frozen=True)
class Heatmap:
    months: list[date]
    rows: list[tuple[str, list[int | None], int | None]]

    @property
    def peak(self) -> int:
        return max((v or 0 for _n, cells, _t in self.rows for v in cells), default=0)


def heatmap(records: QuerySet[CoarseRecord]) -> Heatmap:
    grid: dict[str, Counter[date]] = {}
    for record in records:
        if record.office is None or record.month is None:
            continue
        grid.setdefault(record.office.name, Counter())[record.month] += 1
    months = sorted({m for counts in grid.values() for m in counts})
    rows = []
    for office, counts in sorted(grid.items()):
        shown = suppress_counts({m: counts.get(m, 0) for m in months})
        rows.append((office, [shown[m] for m in months], suppress_total(sum(counts.values()))))
    return Heatmap(months, rows)


def monthly_cases(cases: QuerySet[Case]) -> list[tuple[date, int | None]]:
    counts = Counter(c.received_on.replace(day=1) for c in cases)
    if not counts:
        return []
    months, month = [], min(counts)
    while month <= max(counts):
        months.append(month)
        month = deadlines.add_months(month, 1)
    shown = suppress_counts({m: counts.get(m, 0) for m in months})
    return [(m, shown[m]) for m in months]


def outcome_breakdown(cases: QuerySet[Case]) -> Breakdown:
    closed = [c.outcome for c in cases if c.status == Case.Status.CLOSED]
    return _breakdown(_("Outcomes"), Counter(closed), _labels(Case.Outcome.choices))


def status_breakdown(cases: QuerySet[Case]) -> Breakdown:
    return _breakdown(
        _("Cases by status"), Counter(c.status for c in cases), _labels(Case.Status.choices)
    )


def _median_days(pairs: list[tuple[date, date]]) -> float | None:
    if len(pairs) < MIN_GROUP:
        return None
    return float(stats.median((end - start).days for start, end in pairs))


def times(cases: QuerySet[Case]) -> dict[str, float | None]:
    rows = list(cases)
    return {
        "acknowledge": _median_days(
            [(c.received_on, c.acknowledged_on) for c in rows if c.acknowledged_on]
        ),
        "close": _median_days([(c.received_on, c.closed_on) for c in rows if c.closed_on]),
    }


@dataclass(frozen=True)
class ComplianceRow:
    period: str
    cases: int | None
    acknowledged_in_time: float | None
    answered_in_time: float | None


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _share(flags: list[bool]) -> float | None:
    return round(100 * sum(flags) / len(flags)) if len(flags) >= MIN_GROUP else None


def compliance(cases: QuerySet[Case], today: date) -> list[ComplianceRow]:
    """Per quarter of receipt: the share acknowledged and answered in time, among the cases
    whose deadline has passed or whose clock has stopped (a running clock is not yet late)."""
    policies: dict[int, deadlines.Policy] = {}
    periods: dict[str, tuple[list[bool], list[bool], int]] = {}
    for case in cases.select_related("report__channel"):
        channel = case.report.channel
        if channel.pk not in policies:
            policies[channel.pk] = CasePolicy.for_channel(channel).deadline_policy()
        ack, feedback = deadlines.deadlines(
            case.received_on, case.acknowledged_on, case.feedback_on, policies[channel.pk]
        )
        acks, answers, count = periods.get(_quarter(case.received_on), ([], [], 0))
        for clock, bucket in ((ack, acks), (feedback, answers)):
            state = clock.state(today, 0)
            if state in (deadlines.MET, deadlines.LATE, deadlines.OVERDUE):
                bucket.append(state == deadlines.MET)
        periods[_quarter(case.received_on)] = (acks, answers, count + 1)
    return [
        ComplianceRow(period, suppress_total(count), _share(acks), _share(answers))
        for period, (acks, answers, count) in sorted(periods.items(), reverse=True)
    ]
