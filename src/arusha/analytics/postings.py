"""The generator's `rotation` scenario: officers posted to offices a few weeks at a time, and
declarants active only in some months.

This is the data on which judging random assignment within office x quarter goes wrong: an
officer posted to an office for three weeks of a quarter, and a declarant busy only in those
weeks, meet far more often than their quarterly totals predict, without any collusion. Postings
start on any day (not on Mondays), so that weekly strata are only an approximation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from arusha.analytics.synthetic import World

POSTING_DAYS = (14, 42)  # a posting lasts two to six weeks
AT_HOME = 0.7  # share of postings at the officer's home office
ON_LEAVE = 0.05  # share of postings spent away from every office (leave, training)
SEASONAL = 0.4  # share of declarants active only in some months
SEASON_MONTHS = (1, 4)  # a seasonal declarant's months of activity, consecutive
NO_POST = -1


def days_and_months(bounds: np.ndarray) -> tuple[int, np.ndarray]:
    """The number of days covered and the month (counted from the first) of each day."""
    days = round((bounds[-1] - bounds[0]) / 86400)
    dates = np.datetime64(int(bounds[0]), "s").astype("datetime64[D]") + np.arange(days)
    months = dates.astype("datetime64[M]").astype(np.int64)
    return days, months - months[0]


def build(world: World, rng: np.random.Generator, bounds: np.ndarray) -> None:
    """Draw every officer's postings (office per day) and every declarant's active days."""
    days, months = days_and_months(bounds)
    quarter = np.searchsorted(bounds, bounds[0] + np.arange(days) * 86400.0, side="right") - 1
    world.posting = _postings(world, rng, days)
    off_duty = world.officer_load[:, quarter] == 0
    anchors = _anchors(world)
    off_duty[anchors] = False
    world.posting[off_duty] = NO_POST
    world.declarant_active = _seasons(world, rng, months)


def _anchors(world: World) -> np.ndarray:
    """The first officer of each office stays there all year, so that no office is ever empty."""
    return np.unique(world.officer_office, return_index=True)[1]


def _postings(world: World, rng: np.random.Generator, days: int) -> np.ndarray:
    n_officers, n_offices = len(world.officer_ids), len(world.office_ids)
    posting = np.empty((n_officers, days), dtype=np.int64)
    for officer in range(n_officers):
        home = int(world.officer_office[officer])
        day = -int(rng.integers(0, POSTING_DAYS[1]))  # postings do not all start on day one
        while day < days:
            length = int(rng.integers(POSTING_DAYS[0], POSTING_DAYS[1] + 1))
            u = rng.random()
            if u < AT_HOME or n_offices == 1:
                office = home
            elif u < 1 - ON_LEAVE:
                others = np.delete(np.arange(n_offices), home)
                weights = world.office_w[others] / world.office_w[others].sum()
                office = int(rng.choice(others, p=weights))
            else:
                office = NO_POST
            posting[officer, max(day, 0) : day + length] = office
            day += length
    posting[_anchors(world)] = world.officer_office[_anchors(world)][:, None]
    return posting


def _seasons(world: World, rng: np.random.Generator, months: np.ndarray) -> np.ndarray:
    """Declarants x days, True where the declarant trades; seasonal ones trade a few months."""
    n_months = int(months[-1]) + 1
    active = np.ones((len(world.declarant_ids), n_months), dtype=bool)
    seasonal = np.flatnonzero(rng.random(len(world.declarant_ids)) < SEASONAL)
    for d in seasonal:
        length = int(rng.integers(SEASON_MONTHS[0], SEASON_MONTHS[1] + 1))
        first = int(rng.integers(0, max(1, n_months - length + 1)))
        active[d] = False
        active[d, first : first + length] = True
    return active[:, months]


def draw_days(active: np.ndarray, rng: np.random.Generator, declarant: np.ndarray) -> np.ndarray:
    """A day (from the first) for each declaration, uniform over its declarant's active days
    (`active`: declarants x days)."""
    days = active.shape[1]
    counts = active.sum(axis=1)
    chosen = np.floor(rng.random(len(declarant)) * counts[declarant]).astype(np.int64)
    # the k-th active day of declarant d, found in the running count of the flattened matrix
    running = np.cumsum(active.ravel())
    before = np.r_[0, np.cumsum(counts)[:-1]]
    flat = np.searchsorted(running, before[declarant] + chosen + 1)
    return flat - declarant * days


def assign(
    world: World,
    posting: np.ndarray,
    rng: np.random.Generator,
    office: np.ndarray,
    day: np.ndarray,
    quarter: np.ndarray,
) -> np.ndarray:
    """Random assignment among the officers posted to the office that day (`posting`: officers
    x days), in proportion to their workload."""
    officer = np.empty(len(office), dtype=np.int64)
    group = office * posting.shape[1] + day
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    for first, last in zip(starts, np.r_[starts[1:], len(order)], strict=True):
        rows = order[first:last]
        o, d = int(office[rows[0]]), int(day[rows[0]])
        members = np.flatnonzero(posting[:, d] == o)
        w = world.officer_load[members, quarter[rows[0]]]
        w = np.where(w > 0, w, 0.6)  # anchors work even in a quarter drawn as absent
        officer[rows] = members[rng.choice(len(members), size=len(rows), p=w / w.sum())]
    return officer
