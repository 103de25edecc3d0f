"""Second opinion by synthetic control (pysyncon), with donors screened for spillover.

The treated unit is the treated route's monthly detections, all nationalities (the panel's
"fall on the treated route"). A donor must not be able to receive the crossings the event
displaced, and every Frontex route can: so donors are not routes but **nationality × route
series of the nationalities that did not use the treated route** before the event (less
than ``MAX_SHARE`` of its pre-event detections) — the people the event could push
elsewhere are the exposed nationalities, and these are not them. A donor also needs volume
(``MIN_MONTHLY`` detections a month on average before the event, and detections in at least
``MIN_ACTIVE`` of the pre-event months); the Western Balkan and Eastern Mediterranean routes
are never donors for each other (they re-count the same people), nor is "Other".

Every series is indexed to its own pre-event mean (the treated route carries hundreds of
thousands of detections, a donor hundreds: a convex combination of raw counts could never
reach it), and ``pysyncon.Synth`` finds the convex weights that best reproduce the treated
index before the event: predictors are the quarterly means of the pre-event months, the
fit is judged on every pre-event month (the V matrix by its own optimiser). The fall is
Σ over the post window of (synthetic − treated index) × the treated route's pre-event
mean.

The second opinion counts only where the pre-event fit is close: root mean squared error
of the index before the event at most ``MAX_PRE_RMSPE`` (10 % of the pre-event level).
Then it **agrees** with the panel when its fall lies inside the panel's interval for the
fall, and **disagrees** otherwise; with a poorer fit there is no second opinion, and the
reason says so. No interval is given: with a handful of donors, placebos in space cannot
reach a 5 % tail.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.panel import PanelResult

MAX_SHARE = 0.001     # a donor nationality's share of the treated route's pre detections
MIN_MONTHLY = 30      # a donor's mean detections a month before the event
MIN_ACTIVE = 0.9      # share of pre-event months with detections
MAX_PRE_RMSPE = 0.10  # the pre-event fit, in units of the pre-event mean
NEVER_DONORS = {"OTH"}
PAIRED = {"EMR": "WBR", "WBR": "EMR"}  # the same people counted twice


@dataclass
class SynthResult:
    treated: str
    donors: int
    weights: dict[str, float]          # "NAT × ROUTE" → weight, the non-zero ones
    pre_rmspe: float                    # in units of the treated route's pre-event mean
    fall: float                         # detections over the post window
    panel_fall: float
    panel_lo: float
    panel_hi: float
    verdict: str                        # "agrees", "disagrees", "no second opinion"
    reason: str
    synthetic: pd.Series | None = None  # the synthetic index by month
    observed: pd.Series | None = None   # the treated index by month

    def as_dict(self) -> dict:
        return {"treated_route": self.treated, "donors": self.donors,
                "weights": self.weights, "pre_rmspe": self.pre_rmspe, "fall": self.fall,
                "panel_fall": {"estimate": self.panel_fall, "lo": self.panel_lo,
                               "hi": self.panel_hi},
                "verdict": self.verdict, "reason": self.reason}


def donor_series(frame: pd.DataFrame, result: PanelResult) -> tuple[pd.Series, pd.DataFrame]:
    """The treated route's monthly detections and the screened donors' (columns
    "NAT × ROUTE"), both over the whole window, months without detections as 0."""
    w = result.window
    months = pd.date_range(w.pre_start, w.post_end, freq="MS")
    f = frame[(frame["month"] >= w.pre_start) & (frame["month"] <= w.post_end)]
    treated = (f[f["route_code"] == result.treated].groupby("month")["detections"].sum()
               .reindex(months, fill_value=0))
    pre = f[f["month"] <= w.pre_end]
    on_treated = pre[pre["route_code"] == result.treated].groupby("nationality_iso3")[
        "detections"].sum()
    share = on_treated / on_treated.sum()
    exposed = set(share[share >= MAX_SHARE].index)
    excluded = {result.treated, *NEVER_DONORS, PAIRED.get(result.treated, "")}
    d = f[~f["nationality_iso3"].isin(exposed) & ~f["route_code"].isin(excluded)]
    wide = (d.groupby(["nationality_iso3", "route_code", "month"])["detections"].sum()
            .unstack(["nationality_iso3", "route_code"]).reindex(months).fillna(0))
    wide.columns = [f"{n} × {r}" for n, r in wide.columns]
    before = wide.loc[:w.pre_end]
    keep = [c for c in wide.columns
            if before[c].mean() >= MIN_MONTHLY and (before[c] > 0).mean() >= MIN_ACTIVE]
    return treated, wide[keep]


def second_opinion(frame: pd.DataFrame, result: PanelResult) -> SynthResult:
    """The synthetic-control estimate of the fall on the treated route (module docstring)."""
    from pysyncon import Synth

    w = result.window
    fall = result.fall_treated
    treated, donors = donor_series(frame, result)

    def empty(reason: str, n: int) -> SynthResult:
        return SynthResult(result.treated, n, {}, float("nan"), float("nan"), fall.estimate,
                           fall.lo, fall.hi, "no second opinion", reason)

    if donors.shape[1] < 2:
        return empty(f"{donors.shape[1]} donor series pass the spillover screen "
                     "(nationalities that did not use the treated route, with detections "
                     "every month): too few to build a synthetic route", donors.shape[1])
    level = float(treated.loc[:w.pre_end].mean())
    if not level > 0:
        return empty("no detections on the treated route before the event", donors.shape[1])
    index = donors / donors.loc[:w.pre_end].mean()
    observed = treated / level
    pre = [m for m in index.index if m <= w.pre_end]
    post = [m for m in index.index if m >= w.first_post]
    quarter = [((m.year - pre[0].year) * 12 + m.month - pre[0].month) // 3 for m in pre]
    x0 = index.loc[pre].groupby(quarter).mean()
    x1 = observed.loc[pre].groupby(quarter).mean()
    model = Synth()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X0=x0, X1=x1, Z0=index.loc[pre], Z1=observed.loc[pre])
    weights = pd.Series(np.asarray(model.W, dtype=float), index=index.columns)
    synthetic = (index * weights).sum(axis=1)
    rmspe = float(np.sqrt(((synthetic.loc[pre] - observed.loc[pre]) ** 2).mean()))
    sc_fall = float(((synthetic.loc[post] - observed.loc[post]) * level).sum())
    shown = {k: round(float(v), 3) for k, v in weights.sort_values(ascending=False).items()
             if v >= 0.005}
    if rmspe > MAX_PRE_RMSPE:
        verdict = "no second opinion"
        reason = (f"the synthetic route misses the treated route before the event by "
                  f"{rmspe:.0%} of its pre-event level (root mean squared error; at most "
                  f"{MAX_PRE_RMSPE:.0%} counts as a fit), so its counterfactual says nothing")
    elif fall.lo <= sc_fall <= fall.hi:
        verdict, reason = "agrees", "its fall lies inside the panel's interval"
    else:
        verdict, reason = "disagrees", "its fall lies outside the panel's interval"
    return SynthResult(result.treated, donors.shape[1], shown, rmspe, sc_fall, fall.estimate,
                       fall.lo, fall.hi, verdict, reason, synthetic, observed)
