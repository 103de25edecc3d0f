"""Displacement on a nationality × route × month panel: Poisson PML with fixed effects.

Model (``pyfixest.fepois``), on the months ``pre_start .. post_end`` of the event window::

    E[y_nrt] = exp( a_nr + s_r,moy(t) + g_rt [r receiving]
                    + b_T * post_t * 1[r = T] [+ c_T * k_t * 1[r = T]]
                    + sum_r' b_r' * post_t * e_n * 1[r = r'] )

* ``y_nrt``: detections of nationality n on route r in month t (Sea and Land summed);
  the ``top`` nationalities by detections on the panel's routes in the pre window, the rest
  pooled into one unit ("other nationalities").
* ``e_n``: the nationality's **exposure** to the treated route, its share of the treated
  route's detections in the pre window (the shares sum to 1 over the units).
* ``a_nr``: nationality × route fixed effects. On the treated route T: route ×
  month-of-year effects ``s`` (its seasonality); the fall ``b_T`` is then measured against
  the route's own seasonally adjusted pre-event level (no trend extrapolated unless
  ``trend=True``, which adds a linear pre-trend ``c_T`` on months since the event). On every
  receiving route: route × month fixed effects ``g_rt``, which absorb its seasonality and
  every shock common to all nationalities on it, so ``b_r`` compares the exposed
  nationalities with the unexposed ones on the same route and month — the extra crossings
  of the exposed nationalities, not the route's net change. Push factors specific to an
  exposed nationality (a nationality whose crossings fell everywhere) show as a negative
  ``b_r``: the panel cannot tell them from "fewer people left".
* ``b_r``: one coefficient for the treated route and one per receiving route.
* Errors: clustered by nationality. Small-sample correction in place of a wild cluster
  bootstrap (pyfixest's ``wildboottest`` covers OLS only, not Poisson): pyfixest's CR1,
  V · G/(G − 1) · (N − 1)/(N − k), with t(G − 1) critical values (F(m, G − 1) for joint
  tests), then
  **calibrated on placebo dates** of the same route (``analysis.placebo``): the reported
  intervals use the placebo distribution's critical value when one is given.

Counts: with μ̂ the fitted mean, the change on route r over the post window is
Σ_{n, t ∈ post} μ̂_nrt (1 − exp(−b_r e_n)) — fitted minus the counterfactual without the
treatment term; its gradient is Σ μ̂ e_n, so intervals come from the delta method on the
clustered covariance of the b's. ``fall_treated`` is minus the change on the treated route
(positive = the exposed nationalities fell there); ``extra_on_other_routes`` the change per
receiving route; the **displacement ratio** = Σ extra ÷ fall, with a Fieller interval from
their joint covariance: ``bounded`` is false when the fall is not distinguishable from zero
(the interval is then unbounded and the ratio is not reported as a finding).

The Western Balkan route is left out when the Eastern Mediterranean is treated (and vice
versa): it largely re-counts people detected there first.
"""
from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from analysis.data import ROUTE_CODES
from analysis.window import EventWindow, event_window

#: routes pooled as the reference group; never a receiving route with its own coefficient
MINOR_ROUTES = ("BSR", "CAG", "OTH")
POOLED = "ZZZ"   # unit code of the pooled small nationalities


@dataclass(frozen=True)
class PanelSpec:
    """One specification. The defaults are the pre-registered headline."""

    months_before: int = 24
    months_after: int = 12
    trend: bool = False
    top: int = 30

    def describe(self) -> str:
        trend = "pre-trend on the treated route" if self.trend else "no trend"
        return (f"{self.months_after} months after, {self.months_before} before; {trend}; "
                f"top {self.top} nationalities")


DEFAULT_SPEC = PanelSpec()


@dataclass(frozen=True)
class Estimate:
    estimate: float
    se: float
    lo: float
    hi: float

    def as_dict(self) -> dict:
        return {"estimate": self.estimate, "lo": self.lo, "hi": self.hi}


@dataclass
class PanelResult:
    """Everything one fit gives; every number shown anywhere is read from here."""

    event_date: pd.Timestamp
    treated: str
    spec: PanelSpec
    window: EventWindow
    receiving: list[str]
    excluded: dict[str, str]
    exposure: pd.Series                 # unit → share of the treated route's pre detections
    coefficients: pd.DataFrame          # route, coefficient, se, t (CRV1)
    fall_treated: Estimate
    extra: dict[str, Estimate]          # receiving route → extra crossings
    extra_total: Estimate
    ratio: float
    ratio_lo: float
    ratio_hi: float
    bounded: bool
    t_fall: float                       # fall / se (uncalibrated statistics)
    t_extra: float
    crit: float                         # the critical value of the fall's interval
    crit_extra: float                   # ... of the extra crossings' intervals
    crit_basis: str                     # "CRV1 t(G−1)" or "placebo"
    n_clusters: int
    n_obs: int
    pre_observed_treated: float         # detections on the treated route in the pre window
    post_observed_treated: float
    pre_max_month_treated: float = float("nan")  # the largest month on the treated route, pre
    post_months: int = 0                # months of the post window in the panel
    fits: dict = field(default_factory=dict, repr=False)

    @property
    def counterfactual_month(self) -> float:
        """The counterfactual's mean month on the treated route over the post window: what
        it would have carried without the event (observed + the fall), per month."""
        if not self.post_months:
            return float("nan")
        return (self.post_observed_treated + self.fall_treated.estimate) / self.post_months

    @property
    def counterfactual_beyond_pre(self) -> bool:
        """True when that counterfactual month exceeds every month observed on the treated
        route before the event: the fall then rests on an extrapolation, not on data."""
        return bool(self.counterfactual_month > self.pre_max_month_treated)

    @property
    def ratio_status(self) -> str:
        """"ok", "no-fall" (the treated route did not fall), "unbounded" (the fall is not
        distinguishable from zero), "negative" (the other routes fell too), "above-one"."""
        if not self.fall_treated.estimate > 0:
            return "no-fall"
        if not self.bounded:
            return "unbounded"
        if self.ratio < 0:
            return "negative"
        if self.ratio > 1:
            return "above-one"
        return "ok"

    def model_text(self) -> str:
        return (f"Poisson PML (pyfixest) on nationality × route × month counts, "
                f"{self.window.pre_start:%Y-%m}..{self.window.post_end:%Y-%m}; treatment = "
                f"after the event × route × the nationality's pre-event share of "
                f"{self.treated}; {self.spec.describe()}; errors clustered by nationality "
                f"({self.n_clusters} clusters, small-sample corrected: CR1 with "
                f"G/(G − 1) · (N − 1)/(N − k) and t({self.n_clusters - 1}) critical values; "
                f"no wild bootstrap, which pyfixest offers for OLS only); intervals with critical values "
                f"{self.crit:.2f} (fall) and {self.crit_extra:.2f} (extra crossings; the "
                f"ratio's Fieller interval uses the larger), {self.crit_basis}.")

    def with_crit(self, crit: float, crit_extra: float, basis: str) -> "PanelResult":
        """The same fit with intervals at other critical values."""
        return _assemble(self.fits["raw"], crit, crit_extra, basis)

    def calibrated(self, b_q025: float, b_q975: float, crit_extra: float,
                   basis: str = "placebo-calibrated") -> "PanelResult":
        """The same fit with placebo-calibrated intervals (``analysis.placebo``): the treated
        coefficient's interval is [b − q97.5, b − q2.5] of the placebo distribution, the
        extra crossings use the placebo critical value ``crit_extra``."""
        return _assemble(self.fits["raw"], self.crit, crit_extra, basis,
                         b_shift=(b_q025, b_q975))

    def as_dict(self) -> dict:
        return {
            "treated_route": self.treated,
            "window_months": self.spec.months_after,
            "months_before": self.spec.months_before,
            "post_start": f"{self.window.first_post:%Y-%m}",
            "post_end": f"{self.window.post_end:%Y-%m}",
            "fall_treated": self.fall_treated.as_dict(),
            "extra_on_other_routes": {r: e.as_dict() for r, e in self.extra.items()},
            "extra_total": self.extra_total.as_dict(),
            "displacement_ratio": {"estimate": self.ratio, "lo": self.ratio_lo,
                                   "hi": self.ratio_hi, "bounded": self.bounded},
            "critical_value_fall": self.crit, "critical_value_extra": self.crit_extra,
            "critical_value_basis": self.crit_basis,
        }

    def routes_table(self) -> pd.DataFrame:
        """One row per route in the panel: role, change in detections and its interval."""
        rows = [{"route_code": self.treated, "role": "treated",
                 "change": -self.fall_treated.estimate, "lo": -self.fall_treated.hi,
                 "hi": -self.fall_treated.lo}]
        for r, e in self.extra.items():
            rows.append({"route_code": r, "role": "receiving", "change": e.estimate,
                         "lo": e.lo, "hi": e.hi})
        table = pd.DataFrame(rows)
        coef = self.coefficients.set_index("route_code")
        table["coefficient"] = table["route_code"].map(coef["coefficient"])
        table["se"] = table["route_code"].map(coef["se"])
        return table


def _receiving(treated: str, routes: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    from analysis.displacement import DOUBLE_COUNTED

    out, excluded = [], {}
    for r in routes:
        if r == treated or r in MINOR_ROUTES:
            continue
        reason = DOUBLE_COUNTED.get(frozenset({treated, r}))
        if reason:
            excluded[r] = reason
        else:
            out.append(r)
    return out, excluded


def panel_window(frame: pd.DataFrame, event_date, spec: PanelSpec = DEFAULT_SPEC, *,
                 date_precision: str = "day") -> EventWindow:
    """The event's window cut to the data (raises ValueError with a plain message)."""
    return event_window(event_date, months_before=spec.months_before,
                        months_after=spec.months_after, season_months=0,
                        date_precision=date_precision, first_month=frame["month"].min(),
                        last_month=frame["month"].max(), min_pre=12, min_post=6)


def build_panel(frame: pd.DataFrame, window: EventWindow, treated: str,
                spec: PanelSpec) -> tuple[pd.DataFrame, pd.Series, list[str], dict]:
    """The estimation panel (unit, route_code, month, detections, exposure, post)."""
    present = set(frame["route_code"].unique())
    if treated not in present:
        raise ValueError(f"treated route {treated!r} not in the data")
    receiving, excluded = _receiving(treated, [r for r in ROUTE_CODES if r in present])
    keep_routes = [treated, *receiving]
    months = frame["month"]
    data = frame.loc[(months >= window.pre_start) & (months <= window.post_end)
                     & ~months.isin(list(window.transition))
                     & frame["route_code"].isin(keep_routes)]
    pre = data.loc[data["month"] <= window.pre_end]
    totals = pre.groupby("nationality_iso3")["detections"].sum().sort_values(ascending=False)
    top = set(totals.index[:spec.top][totals.iloc[:spec.top] > 0])
    unit = data["nationality_iso3"].where(data["nationality_iso3"].isin(top), POOLED)
    panel = (data.assign(unit=unit).groupby(["unit", "route_code", "month"], as_index=False)
             ["detections"].sum())
    on_treated = panel.loc[(panel["route_code"] == treated) & (panel["month"] <= window.pre_end)]
    by_unit = on_treated.groupby("unit")["detections"].sum()
    if by_unit.sum() <= 0:
        raise ValueError(f"no detections on {treated} in the pre window "
                         f"{window.pre_start:%Y-%m}..{window.pre_end:%Y-%m}")
    exposure = (by_unit / by_unit.sum()).rename("exposure")
    panel["exposure"] = panel["unit"].map(exposure).fillna(0.0)
    panel["post"] = (panel["month"] >= window.first_post).astype(float)
    return panel, exposure, receiving, excluded


def fit_panel(frame: pd.DataFrame, event_date, treated: str,
              spec: PanelSpec = DEFAULT_SPEC, *, date_precision: str = "day",
              crit: float | None = None, crit_extra: float | None = None,
              crit_basis: str = "placebo",
              level: float = 0.95) -> PanelResult:
    """Fit the panel for one event (see the module docstring).

    ``frame``: ``load_monthly(con)`` (by nationality). ``crit``: the critical value for the
    intervals (from the placebo calibration); default the CRV1 t quantile with G − 1 df.
    """
    import pyfixest as pf
    from scipy import stats

    window = panel_window(frame, event_date, spec, date_precision=date_precision)
    panel, exposure, receiving, excluded = build_panel(frame, window, treated, spec)
    coef_routes = [treated, *receiving]
    names = {}
    for r in coef_routes:
        names[r] = f"D_{r}"
        panel[names[r]] = panel["post"] * panel["exposure"] * (panel["route_code"] == r)
    panel["nr"] = panel["unit"] + "_" + panel["route_code"]
    # treated route: month-of-year effects only; receiving and minor routes: route × month
    on_t = panel["route_code"] == treated
    panel["rm"] = panel["route_code"] + "_" + np.where(
        on_t, "m" + panel["month"].dt.month.astype(str), panel["month"].dt.strftime("%Y%m"))
    fe = "nr + rm"
    names[treated] = "D_" + treated
    panel[names[treated]] = panel["post"] * on_t
    extra_terms = []
    if spec.trend:
        k = (panel["month"].dt.to_period("M") - window.first_post.to_period("M")).map(
            lambda p: p.n)
        panel["trend_T"] = k.astype(float) * on_t
        extra_terms = ["trend_T"]
    # routes with no exposed detections at all cannot be estimated
    active = [r for r in coef_routes
              if panel.loc[(panel["route_code"] == r) & (panel["exposure"] > 0),
                           "detections"].sum() > 0]
    if treated not in active:
        raise ValueError(f"no exposed detections on {treated}")
    for r in coef_routes:
        if r not in active:
            excluded[r] = "no detections of the exposed nationalities in the window"
    receiving = [r for r in receiving if r in active]
    formula = ("detections ~ " + " + ".join([names[r] for r in active] + extra_terms)
               + " | " + fe)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pf.fepois(formula, data=panel, vcov={"CRV1": "unit"})
    beta = model.coef()
    vcov = pd.DataFrame(model._vcov, index=model._coefnames, columns=model._coefnames)
    n_clusters = int(panel["unit"].nunique())
    df = max(n_clusters - 1, 1)
    t_crit = float(stats.t.ppf(0.5 + level / 2, df))
    fitted = panel.loc[~panel.index.isin(model.na_index)] if len(model.na_index) else panel
    mu = pd.Series(np.asarray(model.predict(type="response")), index=fitted.index)
    raw = {
        "window": window, "spec": spec, "treated": treated, "receiving": receiving,
        "excluded": excluded, "exposure": exposure, "panel": panel, "mu": mu,
        "beta": beta, "vcov": vcov, "names": {r: names[r] for r in active},
        "n_clusters": n_clusters, "n_obs": int(model._N), "t_crit": t_crit,
        "event_date": pd.Timestamp(event_date),
    }
    if crit is None:
        return _assemble(raw, t_crit, t_crit, f"nominal CRV1 t({df})")
    return _assemble(raw, float(crit), float(crit if crit_extra is None else crit_extra),
                     crit_basis)


def treated_coefficient(frame: pd.DataFrame, event_date, treated: str,
                        spec: PanelSpec = DEFAULT_SPEC, *, date_precision: str = "day") -> float:
    """The treated route's coefficient ``b_T`` alone, from the treated route's rows.

    The Poisson likelihood separates by route (every fixed effect and every treatment term
    belongs to one route), so this equals ``b_T`` of ``fit_panel`` — at a fraction of the
    cost, which makes the placebo calibration of the fall cheap."""
    import pyfixest as pf

    window = panel_window(frame, event_date, spec, date_precision=date_precision)
    panel, _, _, _ = build_panel(frame, window, treated, spec)
    panel = panel.loc[panel["route_code"] == treated].copy()
    panel["moy"] = panel["month"].dt.month.astype(str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = pf.fepois("detections ~ post | unit + moy", data=panel, vcov="iid")
    return float(model.coef()["post"])


def _assemble(raw: dict, crit: float, crit_extra: float, basis: str,
              b_shift: tuple[float, float] | None = None) -> PanelResult:
    from analysis.displacement import fieller_interval

    panel, mu, beta, vcov = raw["panel"], raw["mu"], raw["beta"], raw["vcov"]
    names = raw["names"]
    coefs = list(names.values())
    treated = raw["treated"]
    post = panel.loc[mu.index, "post"] > 0
    changes, grads = {}, {}
    for r, name in names.items():
        rows = post & (panel.loc[mu.index, "route_code"] == r)
        m = mu[rows]
        e = panel.loc[m.index, "exposure"] if r != treated else pd.Series(1.0, index=m.index)
        b = float(beta[name])
        changes[r] = float((m * (1 - np.exp(-b * e))).sum())
        g = np.zeros(len(coefs))
        g[coefs.index(name)] = float((m * e).sum())
        grads[r] = g
    V = vcov.loc[coefs, coefs].to_numpy()
    receiving = raw["receiving"]

    def est(value, grad, c):
        se = float(np.sqrt(max(grad @ V @ grad, 0.0)))
        return Estimate(value, se, value - c * se, value + c * se)

    fall = est(-changes[treated], -grads[treated], crit)
    if b_shift is not None:
        # fall(b') = Σ μ̂ (exp(−b') − 1) over the treated route's post months, b' in
        # [b − q97.5, b − q2.5]; the equivalent normal se keeps the ratio's interval coherent
        rows = post & (panel.loc[mu.index, "route_code"] == treated)
        m_t = mu[rows]
        b_t = float(beta[names[treated]])

        def fall_at(b):
            return float((m_t * (np.exp(-b) - 1)).sum())

        lo, hi = fall_at(b_t - b_shift[0]), fall_at(b_t - b_shift[1])
        z = 1.959963984540054
        fall = Estimate(fall.estimate, (hi - lo) / (2 * z), lo, hi)
    extra = {r: est(changes[r], grads[r], crit_extra) for r in receiving}
    g_extra = sum((grads[r] for r in receiving), np.zeros(len(coefs)))
    extra_total = est(sum(changes[r] for r in receiving), g_extra, crit_extra)
    g_fall = -grads[treated]
    v_ff, v_ee, v_ef = g_fall @ V @ g_fall, g_extra @ V @ g_extra, g_extra @ V @ g_fall
    if b_shift is None:
        c_ratio = max(crit, crit_extra)
    else:
        # standardised: each variance is the one its calibrated interval implies at z
        z = 1.959963984540054
        se_f, se_e = np.sqrt(max(v_ff, 1e-300)), np.sqrt(max(v_ee, 1e-300))
        corr = v_ef / (se_f * se_e)
        # the fall's lower side decides whether it is distinguishable from zero
        se_f2 = max((fall.estimate - fall.lo) / z, 1e-12)
        se_e2 = extra_total.se * crit_extra / z
        v_ff, v_ee, v_ef, c_ratio = se_f2 ** 2, se_e2 ** 2, corr * se_f2 * se_e2, z
    if fall.estimate > 0:
        ratio = extra_total.estimate / fall.estimate
        lo, hi = fieller_interval(extra_total.estimate, fall.estimate, v_ee, v_ff, v_ef,
                                  c_ratio)
    else:
        ratio, lo, hi = float("nan"), float("nan"), float("nan")
    bounded = bool(fall.estimate > 0 and fall.lo > 0 and not np.isnan(lo))
    if not bounded:
        lo, hi = float("-inf"), float("inf")
    se = np.sqrt(np.diag(V))
    coefficients = pd.DataFrame({"route_code": list(names), "coefficient": [beta[c] for c in coefs],
                                 "se": se, "t": [beta[c] / s if s > 0 else np.nan
                                                 for c, s in zip(coefs, se)]})
    w = raw["window"]
    is_t = panel["route_code"] == treated
    pre_obs = float(panel.loc[is_t & (panel["post"] == 0), "detections"].sum())
    post_obs = float(panel.loc[is_t & (panel["post"] == 1), "detections"].sum())
    by_month = panel.loc[is_t].groupby(["month", "post"])["detections"].sum().reset_index()
    pre_max = float(by_month.loc[by_month["post"] == 0, "detections"].max())
    post_months = len(pd.period_range(w.first_post, w.post_end, freq="M"))
    return PanelResult(
        event_date=raw["event_date"], treated=treated, spec=raw["spec"], window=w,
        receiving=receiving, excluded=raw["excluded"], exposure=raw["exposure"],
        coefficients=coefficients, fall_treated=fall, extra=extra, extra_total=extra_total,
        ratio=ratio, ratio_lo=lo, ratio_hi=hi, bounded=bounded,
        t_fall=fall.estimate / fall.se if fall.se > 0 else float("nan"),
        t_extra=extra_total.estimate / extra_total.se if extra_total.se > 0 else float("nan"),
        crit=crit, crit_extra=crit_extra, crit_basis=basis, n_clusters=raw["n_clusters"], n_obs=raw["n_obs"],
        pre_observed_treated=pre_obs, post_observed_treated=post_obs,
        pre_max_month_treated=pre_max, post_months=post_months, fits={"raw": raw})


def specifications(base: PanelSpec = DEFAULT_SPEC) -> dict[str, PanelSpec]:
    """The sensitivity strip: the default and one change at a time."""
    return {
        "default": base,
        "6 months after": replace(base, months_after=6),
        "24 months after": replace(base, months_after=24),
        "12 months before": replace(base, months_before=12),
        "36 months before": replace(base, months_before=36),
        "with pre-trend": replace(base, trend=True),
    }
