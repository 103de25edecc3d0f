"""Leads and lags of the panel model (``analysis.panel``): an event study by quarter.

The same panel, window, exposure and fixed effects as the headline fit, with the single
"after" term replaced by one term per quarter of event time (``pyfixest.fepois`` with the
``i()`` event-study syntax), the last quarter before the event as the reference::

    E[y_nrt] = exp( a_nr + s_T,month-of-year + g_rt [receiving]
                    + Σ_q b_T,q · 1[quarter(t) = q] · 1[r = T]
                    + Σ_r Σ_q b_r,q · 1[quarter(t) = q] · e_n · 1[r = receiving r] )

Quarters count back from the last pre-event month (−1 = the last three pre months, down to
−8) and forward from the event's first full month (0..3 for 12 months after); the event
month itself, when it is a transition month, is left out as in the headline fit.

* ``b_T,q``: the treated route's (all nationalities) log level in quarter q against the
  same season of the last pre-event year (quarters −4..−1 are its reference: with the
  route's month-of-year effects a single reference quarter would leave the quarter terms
  collinear with the seasons).
* ``b_r,q``: on receiving route r, the log change per unit of exposure — for a nationality
  that made up the whole treated route — against the unexposed nationalities on the same
  route and month, relative to the reference quarter.

**Pre-trend tests**: joint Wald tests that a route's leads (quarters −8..−2) are zero, one
per receiving route (the parallel-trends assumption behind its extra crossings: seven
restrictions, well below the number of clusters) and one for the treated route (quarters
−8..−5 against the same seasons a year later: its pre-event level is flat, the assumption
of the default without a trend). Errors clustered by nationality with pyfixest's small-sample correction
(CR1: G/(G − 1) · (N − 1)/(N − k)); the Wald statistic is referred to F(m, G − 1) and the
intervals use t(G − 1). The clustered error of the treated route's own terms ignores
shocks common to the whole route (the cross-section of nationalities cannot see them), so
its pre-trend test rejects far too often; it is shown as a description, the receiving
routes' test is the one that bears on displacement.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.panel import PanelResult

BIN_MONTHS = 3
REFERENCE = -1


@dataclass
class PreTrend:
    """A joint Wald test that the leads are zero."""

    statistic: float        # F
    df_num: int
    df_den: int
    p_value: float

    def as_dict(self) -> dict:
        return {"F": self.statistic, "df_num": self.df_num, "df_den": self.df_den,
                "p_value": self.p_value}


@dataclass
class EventStudy:
    treated: str
    receiving: list[str]
    coefficients: pd.DataFrame      # route_code, role, quarter, estimate, se, lo, hi
    pretrend: dict[str, PreTrend]   # route → joint test of its leads
    n_clusters: int
    crit: float                     # t(G − 1) quantile of the intervals

    def as_dict(self) -> dict:
        return {"pretrend": {r: t.as_dict() for r, t in self.pretrend.items()},
                "coefficients": self.coefficients.to_dict(orient="records")}


def quarter_of(months: pd.Series, pre_end: pd.Timestamp, first_post: pd.Timestamp) -> pd.Series:
    """Quarter of event time: −1, −2, … back from ``pre_end``; 0, 1, … from ``first_post``."""
    def index(m, ref):
        return (m.dt.year - ref.year) * 12 + (m.dt.month - ref.month)
    after = index(months, first_post)
    before = index(months, pre_end)          # 0 for the last pre month
    q_post = after // BIN_MONTHS
    q_pre = -((-before) // BIN_MONTHS) - 1
    return pd.Series(np.where(after >= 0, q_post, q_pre), index=months.index).astype(int)


TREATED_REFERENCE = (-4, -3, -2, -1)  # the last pre-event year


def _coef_quarter(name: str) -> int:
    # pyfixest names an i() term "qT::-8", and "q::-8:x_CMR" for an interaction with a
    # continuous variable
    return int(name.split("::")[1].split(":")[0])


def fit_event_study(result: PanelResult, level: float = 0.95) -> EventStudy:
    """The event study on ``result``'s own panel (same window, exposure and fixed effects)."""
    import pyfixest as pf
    from scipy import stats

    raw = result.fits["raw"]
    panel = raw["panel"].copy()
    treated, receiving = raw["treated"], list(raw["receiving"])
    w = raw["window"]
    panel["q"] = quarter_of(panel["month"], w.pre_end, w.first_post)
    on_t = panel["route_code"] == treated
    # on the other routes the treated-route terms sit at the reference (zero)
    panel["qT"] = panel["q"].where(on_t & ~panel["q"].isin(TREATED_REFERENCE), REFERENCE)
    terms = [f"i(qT, ref={REFERENCE})"]
    for r in receiving:
        panel[f"x_{r}"] = panel["exposure"] * (panel["route_code"] == r)
        terms.append(f"i(q, x_{r}, ref={REFERENCE})")
    formula = "detections ~ " + " + ".join(terms) + " | nr + rm"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pf.fepois(formula, data=panel, vcov={"CRV1": "unit"})
    names = list(model._coefnames)
    beta = np.asarray(model._beta_hat, dtype=float)
    V = np.asarray(model._vcov, dtype=float)
    G = int(panel["unit"].nunique())
    df_den = max(G - 1, 1)
    crit = float(stats.t.ppf(0.5 + level / 2, df_den))
    rows, index = [], {}
    for i, name in enumerate(names):
        route = treated if name.startswith("qT::") else name.rsplit(":x_", 1)[-1]
        q = _coef_quarter(name)
        se = float(np.sqrt(max(V[i, i], 0.0)))
        index[(route, q)] = i
        rows.append({"route_code": route, "role": "treated" if route == treated else "receiving",
                     "quarter": q, "estimate": float(beta[i]), "se": se,
                     "lo": float(beta[i] - crit * se), "hi": float(beta[i] + crit * se)})
    for route in [treated, *receiving]:       # the reference quarters, zero by construction
        refs = TREATED_REFERENCE if route == treated else (REFERENCE,)
        for q in refs:
            rows.append({"route_code": route, "quarter": q, "estimate": 0.0, "se": 0.0,
                         "lo": 0.0, "hi": 0.0,
                         "role": "treated" if route == treated else "receiving"})
    coefficients = (pd.DataFrame(rows).sort_values(["route_code", "quarter"])
                    .reset_index(drop=True))

    def wald(routes: list[str]) -> PreTrend | None:
        idx = [i for (r, q), i in index.items() if r in routes and q < 0]
        if not idx:
            return None
        b = beta[idx]
        Vs = V[np.ix_(idx, idx)]
        m = len(idx)
        stat = float(b @ np.linalg.pinv(Vs) @ b) / m
        return PreTrend(stat, m, df_den, float(stats.f.sf(stat, m, df_den)))

    pretrend = {r: t for r in [treated, *receiving] if (t := wald([r])) is not None}
    return EventStudy(treated=treated, receiving=receiving, coefficients=coefficients,
                      pretrend=pretrend, n_clusters=G, crit=crit)
