"""How far an agreement has come: progress per commitment, key factor and administration.

Progress of a group of actions is the mean of their progress percentages; done actions count as
100 and dropped actions do not count at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from arusha.core.key_factors import KeyFactor
from arusha.partnerships.models import Action, ActionPlan, Agreement, Commitment, Signatory


@dataclass
class Tally:
    """Progress of a group of actions."""

    label: str = ""
    total: int = 0
    done: int = 0
    overdue: int = 0
    progress_sum: int = 0
    items: list[object] = field(default_factory=list)

    def add(self, action: Action) -> None:
        if action.status == Action.Status.DROPPED:
            return
        self.total += 1
        self.done += action.status == Action.Status.DONE
        self.overdue += action.is_overdue
        self.progress_sum += 100 if action.status == Action.Status.DONE else action.progress

    @property
    def percent(self) -> int | None:
        return round(self.progress_sum / self.total) if self.total else None


def tally(actions: Iterable[Action], label: str = "") -> Tally:
    result = Tally(label=label)
    for action in actions:
        result.add(action)
    return result


def agreement_actions(agreement: Agreement) -> QuerySet[Action]:
    return (
        Action.objects.filter(plan__agreement=agreement)
        .select_related("plan__administration", "private_owner")
        .prefetch_related("commitments")
    )


def by_commitment(
    agreement: Agreement, actions: Iterable[Action]
) -> list[tuple[Commitment, Tally]]:
    tallies = {c.pk: Tally(items=[c]) for c in agreement.commitments.all()}
    for action in actions:
        for commitment in action.commitments.all():
            if commitment.pk in tallies:
                tallies[commitment.pk].add(action)
    by_pk = {c.pk: c for c in agreement.commitments.all()}
    return [(by_pk[pk], t) for pk, t in tallies.items()]


def by_key_factor(actions: Iterable[Action]) -> list[tuple[KeyFactor, Tally]]:
    tallies: dict[int, Tally] = defaultdict(Tally)
    for action in actions:
        factors = {f for c in action.commitments.all() for f in c.key_factors}
        for factor in factors:
            tallies[factor].add(action)
    return [(KeyFactor(f), tallies[f]) for f in sorted(tallies)]


def by_administration(actions: Iterable[Action]) -> list[tuple[ActionPlan, Tally]]:
    tallies: dict[int, Tally] = {}
    plans: dict[int, ActionPlan] = {}
    for action in actions:
        plans[action.plan_id] = action.plan
        tallies.setdefault(action.plan_id, Tally()).add(action)
    return sorted(
        ((plans[pk], t) for pk, t in tallies.items()),
        key=lambda pair: pair[0].administration.name,
    )


def adherence_over_time(signatories: Iterable[Signatory]) -> list[tuple[date, int, str]]:
    """(date, how many organisations had signed by then, who joined that day), in date order."""
    per_day: Counter[date] = Counter()
    names: dict[date, list[str]] = defaultdict(list)
    for signatory in signatories:
        per_day[signatory.signed_on] += 1
        names[signatory.signed_on].append(signatory.organisation.label)
    running, timeline = 0, []
    for day in sorted(per_day):
        running += per_day[day]
        timeline.append((day, running, ", ".join(sorted(names[day]))))
    return timeline
