"""Unit-value outliers: lines declared far below the usual value per kilogram, cleared as declared.

Each line's robust z is (log(value / kg) - median) / (1.4826 x MAD) in its HS6 x origin group,
falling back to HS6, then HS4, when the finer group has too few lines. Lines at or below the
threshold count as undervalued; the indicator is the share of an entity's priced lines that were
undervalued and cleared without adjustment (no offence found, no revenue recovered). A
statistical price is a selection signal, never a customs value.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from arusha.analytics.indicators.base import (
    IndicatorInfo,
    Settings,
    inherited_variance,
    rate_against_peers,
    register,
    rows,
    with_q,
)
from arusha.analytics.indicators.explanations import Text, columns, phrase, where
from arusha.analytics.prepare import NO_OFFICER, Prepared

UNDERVALUATION = register(
    IndicatorInfo(
        name="undervaluation",
        entities=("officer", "declarant", "office"),
        title="Undervalued lines cleared without adjustment",
        formula="Robust z = (ln(value/kg) - median_g) / (1.4826 MAD_g), g the HS6 x origin group, "
        "or HS6, or HS4 when the finer group has fewer than 30 lines (medians and MADs estimated "
        "on a sample of about 2 million lines, every k-th item of each declaration). "
        "y = lines with z <= -3 and no offence found or revenue recovered / priced lines; "
        "compared with peers as a rate (officers: other officers of the office; declarants and "
        "offices: all others), with overdispersion; Benjamini-Hochberg across units.",
        minimum="100 priced lines (positive value and mass); groups of 30 lines",
        source="Robust unit-value screening as in mirror and price-filter practice; Hampel (1974) "
        "for the MAD; Court of Justice of the EU, Keladis (2025), on statistical prices as "
        "signals only",
    )
)
LEVELS = (("hs6", "origin"), ("hs6",), ("hs4",))
MAD_SCALE = 1.4826  # makes the MAD a consistent estimate of the standard deviation for normal data


def valued_lines(prep: Prepared) -> ir.Table:
    """Lines with a positive value: keys, log unit value (when the mass is positive), whether
    the line was adjusted, and the first digit of the value (for Benford)."""
    t = prep.lines
    t = t.filter(t.customs_value > 0)
    adjusted: ir.BooleanValue = ibis.literal(False)
    if prep.has("offence_found"):
        adjusted = adjusted | t.offence_found.fill_null(False)
    if prep.has("revenue_recovered"):
        adjusted = adjusted | (t.revenue_recovered.fill_null(0) > 0)
    mass = t.net_mass_kg if prep.has("net_mass_kg") else ibis.null("float64")
    v = t.customs_value
    raw_digit = (v / (ibis.literal(10.0) ** v.log10().floor())).floor().cast("int64")
    no_officer = ibis.literal(NO_OFFICER)
    return t.select(
        "declaration_id",
        "item_no",
        office_id=t.office_id,
        officer_id=t.officer_id if prep.has_officer else no_officer,
        declarant_id=t.declarant_id,
        hs_code=t.hs_code,
        origin=t.origin_country.fill_null("") if prep.has("origin_country") else ibis.literal(""),
        luv=ibis.ifelse(mass > 0, (v / mass).ln(), ibis.null("float64")),
        adjusted=adjusted,
        # log10 can round at exact powers of ten (digit 10 or 0 instead of 1 or 9)
        digit=ibis.cases((raw_digit >= 10, 1), (raw_digit < 1, 9), else_=raw_digit),
    )


def _with_groups(t: ir.Table) -> ir.Table:
    return t.mutate(hs6=t.hs_code.substr(0, 6), hs4=t.hs_code.substr(0, 4))


def group_stats(
    prep: Prepared, lines: ir.Table, n_lines: int, settings: Settings
) -> list[ir.Table]:
    """Median and MAD of log unit value per group, for each fallback level, materialised.

    Estimated on a sample of about `uv_sample` lines, so that the cost stays flat as data
    grows; below that size every line is used. The sample is drawn from what a line is, not
    where it stands in the file: every k-th item of each declaration, starting from an item
    the hash of its identifier picks. The same lines in any order give the same sample."""
    step = max(1, int(np.ceil(n_lines / settings.uv_sample)))
    priced = lines.filter(lines.luv.notnull())
    if step > 1:
        start = priced.declaration_id.hash() % step
        priced = priced.filter((start + priced.item_no) % step == 0)
    sample = prep.engine.materialize(
        "uv_sample", _with_groups(priced).select("hs6", "hs4", "origin", "luv")
    )
    out = []
    for i, keys in enumerate(LEVELS):
        med = sample.group_by(list(keys)).aggregate(n=sample.count(), med=sample.luv.median())
        med = med.filter(med.n >= settings.uv_group_min)
        dev = sample.inner_join(med, list(keys))
        mad = dev.group_by(list(keys)).aggregate(
            med=dev.med.max(), mad=(dev.luv - dev.med).abs().median()
        )
        mad = mad.filter(mad.mad > 0).rename({f"med{i}": "med", f"mad{i}": "mad"})
        out.append(prep.engine.materialize(f"uv_level{i}", mad))
    return out


def resolved_groups(prep: Prepared, lines: ir.Table, levels: list[ir.Table]) -> ir.Table:
    """For every (tariff code, origin) in the data, the median and MAD of the finest group with
    enough lines; one small table, so that the pass over the lines needs a single join."""
    combos = _with_groups(lines.select("hs_code", "origin").distinct())
    for keys, level in zip(LEVELS, levels, strict=True):
        combos = combos.left_join(level, list(keys))
        combos = combos.drop(*[c for c in combos.columns if c.endswith("_right")])
    resolved = combos.select(
        "hs_code",
        "origin",
        med=ibis.coalesce(*[combos[f"med{i}"] for i in range(len(LEVELS))]),
        mad=ibis.coalesce(*[combos[f"mad{i}"] for i in range(len(LEVELS))]),
    )
    return prep.engine.materialize("uv_groups", resolved.filter(resolved.mad.notnull()))


DIGITS = [f"d{d}" for d in range(1, 10)]
BY_OFFICER, BY_DECLARANT = 0, 1  # the levels of value_cells


def value_cells(prep: Prepared, n_lines: int, settings: Settings) -> ir.Table:
    """Priced lines, undervalued ones, those cleared without adjustment, and counts of first
    digits 1-9 of declared values, per (office, officer) and per declarant, in one pass."""
    lines = valued_lines(prep)
    groups = resolved_groups(prep, lines, group_stats(prep, lines, n_lines, settings))
    # Grouped by the identifiers themselves, coded afterwards: the groups are few, so this is
    # cheaper than coding every line first (a level's unused keys come out as code -1).
    joined = lines.left_join(groups, ["hs_code", "origin"])
    z = (joined.luv - joined.med) / (MAD_SCALE * joined.mad)
    under = (z <= settings.uv_z).fill_null(False)
    flags = joined.select(
        "office_id",
        "officer_id",
        "declarant_id",
        priced=z.notnull(),
        under=under,
        cleared=under & ~joined.adjusted,
        **{f"d{d}": joined.digit == d for d in range(1, 10)},
    )
    sets = [["office_id", "officer_id"], ["declarant_id"]]
    cells = prep.engine.aggregate_sets(
        "value_cells_text", flags, sets, [], ["priced", "under", "cleared", *DIGITS]
    )
    return prep.engine.materialize("value_cells", prep.coded(cells))


def _level(prep: Prepared, cells: ir.Table, level: int, keys: list[str]) -> pd.DataFrame:
    frame = cells.filter(cells.level == level).select(*keys, "priced", "under", "cleared", *DIGITS)
    return prep.decode(prep.fetch(frame), tuple(keys))


def undervaluation(prep: Prepared, cells: ir.Table, settings: Settings) -> list[pd.DataFrame]:
    """The indicator for officers (within office), declarants and offices (national); offices
    are compared allowing for the ordinary differences between their officers."""
    out = []
    by_officer = cells.filter(cells.level == BY_OFFICER)
    sums = prep.fetch(by_officer.select("office_id", "officer_id", "priced", "under", "cleared"))
    offices = sums.groupby("office_id", as_index=False)[["priced", "under", "cleared"]].sum()
    offices = prep.decode(offices, ("office_id",))
    offices = offices.assign(entity_id=offices["office_id"], peer_group="all")
    extra = None
    if prep.has_officer:
        f = prep.decode(
            sums[sums["officer_id"] != NO_OFFICER].reset_index(drop=True),
            ("office_id", "officer_id"),
        )
        officers = f.assign(entity_id=f["officer_id"], peer_group=f["office_id"])
        scored = rate_against_peers(
            officers, "cleared", "priced", "peer_group", +1, settings.uv_min, settings
        )
        out.append(_rows(scored, "officer", settings))
        extra = inherited_variance(officers, offices, "priced", scored.attrs["tau2"])
    f = _level(prep, cells, BY_DECLARANT, ["declarant_id"])
    declarants = f.assign(entity_id=f["declarant_id"], office_id="", peer_group="all")
    scored = rate_against_peers(
        declarants, "cleared", "priced", "peer_group", +1, settings.uv_min, settings
    )
    out.append(_rows(scored[scored["computed"]].reset_index(drop=True), "declarant", settings))
    scored = rate_against_peers(
        offices, "cleared", "priced", "peer_group", +1, settings.uv_min, settings, extra
    )
    out.append(_rows(scored, "office", settings))
    return out


def _rows(scored: pd.DataFrame, kind: str, settings: Settings) -> pd.DataFrame:
    """Indicator rows; declarants too small to test are left out (there are many)."""
    f = with_q(scored, settings.alpha)
    text = _text(f, kind, settings)
    return rows(
        entity_kind=kind,
        entity_id=f["entity_id"],
        office_id=f["office_id"],
        indicator=UNDERVALUATION.name,
        value=f["y"].where(f["computed"]),
        expected=f["theta"].where(f["computed"]),
        p_value=f["p_value"],
        q_value=f["q_value"],
        flagged=f["flagged"],
        **columns(text),
        n=f["priced"],
        z=f["z"],
    )


def _text(f: pd.DataFrame, kind: str, settings: Settings) -> Text:
    place = {"office": f["office_id"]} if kind == "officer" else {}
    said = phrase(
        f"undervaluation.{kind}", len(f), entity=f["entity_id"], **place, cleared=f["cleared"],
        priced=f["priced"], rate=f["y"], threshold=settings.uv_z, peer_rate=f["theta"],
        q=f["q_value"],
    )  # fmt: skip
    skipped = phrase("not_computed.priced", len(f), count=f["priced"], minimum=settings.uv_min)
    return where(f["computed"], said, skipped)
