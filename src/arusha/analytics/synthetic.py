"""The synthetic world behind `generate`: offices, officers, declarants, goods, and how
declarations are drawn from them.

The world: offices of unequal size, officers with their own workloads, downgrade habits, skill and
speed; brokers (declarants) with Zipf-like volumes and a home office; importers tied to a broker;
HS6 codes and origins with their own unit values, masses, duty rates and risk. Declarations are
assigned to the officers present in their office and quarter at random, in proportion to each
officer's workload, so that on clean data the random-assignment hypothesis holds exactly.

Planted corruption (written to the ground-truth file, documented in docs/analytics.md):

- colluding pairs (officer, declarant, office): a share `bias` of the declarant's declarations at
  that office is steered to the officer instead of being assigned at random; steered declarations
  are riskier (risk score + 0.8), half their lines are declared at 10-30 % of their value, an
  offence is found on them a tenth as often, red and yellow ones are downgraded with probability
  0.4 and they are released four times faster. "Strong" pairs have bias 0.4, "weak" pairs 0.06.
- Benford fabricators: declarants whose declared values have uniformly distributed first digits.
- downgrading officers: officers who move yellow and red declarations to a lower channel at
  DOWNGRADER_RATE instead of their ordinary habit (about 3.5 %).

Scenarios: "standard" as above; "rotation" (postings.py) posts officers to offices a few weeks at
a time and makes some declarants active only in some months, with 14 colluding pairs and 5
downgrading officers by default.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pyarrow as pa

from arusha.analytics import postings

MEAN_ITEMS = 1.0 / 0.6  # items per declaration follow a geometric law with p = 0.6
STRONG_BIAS = 0.4
WEAK_BIAS = 0.06
DOWNGRADER_RATE = 0.3
SCENARIOS = ("standard", "rotation")
# The rotation scenario's defaults: colluding pairs (strong, weak) and downgrading officers.
ROTATION_PLANTED = (14, 0, 5)
COUNTRIES = (
    "CN",
    "US",
    "DE",
    "JP",
    "KR",
    "IT",
    "FR",
    "IN",
    "VN",
    "GB",
    "TR",
    "NL",
    "ES",
    "BR",
    "TH",
    "MY",
    "ID",
    "BE",
    "PL",
    "CH",
    "TW",
    "MX",
    "CA",
    "AU",
    "SE",
    "ZA",
    "AE",
    "SG",
    "AR",
    "CL",
    "EG",
    "NG",
    "KE",
    "MA",
    "PK",
    "BD",
    "LK",
    "PH",
    "SA",
    "RU",
    "UA",
    "CZ",
    "AT",
    "DK",
    "FI",
    "NO",
    "IE",
    "PT",
    "GR",
    "HU",
    "RO",
    "IL",
    "NZ",
    "CO",
    "PE",
    "EC",
    "KH",
    "MM",
    "TN",
    "GH",
)


@dataclass(frozen=True)
class GeneratorConfig:
    """What to generate. Cardinalities left as None scale with the number of rows."""

    rows: int = 100_000
    seed: int = 0
    start: date = date(2024, 1, 1)
    quarters: int = 4
    offices: int | None = None
    officers: int | None = None
    declarants: int | None = None
    importers: int | None = None
    hs_codes: int | None = None
    strong_pairs: int | None = None
    weak_pairs: int | None = None
    benford_declarants: int = 2
    clean: bool = False
    chunk_rows: int = 1_000_000
    scenario: str = "standard"
    downgrading_officers: int | None = None

    def __post_init__(self) -> None:
        if self.scenario not in SCENARIOS:
            raise ValueError(
                f"scenario must be one of {', '.join(SCENARIOS)}, not {self.scenario!r}"
            )

    def resolved(self) -> GeneratorConfig:
        """A copy with every cardinality filled in from the number of rows."""
        decls = max(1, round(self.rows / MEAN_ITEMS))
        offices = self.offices or int(np.clip(round(math.sqrt(decls) / 60), 3, 40))
        officers = self.officers or int(np.clip(decls // 2000, offices * 5, 2000))
        declarants = self.declarants or int(np.clip(decls // 1200, 30, 6000))
        pairs = int(np.clip(officers // 50, 2, 12))
        strong, weak, downgrading = (pairs, pairs, 0)
        if self.scenario == "rotation":
            strong, weak, downgrading = ROTATION_PLANTED
        clean = self.clean
        return GeneratorConfig(
            rows=self.rows,
            seed=self.seed,
            start=self.start,
            quarters=self.quarters,
            offices=offices,
            officers=max(officers, offices * 2),
            declarants=declarants,
            importers=self.importers or int(np.clip(decls // 40, 100, 300_000)),
            hs_codes=self.hs_codes or int(np.clip(decls // 20, 200, 1500)),
            strong_pairs=0
            if clean
            else (strong if self.strong_pairs is None else self.strong_pairs),
            weak_pairs=0 if clean else (weak if self.weak_pairs is None else self.weak_pairs),
            benford_declarants=0 if clean else self.benford_declarants,
            clean=clean,
            chunk_rows=self.chunk_rows,
            scenario=self.scenario,
            downgrading_officers=0
            if clean
            else (downgrading if self.downgrading_officers is None else self.downgrading_officers),
        )


@dataclass(frozen=True)
class PlantedPair:
    office_id: str
    officer_id: str
    declarant_id: str
    bias: float
    strength: str  # "strong" or "weak"


@dataclass
class World:
    """Everything drawn once from the seed; chunks of declarations are drawn from it."""

    cfg: GeneratorConfig
    office_ids: np.ndarray
    office_w: np.ndarray
    officer_ids: np.ndarray
    officer_office: np.ndarray
    officer_load: np.ndarray  # officers x quarters, 0 when absent
    officer_downgrade: np.ndarray
    officer_skill: np.ndarray
    officer_speed: np.ndarray
    declarant_ids: np.ndarray
    declarant_w: np.ndarray
    declarant_home: np.ndarray
    importer_ids: np.ndarray
    importer_w: np.ndarray
    importer_declarant: np.ndarray
    importer_risk: np.ndarray
    hs_codes: np.ndarray
    hs_w: np.ndarray
    hs_luv: np.ndarray
    hs_lmass: np.ndarray
    hs_rate: np.ndarray
    hs_risk: np.ndarray
    origin_w: np.ndarray
    origin_luv: np.ndarray
    origin_risk: np.ndarray
    pair_officer: dict[tuple[int, int], int] = field(default_factory=dict)
    pair_bias: dict[tuple[int, int], float] = field(default_factory=dict)
    benford: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    downgraders: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    posting: np.ndarray | None = None  # rotation: officers x days, office posted to (-1: none)
    declarant_active: np.ndarray | None = None  # rotation: declarants x days, trading or not


def _apportion(weights: np.ndarray, total: int, minimum: int) -> np.ndarray:
    """Split `total` in proportion to `weights` (largest remainder), at least `minimum` each."""
    spare = max(0, total - minimum * len(weights))
    share = weights * spare
    counts = np.floor(share).astype(int)
    counts[np.argsort(counts - share)[: spare - counts.sum()]] += 1
    return counts + minimum


def _zipf(rng: np.random.Generator, n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** s
    rng.shuffle(w)
    return w / w.sum()


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def build_world(cfg: GeneratorConfig, rng: np.random.Generator) -> World:
    n_off, n_ofc, n_dec = cfg.offices or 1, cfg.officers or 2, cfg.declarants or 1
    n_imp, n_hs = cfg.importers or 1, cfg.hs_codes or 1
    office_w = 1.0 / np.arange(1, n_off + 1) ** 0.8
    office_w /= office_w.sum()
    per_office = _apportion(office_w, n_ofc, minimum=2)
    officer_office = np.repeat(np.arange(n_off), per_office)
    load = rng.uniform(0.6, 1.4, size=(len(officer_office), cfg.quarters))
    load[rng.random(load.shape) < 0.05] = 0.0
    load[np.r_[0, np.cumsum(per_office)[:-1]]] = np.maximum(
        load[np.r_[0, np.cumsum(per_office)[:-1]]], 0.6
    )
    declarant_w = _zipf(rng, n_dec, 0.9)
    importer_w = _zipf(rng, n_imp, 0.8)
    world = World(
        cfg=cfg,
        office_ids=np.array([f"OF{i:02d}" for i in range(1, n_off + 1)], dtype=object),
        office_w=office_w,
        officer_ids=_ids("OFR", len(officer_office), 4),
        officer_office=officer_office,
        officer_load=load,
        officer_downgrade=0.035 * rng.lognormal(0, 0.4, len(officer_office)),
        officer_skill=rng.uniform(0.65, 0.95, len(officer_office)),
        officer_speed=rng.lognormal(0, 0.15, len(officer_office)),
        declarant_ids=_ids("DCL", n_dec, 5),
        declarant_w=declarant_w,
        declarant_home=rng.choice(n_off, size=n_dec, p=office_w),
        importer_ids=_ids("IMP", n_imp, 6),
        importer_w=importer_w,
        importer_declarant=rng.choice(n_dec, size=n_imp, p=declarant_w),
        importer_risk=rng.normal(0, 0.5, n_imp),
        hs_codes=_unique_hs(rng, n_hs),
        hs_w=_zipf(rng, n_hs, 0.9),
        hs_luv=rng.normal(math.log(15), 1.0, n_hs),
        hs_lmass=rng.normal(5.0, 2.0, n_hs),
        hs_rate=rng.choice(
            [0.0, 5.0, 10.0, 15.0, 20.0, 30.0], size=n_hs, p=[0.15, 0.25, 0.25, 0.15, 0.12, 0.08]
        ),
        hs_risk=rng.normal(0, 0.5, n_hs),
        origin_w=_zipf(rng, len(COUNTRIES), 1.1),
        origin_luv=rng.normal(0, 0.25, len(COUNTRIES)),
        origin_risk=rng.normal(0, 0.3, len(COUNTRIES)),
    )
    if cfg.scenario == "rotation":
        postings.build(world, rng, _quarter_bounds(cfg))
    return world


def _unique_hs(rng: np.random.Generator, n: int) -> np.ndarray:
    codes = rng.choice(np.arange(10_000, 980_000), size=n, replace=False)
    return np.array([f"{c:06d}" for c in codes], dtype=object)


def plant(world: World, rng: np.random.Generator) -> list[PlantedPair]:
    """Choose colluding pairs in offices with enough officers, with busy home declarants."""
    cfg = world.cfg
    wanted = [("strong", STRONG_BIAS)] * (cfg.strong_pairs or 0) + [("weak", WEAK_BIAS)] * (
        cfg.weak_pairs or 0
    )
    counts = np.bincount(world.officer_office, minlength=len(world.office_ids))
    offices = [o for o in np.argsort(-world.office_w) if counts[o] >= 4]
    used_officers: set[int] = set()
    used_declarants: set[int] = set()
    planted: list[PlantedPair] = []
    sites = _rotation_sites(world, offices) if world.declarant_active is not None else None
    for k, (strength, bias) in enumerate(wanted):
        if sites is None:
            office, home = _standard_site(world, offices, k, used_declarants)
        else:
            office, home = sites[k] if k < len(sites) else (0, [])
        officers = [
            i for i in np.flatnonzero(world.officer_office == office) if i not in used_officers
        ]
        if not officers or not home:
            continue
        officer = int(rng.choice(officers))
        declarant = int(rng.choice(home))
        used_officers.add(officer)
        used_declarants.add(declarant)
        world.pair_officer[(declarant, int(office))] = officer
        world.pair_bias[(declarant, int(office))] = bias
        planted.append(
            PlantedPair(
                office_id=str(world.office_ids[office]),
                officer_id=str(world.officer_ids[officer]),
                declarant_id=str(world.declarant_ids[declarant]),
                bias=bias,
                strength=strength,
            )
        )
    _plant_downgraders(world, rng, used_officers)
    world.benford = np.zeros(len(world.declarant_ids), dtype=bool)
    ranked = [d for d in np.argsort(-world.declarant_w)[4:40] if d not in used_declarants]
    for d in ranked[: cfg.benford_declarants]:
        world.benford[d] = True
    return planted


def _standard_site(
    world: World, offices: list[int], k: int, used: set[int]
) -> tuple[int, list[int]]:
    """The k-th pair's office (largest first, in turn) and its busiest unused home declarants."""
    office = offices[k % len(offices)] if offices else 0
    based = np.flatnonzero(world.declarant_home == office)
    busiest = based[np.argsort(-world.declarant_w[based])][:25]
    return office, [int(d) for d in busiest if d not in used]


def _rotation_sites(world: World, offices: list[int]) -> list[tuple[int, list[int]]]:
    """In the rotation scenario, pairs go to the offices in turn as in the standard one, with
    busy declarants (in the top quarter of volumes) active all year, so that every planted pair
    can be found whatever the officer's postings; offices without any are skipped."""
    assert world.declarant_active is not None  # noqa: S101 -- only called in that scenario
    busy = world.declarant_active.all(axis=1) & (
        world.declarant_w >= np.quantile(world.declarant_w, 0.75)
    )
    by_office = {o: list(np.flatnonzero(busy & (world.declarant_home == o))) for o in offices}
    for candidates in by_office.values():
        candidates.sort(key=lambda d: -world.declarant_w[d])
    sites: list[tuple[int, list[int]]] = []
    while any(by_office.values()):
        for office in offices:
            if by_office[office]:
                sites.append((int(office), [int(by_office[office].pop(0))]))
    return sites


def _plant_downgraders(world: World, rng: np.random.Generator, colluding: set[int]) -> None:
    """Officers (other than colluding ones) who downgrade channels at DOWNGRADER_RATE."""
    wanted = world.cfg.downgrading_officers or 0
    if not wanted:
        return
    others = np.array([i for i in range(len(world.officer_ids)) if i not in colluding])
    chosen = np.sort(rng.choice(others, size=min(wanted, len(others)), replace=False))
    world.officer_downgrade[chosen] = DOWNGRADER_RATE
    world.downgraders = chosen


def _quarter_bounds(cfg: GeneratorConfig) -> np.ndarray:
    """Start of each quarter (and the end of the last) as epoch seconds."""
    bounds = []
    y, m = cfg.start.year, ((cfg.start.month - 1) // 3) * 3 + 1
    for _ in range(cfg.quarters + 1):
        bounds.append(calendar.timegm(datetime(y, m, 1).timetuple()))
        m += 3
        if m > 12:
            y, m = y + 1, m - 12
    return np.array(bounds, dtype=np.float64)


def _assign_officers(
    world: World, rng: np.random.Generator, office: np.ndarray, quarter: np.ndarray
) -> np.ndarray:
    """Random assignment within (office, quarter), in proportion to each officer's workload."""
    n_q = world.cfg.quarters
    officer = np.empty(len(office), dtype=np.int64)
    group = office * n_q + quarter
    order = np.argsort(group, kind="stable")
    cuts = np.searchsorted(group[order], np.arange(len(world.office_ids) * n_q + 1))
    for g in range(len(cuts) - 1):
        rows = order[cuts[g] : cuts[g + 1]]
        if len(rows) == 0:
            continue
        o, q = divmod(g, n_q)
        members = np.flatnonzero(world.officer_office == o)
        w = world.officer_load[members, q]
        w = w if w.sum() > 0 else np.ones(len(members))
        officer[rows] = members[rng.choice(len(members), size=len(rows), p=w / w.sum())]
    return officer


def _when_and_who(
    world: World, rng: np.random.Generator, declarant: np.ndarray, office: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Quarter and officer of each declaration, and in the rotation scenario its day."""
    if world.posting is None or world.declarant_active is None:
        quarter = rng.integers(0, world.cfg.quarters, size=len(office))
        return quarter, _assign_officers(world, rng, office, quarter), None
    day = postings.draw_days(world.declarant_active, rng, declarant)
    bounds = _quarter_bounds(world.cfg)
    quarter = np.searchsorted(bounds, bounds[0] + day * 86400.0, side="right") - 1
    return quarter, postings.assign(world, world.posting, rng, office, day, quarter), day


def _declarations(world: World, rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Draw n declarations: who, where, when, risk, assignment and collusion."""
    importer = rng.choice(len(world.importer_ids), size=n, p=world.importer_w)
    declarant = world.importer_declarant[importer].copy()
    switch = rng.random(n) < 0.1
    declarant[switch] = rng.choice(
        len(world.declarant_ids), size=int(switch.sum()), p=world.declarant_w
    )
    office = world.declarant_home[declarant].copy()
    away = rng.random(n) < 0.25
    office[away] = rng.choice(len(world.office_ids), size=int(away.sum()), p=world.office_w)
    quarter, officer, day = _when_and_who(world, rng, declarant, office)
    steered = np.zeros(n, dtype=bool)
    for (d, o), i in world.pair_officer.items():
        if world.posting is None or day is None:
            present = world.officer_load[i, quarter] > 0
        else:
            present = world.posting[i, day] == o
        rows = np.flatnonzero((declarant == d) & (office == o) & present)
        hit = rows[rng.random(len(rows)) < world.pair_bias[(d, o)]]
        officer[hit] = i
        steered[hit] = True
    origin = rng.choice(len(COUNTRIES), size=n, p=world.origin_w)
    return {
        "importer": importer,
        "declarant": declarant,
        "office": office,
        "quarter": quarter,
        "officer": officer,
        "steered": steered,
        "origin": origin,
        "noise": rng.normal(0, 0.7, n),
        **({} if day is None else {"day": day}),
    }


def _channels(
    world: World, rng: np.random.Generator, d: dict[str, np.ndarray], risk: np.ndarray
) -> None:
    """Risk-engine channel, the officer's manual change, checks and findings."""
    n = len(risk)
    assigned = np.where(risk > 1.33, 2, np.where(risk > 0.55, 1, 0))
    p_down = np.where(d["steered"], 0.4, world.officer_downgrade[d["officer"]])
    down = (assigned > 0) & (rng.random(n) < p_down)
    final = assigned.copy()
    to_green = rng.random(n) < np.where(assigned == 2, 0.4, 1.0)
    final[down] = np.where(to_green[down], 0, assigned[down] - 1)
    inspected = (final > 0) | (rng.random(n) < 0.02)
    fraud = rng.random(n) < 1.0 / (1.0 + np.exp(-(1.2 * risk - 3.6)))
    p_find = world.officer_skill[d["officer"]] * np.where(final == 1, 0.5, 1.0)
    p_find = np.where(d["steered"], 0.1 * p_find, p_find)
    found = inspected & fraud & (rng.random(n) < p_find)
    d.update(assigned=assigned, final=final, inspected=inspected, fraud=fraud, found=found)


def _release_hours(world: World, rng: np.random.Generator, d: dict[str, np.ndarray]) -> np.ndarray:
    median = np.array([1.5, 8.0, 30.0])[d["final"]]
    sigma = np.array([0.8, 0.7, 0.6])[d["final"]]
    hours = (
        median
        * world.officer_speed[d["officer"]]
        * np.exp(sigma * rng.standard_normal(len(median)))
    )
    hours = np.where(d["steered"], hours * 0.25, hours)
    return hours + np.where(d["found"], rng.uniform(24, 96, len(hours)), 0.0)


def draw_chunk(world: World, rng: np.random.Generator, first_decl: int, rows: int) -> pa.Table:
    """Draw declarations until `rows` items, and return them as canonical rows."""
    n = math.ceil(rows / MEAN_ITEMS * 1.05) + 10
    items = np.minimum(rng.geometric(0.6, size=n), 30)
    ends = np.cumsum(items)
    n = int(np.searchsorted(ends, rows) + 1)
    items = items[:n]
    items[-1] -= int(ends[n - 1] - rows)
    d = _declarations(world, rng, n)
    line_decl = np.repeat(np.arange(n), items)
    starts = np.r_[0, np.cumsum(items)[:-1]]
    item_no = np.arange(rows) - starts[line_decl] + 1
    hs = rng.choice(len(world.hs_codes), size=rows, p=world.hs_w)
    risk = (
        world.importer_risk[d["importer"]]
        + world.hs_risk[hs[starts]]
        + world.origin_risk[d["origin"]]
        + d["noise"]
        + np.where(d["steered"], 0.8, 0.0)
    )
    _channels(world, rng, d, risk)
    origin = np.where(
        rng.random(rows) < 0.85,
        d["origin"][line_decl],
        rng.choice(len(COUNTRIES), size=rows, p=world.origin_w),
    )
    mass = np.maximum(
        0.1, np.round(np.exp(world.hs_lmass[hs] + 1.2 * rng.standard_normal(rows)), 1)
    )
    luv = world.hs_luv[hs] + world.origin_luv[origin] + 0.35 * rng.standard_normal(rows)
    true_value = np.exp(luv) * mass
    factor = np.ones(rows)
    under = d["fraud"][line_decl] & (rng.random(rows) < 0.6)
    factor[under] = rng.uniform(0.3, 0.7, int(under.sum()))
    planted = d["steered"][line_decl] & (rng.random(rows) < 0.5)
    factor[planted] = rng.uniform(0.1, 0.3, int(planted.sum()))
    declared = true_value * factor
    fab = world.benford[d["declarant"][line_decl]]
    if fab.any():
        decade = 10.0 ** np.floor(np.log10(np.maximum(declared[fab], 1.0)))
        declared[fab] = rng.uniform(1.0, 10.0, int(fab.sum())) * decade
    declared = np.round(declared, 2)
    rate = world.hs_rate[hs]
    found_line = d["found"][line_decl]
    recovered = np.where(
        found_line,
        np.round(np.maximum(true_value - declared, 0.05 * declared) * rate / 100 * 1.5, 2),
        0.0,
    )
    bounds = _quarter_bounds(world.cfg)
    q = d["quarter"]
    if "day" in d:
        lodged = bounds[0] + d["day"] * 86400.0 + rng.uniform(7 * 3600, 18 * 3600, n)
    else:
        span = bounds[q + 1] - bounds[q]
        day = np.floor(rng.random(n) * (span / 86400.0))
        lodged = bounds[q] + day * 86400.0 + rng.uniform(7 * 3600, 18 * 3600, n)
    released = lodged + _release_hours(world, rng, d) * 3600.0
    return _table(
        world,
        d,
        line_decl,
        first_decl,
        item_no,
        hs,
        origin,
        mass,
        declared,
        rate,
        recovered,
        lodged,
        released,
    )


def _dict_array(labels: np.ndarray, idx: np.ndarray) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(idx, pa.int32()), pa.array(labels, pa.string()))


def _table(
    world: World,
    d: dict[str, np.ndarray],
    line_decl: np.ndarray,
    first_decl: int,
    item_no: np.ndarray,
    hs: np.ndarray,
    origin: np.ndarray,
    mass: np.ndarray,
    declared: np.ndarray,
    rate: np.ndarray,
    recovered: np.ndarray,
    lodged: np.ndarray,
    released: np.ndarray,
) -> pa.Table:
    channels = np.array(["green", "yellow", "red"], dtype=object)
    decl_no = pa.array(line_decl + first_decl + 1_000_000_000, pa.int64()).cast(pa.string())
    ts = pa.timestamp("s")
    return pa.table(
        {
            "declaration_id": decl_no,
            "item_no": pa.array(item_no, pa.int32()),
            "lodged_at": pa.array(lodged[line_decl].astype("int64"), pa.int64()).cast(ts),
            "released_at": pa.array(released[line_decl].astype("int64"), pa.int64()).cast(ts),
            "office_id": _dict_array(world.office_ids, d["office"][line_decl]),
            "declarant_id": _dict_array(world.declarant_ids, d["declarant"][line_decl]),
            "importer_id": _dict_array(world.importer_ids, d["importer"][line_decl]),
            "officer_id": _dict_array(world.officer_ids, d["officer"][line_decl]),
            "hs_code": _dict_array(world.hs_codes, hs),
            "origin_country": _dict_array(np.array(COUNTRIES, dtype=object), origin),
            "customs_value": pa.array(declared, pa.float64()),
            "net_mass_kg": pa.array(mass, pa.float64()),
            "duty_rate": pa.array(rate, pa.float64()),
            "duty_paid": pa.array(np.round(declared * rate / 100.0, 2), pa.float64()),
            "channel_assigned": _dict_array(channels, d["assigned"][line_decl]),
            "channel_final": _dict_array(channels, d["final"][line_decl]),
            "inspected": pa.array(d["inspected"][line_decl], pa.bool_()),
            "offence_found": pa.array(d["found"][line_decl], pa.bool_()),
            "revenue_recovered": pa.array(recovered, pa.float64()),
        }
    )
