"""How officers (and offices) handle risky declarations, against their peers.

Manual downgrades of the risk engine's channel, the detection rate of inspections on red-channel
declarations, and release times by channel. Officers are compared with the other officers of the
same office, offices with the other offices. The peer comparison allows for ordinary variation
between officers (funnel-plot method with additive overdispersion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from arusha.analytics.indicators.base import (
    IndicatorInfo,
    Settings,
    inherited_variance,
    mean_against_peers,
    rate_against_peers,
    register,
    rows,
    with_q,
)
from arusha.analytics.indicators.explanations import Text, columns, phrase, where
from arusha.analytics.prepare import NO_OFFICER, RELEASE_SCALE, Prepared, outcome_sums

_PEERS = (
    "Peers are the other officers of the same office (for an office: the other offices, with the "
    "variance an office inherits from its officers' ordinary differences added to s^2). "
    "z = (y - theta) / sqrt(s^2 + tau^2), tau^2 the between-unit variance estimated from "
    "winsorised z-scores (Spiegelhalter, Stat Med 2005); one-sided p; Benjamini-Hochberg across "
    "units."
)
_FUNNEL = (
    "Spiegelhalter, Funnel plots for comparing institutional performance, Statistics in "
    "Medicine 24, 2005"
)
DOWNGRADES = register(
    IndicatorInfo(
        name="downgrades",
        entities=("officer", "office"),
        title="Manual channel downgrades",
        formula="y = declarations moved to a lower channel (red to yellow or green, yellow to "
        "green) / yellow or red declarations; theta = (peers' downgrades + 0.5) / (peers' yellow "
        "or red + 1); "
        "s^2 = theta (1 - theta) (1/n + 1/N_peers). High is suspicious. " + _PEERS,
        minimum="30 yellow or red declarations",
        source="WCO Integrity Development Guide (discretion in risk management); " + _FUNNEL,
    )
)
DETECTION = register(
    IndicatorInfo(
        name="red_detection",
        entities=("officer", "office"),
        title="Detection rate on red-channel inspections",
        formula="y = inspected red-channel declarations with an offence found on any item / "
        "inspected red-channel declarations; theta and s as for downgrades. Low is suspicious. "
        + _PEERS,
        minimum="20 inspected red-channel declarations",
        source="Chalendard et al., QJE 2023 (collusive declarations are found fraudulent less "
        "often); " + _FUNNEL,
    )
)
RELEASE = {
    ch: register(
        IndicatorInfo(
            name=f"fast_release_{ch}",
            entities=("officer", "office"),
            title=f"Release time on {ch}-channel declarations",
            formula=f"y = mean of log(1 + hours from lodging to release) over {ch}-channel "
            "declarations (as the risk engine assigned them) without an offence found; theta = the "
            "peers' mean, s^2 = peers' variance x (1/n + 1/N_peers). Low (fast) is suspicious. "
            "Shown as exp(y) - 1 hours. log(1 + hours) is kept to 4 decimals and summed as "
            "exact integers, so results do not depend on the engine's order of addition. " + _PEERS,
            minimum=f"20 released {ch}-channel declarations",
            source="Chalendard et al., QJE 2023 (collusive declarations clear faster); Cameroon "
            "performance contracts (Cantens, Raballand, Bilangna 2010); " + _FUNNEL,
        )
    )
    for ch in ("red", "yellow")
}


def units(prep: Prepared) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Outcome sums per officer (within office) and per office, each with its peer group."""
    d = prep.decl
    sums = prep.fetch(
        d.group_by(["office_id", "officer_id"]).aggregate(**outcome_sums(d, prep.present))
    )
    columns = [c for c in sums.columns if c not in ("office_id", "officer_id")]
    offices = sums.groupby("office_id", as_index=False)[columns].sum()
    officers = sums[sums["officer_id"] != NO_OFFICER].reset_index(drop=True)
    officers = prep.decode(officers, ("office_id", "officer_id"))
    offices = prep.decode(offices, ("office_id",))
    officers = officers.assign(entity_id=officers["officer_id"], peer_group=officers["office_id"])
    offices = offices.assign(entity_id=offices["office_id"], peer_group="all")
    return officers, offices


@dataclass(frozen=True)
class Spec:
    """One conduct indicator: its columns, direction, minimum and wording."""

    info: IndicatorInfo
    n: str  # the sample size column
    k: str = ""  # events, for rates
    channel: str = ""  # for release times
    direction: int = 1
    what: str = ""  # what n counts: the key of its "not computed" sentence

    def minimum(self, settings: Settings) -> int:
        if self.info is DOWNGRADES:
            return settings.downgrade_min
        return settings.detection_min if self.info is DETECTION else settings.release_min

    def score(
        self, frame: pd.DataFrame, settings: Settings, extra: pd.Series | None
    ) -> pd.DataFrame:
        if self.channel:
            ch = self.channel
            f = mean_against_peers(
                frame,
                self.n,
                f"rel_s_{ch}",
                f"rel_ss_{ch}",
                "peer_group",
                -1,
                self.minimum(settings),
                settings,
                extra,
                scale=RELEASE_SCALE,
            )
            return f.assign(
                value=np.expm1(f["y"].where(f["computed"])),
                expected=np.expm1(f["theta"].where(f["computed"])),
            )
        f = rate_against_peers(
            frame,
            self.k,
            self.n,
            "peer_group",
            self.direction,
            self.minimum(settings),
            settings,
            extra,
        )
        return f.assign(value=f["y"].where(f["computed"]), expected=f["theta"].where(f["computed"]))

    def describe(self, kind: str, f: pd.DataFrame, settings: Settings) -> Text:
        """Each row's explanation: the comparison, or why it was not computed."""
        size, n = len(f), f[self.n]
        who = {"entity": f["entity_id"], "office": f["office_id"]}
        if kind == "office":
            del who["entity"]
        if self.channel:
            figures = {"hours": f["value"], "peer_hours": f["expected"]}
        else:
            figures = {"k": f[self.k], "rate": f["y"], "peer_rate": f["theta"]}
        said = phrase(f"{self.info.name}.{kind}", size, n=n, q=f["q_value"], **who, **figures)
        skipped = phrase(f"not_computed.{self.what}", size, count=n, minimum=self.minimum(settings))
        return where(f["computed"], said, skipped)

    def emit(self, f: pd.DataFrame, kind: str, settings: Settings) -> pd.DataFrame:
        f = with_q(f, settings.alpha)
        return rows(
            entity_kind=kind,
            entity_id=f["entity_id"],
            office_id=f["office_id"],
            indicator=self.info.name,
            value=f["value"],
            expected=f["expected"],
            p_value=f["p_value"],
            q_value=f["q_value"],
            flagged=f["flagged"],
            **columns(self.describe(kind, f, settings)),
            n=f[self.n],
            z=f["z"],
        )


SPECS = (
    Spec(DOWNGRADES, n="high", k="down", direction=+1, what="high"),
    Spec(
        DETECTION,
        n="red_insp",
        k="red_insp_off",
        direction=-1,
        what="red_inspected",
    ),
    *(
        Spec(
            RELEASE[ch],
            n=f"rel_n_{ch}",
            channel=ch,
            direction=-1,
            what=f"released_{ch}",
        )
        for ch in ("red", "yellow")
    ),
)


def conduct(prep: Prepared, settings: Settings) -> list[pd.DataFrame]:
    """All conduct indicators the data allows, for officers (if known) and offices.

    Offices are compared allowing for the ordinary differences between their officers: the
    between-officer variance found at officer level is passed on to each office's comparison."""
    out = []
    officers, offices = units(prep)
    for spec in SPECS:
        if spec.n not in offices or (spec.k and spec.k not in offices):
            continue  # a column it needs is absent (downgrades: channel_final)
        extra = None
        if prep.has_officer:
            scored = spec.score(officers, settings, None)
            out.append(spec.emit(scored, "officer", settings))
            extra = inherited_variance(officers, offices, spec.n, scored.attrs["tau2"])
        out.append(spec.emit(spec.score(offices, settings, extra), "office", settings))
    return out
