"""Placebo calibration of the panel estimator (``analysis.panel``) on the real data.

Placebo dates: the first of every month whose whole window fits in the data (``months_before``
months before it, ``months_after`` from it) and whose post window — the months the estimator
reads as "after" — holds no listed policy event concerning the treated route (or all
routes). The policy list is dense (the Central Mediterranean has an event about every six
months), so a stricter rule (no event within the window on either side) leaves too few
dates for a 5 % tail; the pre windows of some placebos therefore contain events.

For every placebo date the same estimator, route and specification give the treated
route's coefficient ``b_T`` (log change against its seasonally adjusted pre-event level)
and the t statistic of the extra crossings on the other routes.

* **Fall on the treated route.** The cross-section of nationalities says nothing about a
  shock common to the whole route, so its clustered standard error is far too small (placebo
  |t| in the tens). It is calibrated on the placebo distribution of ``b_T`` itself: "no
  change" is rejected when ``b_T`` lies outside the placebos' 2.5–97.5 % range, and the
  interval for ``b_T`` is ``[b_T − q97.5, b_T − q2.5]`` (the placebo noise shifted to the
  estimate), turned into detections over the post window.
* **Extra crossings elsewhere** (exposed against unexposed nationalities on the same route
  and month): the calibrated critical value is the 95th percentile of |t| over the placebos
  (never below the nominal t quantile).

The calibration is judged **out of sample**, so it can fail:

* ``loo``: each placebo is tested with the critical value of the other placebos, less those
  whose windows overlap it (within ``months_after`` months);
* ``split``: the critical value of the placebos before the median date tests the later ones,
  and the other way round (the rate reported is over both halves).

The target is a rejection rate at nominal 5 % between 3 % and 7 %.

A third rule pools placebo information **across routes** (``calibrate_pooled``): one route's
thirteen years hold only a handful of independent windows, but the statistic
z = b_T / s — the log-scale fall divided by the route's own volatility before the date
(``route_scale``: the standard deviation of 12-month changes of log(1 + the route's monthly
detections) over the 24 months before) — is scale-free, so the placebos of the other routes
can set its critical value. It is judged leave-one-ROUTE-out (calibrated on the other routes,
tested on this one) and, in addition, split by period. In simulation the same idea is
leave-series-out (``simulate_coverage``: each series calibrated on the other series'
placebos).

Every out-of-sample rate carries its sampling uncertainty (``rate_interval``): neighbouring
placebo dates share their windows, so rejections come in runs and a route's placebo dates
hold only a handful of independent windows. The interval is a circular block bootstrap over
calendar months (blocks of the post window), shown beside the binomial interval that treats
every date as independent; ``simulate_rate_coverage`` checks both on synthetic indicator
runs with a known rate.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from analysis.events import events_between, parse_events
from analysis.panel import DEFAULT_SPEC, PanelSpec, fit_panel, treated_coefficient

LEVEL = 0.95


def placebo_dates(frame: pd.DataFrame, events: pd.DataFrame, treated: str,
                  spec: PanelSpec = DEFAULT_SPEC) -> list[pd.Timestamp]:
    first, last = frame["month"].min(), frame["month"].max()
    start = first + pd.DateOffset(months=spec.months_before)
    end = last - pd.DateOffset(months=spec.months_after - 1)
    ev = parse_events(events) if not pd.api.types.is_datetime64_any_dtype(events["date"]) \
        else events
    out = []
    for d in pd.date_range(start, end, freq="MS"):
        post_end = d + pd.DateOffset(months=spec.months_after) - pd.DateOffset(days=1)
        if events_between(ev, d, post_end, routes=[treated]).empty:
            out.append(d)
    return out


def placebo_table(frame: pd.DataFrame, events: pd.DataFrame, treated: str,
                  spec: PanelSpec = DEFAULT_SPEC, *, every: int = 1,
                  fall_only: bool = False) -> pd.DataFrame:
    """One row per placebo date (every ``every``-th): the uncalibrated statistics.

    ``fall_only``: only the treated route's coefficient (``panel.treated_coefficient``,
    identical to the full fit's and several times faster); the other columns are NaN."""
    rows = []
    totals = route_totals(frame)[treated]
    for d in placebo_dates(frame, events, treated, spec)[::every]:
        scale = route_scale(totals, d)
        if fall_only:
            try:
                b_t = treated_coefficient(frame, d, treated, spec)
            except ValueError:
                continue
            rows.append({"date": d, "b_treated": b_t, "t_fall": np.nan, "t_extra": np.nan,
                         "nominal_crit": np.nan, "scale": scale})
            continue
        try:
            r = fit_panel(frame, d, treated, spec)
        except ValueError:
            continue
        b_t = float(r.coefficients.set_index("route_code").at[treated, "coefficient"])
        rows.append({"date": d, "b_treated": b_t,
                     "fall": r.fall_treated.estimate, "se_fall": r.fall_treated.se,
                     "t_fall": r.t_fall, "extra": r.extra_total.estimate,
                     "se_extra": r.extra_total.se, "t_extra": r.t_extra,
                     "nominal_crit": r.crit, "scale": scale})
    return pd.DataFrame(rows)


def critical_value(t: pd.Series | np.ndarray, nominal: float, level: float = LEVEL) -> float:
    t = np.abs(np.asarray(t, dtype=float))
    t = t[np.isfinite(t)]
    if len(t) == 0:
        return float(nominal)
    return float(max(np.quantile(t, level, method="higher"), nominal))


def calibrated_p(t: float, placebo_t) -> float:
    placebo = np.abs(np.asarray(placebo_t, dtype=float))
    placebo = placebo[np.isfinite(placebo)]
    return float((1 + (placebo >= abs(t)).sum()) / (len(placebo) + 1))


@dataclass
class Calibration:
    route: str
    spec: str
    n: int
    first_date: str
    last_date: str
    nominal_crit: float
    b_q025: float                       # placebo quantiles of the treated coefficient
    b_q975: float
    crit_extra: float
    rejection_rate_5pct: float          # fall, nominal CRV1 t (uncalibrated)
    rejection_rate_5pct_extra: float    # extra crossings, nominal
    loo_rejection_fall: float           # calibrated, leave-one-out
    loo_rejection_extra: float
    split_rejection_fall: float         # calibrated, split by period
    split_rejection_extra: float
    # the block-t rule (``t_half_width``), judged the same two ways
    loo_rejection_fall_t: float = float("nan")
    split_rejection_fall_t: float = float("nan")
    # the sampling uncertainty of each out-of-sample rate (``rate_interval``): [lo, hi] of
    # the block bootstrap and, for comparison, of the binomial that ignores the dependence
    independent_windows: int | None = None
    interval_method: str = ""
    loo_rejection_fall_interval: list | None = None
    loo_rejection_fall_interval_iid: list | None = None
    split_rejection_fall_interval: list | None = None
    split_rejection_fall_interval_iid: list | None = None
    loo_rejection_extra_interval: list | None = None
    loo_rejection_extra_interval_iid: list | None = None
    split_rejection_extra_interval: list | None = None
    split_rejection_extra_interval_iid: list | None = None
    loo_rejection_fall_t_interval: list | None = None
    loo_rejection_fall_t_interval_iid: list | None = None
    split_rejection_fall_t_interval: list | None = None
    split_rejection_fall_t_interval_iid: list | None = None

    #: the out-of-sample rates that carry an interval
    RATES = ("loo_rejection_fall", "split_rejection_fall", "loo_rejection_extra",
             "split_rejection_extra", "loo_rejection_fall_t", "split_rejection_fall_t")

    @property
    def within_target(self) -> bool:
        """Both out-of-sample rejection rates of the fall within 3–7 %."""
        return all(0.03 <= v <= 0.07 for v in (self.loo_rejection_fall,
                                              self.split_rejection_fall))

    @property
    def within_target_extra(self) -> bool:
        return all(0.03 <= v <= 0.07 for v in (self.loo_rejection_extra,
                                              self.split_rejection_extra))

    def as_dict(self) -> dict:
        d = asdict(self)
        return d | {"within_target": self.within_target,
                    "within_target_extra": self.within_target_extra} | consistency(d)


def quantiles(b) -> tuple[float, float]:
    b = np.asarray(b, dtype=float)
    b = b[np.isfinite(b)]
    return (float(np.quantile(b, 0.025, method="lower")),
            float(np.quantile(b, 0.975, method="higher")))


def independent_windows(dates, months_after: int) -> int:
    """How many non-overlapping post windows the placebo dates span."""
    d = pd.to_datetime(pd.Series(dates))
    if d.empty:
        return 0
    span = (d.max().year - d.min().year) * 12 + d.max().month - d.min().month + 1
    return max(int(span // months_after), 1)


def t_half_width(b, dates, months_after: int, level: float = LEVEL) -> float:
    """The "block-t" rule: half-width of the interval for ``b_T`` from few placebos — the
    placebos' root mean square times the t quantile with (independent windows − 1) degrees
    of freedom (overlapping placebo windows are not independent draws)."""
    from scipy import stats

    b = np.asarray(b, dtype=float)
    b = b[np.isfinite(b)]
    if len(b) == 0:
        return float("nan")
    nu = max(independent_windows(dates, months_after) - 1, 1)
    return float(np.sqrt(np.mean(b ** 2)) * stats.t.ppf(0.5 + level / 2, nu))


def reject_t(nominal: float):
    def rule(train: np.ndarray, test: np.ndarray) -> np.ndarray:
        return np.abs(test) > critical_value(train, nominal)
    return rule


def reject_b(train: np.ndarray, test: np.ndarray) -> np.ndarray:
    lo, hi = quantiles(train)
    return (test < lo) | (test > hi)


def reject_block_t(months_after: int):
    def rule(train: np.ndarray, test: np.ndarray, train_dates) -> np.ndarray:
        return np.abs(test) > t_half_width(train, train_dates, months_after)
    rule.needs_dates = True
    return rule


def _apply(rule, train, test, train_dates):
    if getattr(rule, "needs_dates", False):
        return rule(train, test, train_dates)
    return rule(train, test)


def _rate(rejected: np.ndarray) -> float:
    return float(np.mean(rejected)) if len(rejected) else float("nan")


def _loo_rejected(dates: pd.Series, x: np.ndarray, rule, gap: int) -> np.ndarray:
    """Leave-one-out: whether each placebo (in the order given) is rejected."""
    rejected = []
    months = (dates.dt.year * 12 + dates.dt.month).to_numpy()
    for i in range(len(x)):
        keep = np.abs(months - months[i]) >= gap
        rejected.append(bool(_apply(rule, x[keep], x[i:i + 1], dates[keep])[0]))
    return np.asarray(rejected, dtype=bool)


def _split_rejected(dates: pd.Series, x: np.ndarray, rule) -> np.ndarray:
    """Split by period: whether each placebo (in the order given) is rejected by the critical
    value of the other half."""
    order = np.argsort(dates.to_numpy())
    half = len(order) // 2
    early, late = order[:half], order[half:]
    rejected = np.zeros(len(x), dtype=bool)
    for train, test in ((early, late), (late, early)):
        rejected[test] = _apply(rule, x[train], x[test], dates.iloc[train])
    return rejected


def _loo(dates: pd.Series, x: np.ndarray, rule, gap: int) -> float:
    return _rate(_loo_rejected(dates, x, rule, gap))


def _split(dates: pd.Series, x: np.ndarray, rule) -> float:
    return _rate(_split_rejected(dates, x, rule))


# --- how sure is a rejection rate? -------------------------------------------------------
#: the rejection rates' intervals: percentile level, bootstrap draws and seed
RATE_LEVEL = 0.95
RATE_DRAWS = 9999
RATE_SEED = 0
NOMINAL = 0.05


def _month_index(dates) -> np.ndarray:
    d = pd.to_datetime(pd.Series(dates))
    return (d.dt.year * 12 + d.dt.month - 1).to_numpy()


def block_bootstrap_rates(dates, rejected, block: int, *, draws: int = RATE_DRAWS,
                          seed: int = RATE_SEED) -> np.ndarray:
    """Bootstrap distribution of a rejection rate under serial dependence: a **circular block
    bootstrap over calendar months**.

    The placebo dates are months with gaps (months whose post window holds an event are not
    placebos), so the blocks are ``block`` consecutive calendar months — with ``block`` the
    post window, a block holds the placebo dates whose windows overlap. The months from the
    first to the last placebo date (T of them) are wrapped into a circle; each draw glues
    ceil(T / block) blocks with uniformly drawn starts, cut to T months, and its rate is the
    rejections over the placebo dates it holds (``numpy.random.Generator``, seeded)."""
    m = _month_index(dates)
    rejected = np.asarray(rejected, dtype=float)
    if len(m) == 0:
        return np.array([])
    m = m - m.min()
    span = int(m.max()) + 1
    hits, count = np.zeros(span), np.zeros(span)
    np.add.at(hits, m, rejected)
    np.add.at(count, m, 1.0)
    k = -(-span // block)
    starts = np.random.default_rng(seed).integers(0, span, size=(draws, k))
    idx = ((starts[:, :, None] + np.arange(block)).reshape(draws, -1)[:, :span]) % span
    n = count[idx].sum(axis=1)
    return hits[idx].sum(axis=1)[n > 0] / n[n > 0]


@dataclass(frozen=True)
class RateInterval:
    """A rejection rate with its sampling uncertainty: the block-bootstrap percentile interval
    (``block_bootstrap_rates``) and, for comparison, the binomial interval that treats the
    placebo dates as independent (Clopper–Pearson, ``statsmodels``)."""

    rate: float
    rejected: int
    n: int
    lo: float
    hi: float
    iid_lo: float
    iid_hi: float
    independent_windows: int

    @property
    def consistent_with_5pct(self) -> bool | None:
        """Whether 5 % lies inside the block-bootstrap interval; None when the interval has
        no width (see ``consistency``)."""
        return consistency({"rate_interval": [self.lo, self.hi]})["rate_consistent_with_5pct"]


def rate_interval(dates, rejected, block: int, *, level: float = RATE_LEVEL,
                  draws: int = RATE_DRAWS, seed: int = RATE_SEED,
                  months_after: int | None = None) -> RateInterval:
    """The rate of ``rejected`` (one per placebo date of ``dates``) with its intervals;
    ``independent_windows`` counts post windows of ``months_after`` months (default
    ``block``)."""
    from statsmodels.stats.proportion import proportion_confint

    rejected = np.asarray(rejected, dtype=bool)
    n, k = int(len(rejected)), int(rejected.sum())
    if n == 0:
        nan = float("nan")
        return RateInterval(nan, 0, 0, nan, nan, nan, nan, 0)
    boot = block_bootstrap_rates(dates, rejected, block, draws=draws, seed=seed)
    lo, hi = np.quantile(boot, [(1 - level) / 2, (1 + level) / 2])
    iid_lo, iid_hi = proportion_confint(k, n, alpha=1 - level, method="beta")
    return RateInterval(rate=k / n, rejected=k, n=n, lo=float(lo), hi=float(hi),
                        iid_lo=float(iid_lo), iid_hi=float(iid_hi),
                        independent_windows=independent_windows(dates, months_after or block))


def interval_method(block: int, level: float = RATE_LEVEL, draws: int = RATE_DRAWS,
                    seed: int = RATE_SEED) -> str:
    return (f"circular block bootstrap over calendar months, blocks of {block} months, "
            f"{draws} draws, seed {seed}, percentile {100 * level:.0f} % interval; "
            f"iid: Clopper–Pearson {100 * level:.0f} %")


def _interval_fields(name: str, r: RateInterval) -> dict:
    return {f"{name}_interval": [r.lo, r.hi], f"{name}_interval_iid": [r.iid_lo, r.iid_hi]}


def consistency(d: dict) -> dict:
    """``<rate>_consistent_with_5pct`` for every ``<rate>_interval`` of ``d``: whether 5 %
    lies inside the block-bootstrap interval. None when the interval is missing or has no
    width (no placebo date rejected, or all: every draw gives the same rate, so the
    bootstrap cannot tell)."""
    out = {}
    for key, v in d.items():
        if key.endswith("_interval"):
            name = key[:-len("_interval")]
            ok = (v is not None and None not in v and all(np.isfinite(v)) and v[0] < v[1])
            out[f"{name}_consistent_with_5pct"] = bool(v[0] <= NOMINAL <= v[1]) if ok else None
    return out


def calibrate(table: pd.DataFrame, route: str, spec: PanelSpec = DEFAULT_SPEC, *,
              block: int | None = None) -> Calibration:
    """The out-of-sample judgement of one route's placebos (module docstring), each rate with
    its block-bootstrap interval (``rate_interval``; ``block`` months, default the post
    window)."""
    if table.empty:
        raise ValueError(f"{route}: no placebo date could be fitted")
    nominal = float(table["nominal_crit"].median())
    t_fall = table["t_fall"].to_numpy(float)
    t_extra = table["t_extra"].to_numpy(float)
    b = table["b_treated"].to_numpy(float)
    dates = pd.to_datetime(table["date"])
    q_lo, q_hi = quantiles(b)

    def rate(t):
        t = t[np.isfinite(t)]
        return float(np.mean(np.abs(t) > nominal)) if len(t) else float("nan")

    nan = float("nan")
    has_extra = bool(np.isfinite(t_extra).any())
    gap = spec.months_after
    rejected = {
        "loo_rejection_fall": _loo_rejected(dates, b, reject_b, gap),
        "split_rejection_fall": _split_rejected(dates, b, reject_b),
        "loo_rejection_fall_t": _loo_rejected(dates, b, reject_block_t(gap), gap),
        "split_rejection_fall_t": _split_rejected(dates, b, reject_block_t(gap)),
    }
    if has_extra:
        rejected["loo_rejection_extra"] = _loo_rejected(dates, t_extra, reject_t(nominal), gap)
        rejected["split_rejection_extra"] = _split_rejected(dates, t_extra, reject_t(nominal))
    intervals = {}
    for name, r in rejected.items():
        intervals |= _interval_fields(name, rate_interval(dates, r, block or gap,
                                                          months_after=gap))
    return Calibration(
        route=route, spec=spec.describe(), n=int(len(table)),
        first_date=f"{dates.min():%Y-%m}", last_date=f"{dates.max():%Y-%m}",
        nominal_crit=nominal, b_q025=q_lo, b_q975=q_hi,
        crit_extra=critical_value(t_extra, nominal) if has_extra else nan,
        rejection_rate_5pct=rate(t_fall), rejection_rate_5pct_extra=rate(t_extra),
        loo_rejection_fall=_rate(rejected["loo_rejection_fall"]),
        loo_rejection_extra=_rate(rejected["loo_rejection_extra"]) if has_extra else nan,
        split_rejection_fall=_rate(rejected["split_rejection_fall"]),
        split_rejection_extra=_rate(rejected["split_rejection_extra"]) if has_extra else nan,
        loo_rejection_fall_t=_rate(rejected["loo_rejection_fall_t"]),
        split_rejection_fall_t=_rate(rejected["split_rejection_fall_t"]),
        independent_windows=independent_windows(dates, gap),
        interval_method=interval_method(block or gap), **intervals,
    )


#: months before a date over which a route's own volatility is measured (``route_scale``)
SCALE_MONTHS = 24
#: the four main routes, judged; other routes may only donate placebo information
MAIN = ("CMR", "EMR", "WMR", "WBR")


def route_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Monthly detections per route (all nationalities): month × route_code."""
    return frame.groupby(["month", "route_code"])["detections"].sum().unstack(fill_value=0)


def route_scale(totals: pd.DataFrame | pd.Series, date, route: str | None = None,
                months: int = SCALE_MONTHS) -> float:
    """A route's own pre-period volatility: the standard deviation of the 12-month changes of
    log(1 + monthly detections of the whole route) over the ``months`` months before
    ``date`` (``months`` − 12 changes). NaN when the data do not cover those months."""
    series = totals if route is None else totals[route]
    date = pd.Timestamp(date)
    pre = series.loc[(series.index < date)
                     & (series.index >= date - pd.DateOffset(months=months))]
    if len(pre) < months:
        return float("nan")
    ly = np.log1p(pre.to_numpy(float))
    return float(np.std(ly[12:] - ly[:-12], ddof=1))


def pooled_critical_value(z, level: float = LEVEL) -> float:
    """The pooled studentised rule: the ``level`` quantile of |z| over the donors' placebos,
    z = b_T / s (``route_scale``); "no change" is rejected when |b_T / s| exceeds it and the
    interval for b_T is b_T ± c · s."""
    z = np.abs(np.asarray(z, dtype=float))
    z = z[np.isfinite(z)]
    if len(z) == 0:
        return float("nan")
    return float(np.quantile(z, level, method="higher"))


@dataclass
class PooledCalibration:
    """The pooled studentised rule judged on one route, leave-one-ROUTE-out: the critical
    value comes only from the placebos of the other routes (``donors``)."""

    route: str
    n: int
    donors: str                         # the routes whose placebos set the critical value
    n_donor_placebos: int
    crit: float                         # from every donor placebo
    loro_rejection: float               # this route's placebos against ``crit``
    split_rejection: float              # donors of the other half of the period only
    loro_rejection_b: float             # the unstudentised |b_T| pooled the same way
    # the sampling uncertainty of both rates (``rate_interval``)
    independent_windows: int | None = None
    interval_method: str = ""
    loro_rejection_interval: list | None = None
    loro_rejection_interval_iid: list | None = None
    split_rejection_interval: list | None = None
    split_rejection_interval_iid: list | None = None

    RATES = ("loro_rejection", "split_rejection")

    @property
    def within_target(self) -> bool:
        return all(0.03 <= v <= 0.07 for v in (self.loro_rejection, self.split_rejection))

    def as_dict(self) -> dict:
        d = asdict(self)
        return d | {"within_target": self.within_target} | consistency(d)


def calibrate_pooled(tables: dict[str, pd.DataFrame], routes=MAIN, donors=(),
                     level: float = LEVEL, *, months_after: int = DEFAULT_SPEC.months_after,
                     block: int | None = None) -> list[PooledCalibration]:
    """Leave-one-route-out judgement of the pooled studentised rule.

    ``tables``: route → ``placebo_table`` (``b_treated``, ``scale``, ``date``). For each
    route in ``routes``, the critical value is learned from the placebos of the other
    ``routes`` plus ``donors`` and applied to this route's placebos (``loro_rejection``);
    ``split_rejection`` learns it from the donors' placebos of one half of the period
    (before or after the median date of all judged routes' placebos) and applies it to this
    route's placebos of the other half — out of sample in route and in time. Both rates
    carry block-bootstrap intervals (``rate_interval``, ``block`` months, default the post
    window ``months_after``)."""
    block = block or months_after

    def z_of(t):
        return (t["b_treated"] / t["scale"]).to_numpy(float)

    all_dates = pd.concat([pd.to_datetime(tables[r]["date"]) for r in routes])
    median = all_dates.sort_values().iloc[len(all_dates) // 2]
    out = []
    for r in routes:
        test = tables[r]
        pool = [tables[d] for d in [*routes, *donors] if d != r and d in tables]
        pool_t = pd.concat(pool, ignore_index=True)
        pool_t = pool_t[np.isfinite(z_of(pool_t))]
        test = test[np.isfinite(z_of(test))]
        z_test, z_pool = z_of(test), z_of(pool_t)
        crit = pooled_critical_value(z_pool, level)
        loro_rejected = np.abs(z_test) > crit
        loro = _rate(loro_rejected)
        test_dates = pd.to_datetime(test["date"])
        early_pool = pd.to_datetime(pool_t["date"]).to_numpy() < median
        early_test = test_dates.to_numpy() < median
        rejected = np.zeros(len(z_test), dtype=bool)
        for half in (True, False):
            c = pooled_critical_value(z_pool[early_pool == half], level)
            rejected[early_test != half] = np.abs(z_test[early_test != half]) > c
        b_pool = np.abs(pool_t["b_treated"].to_numpy(float))
        c_b = float(np.quantile(b_pool, level, method="higher"))
        out.append(PooledCalibration(
            route=r, n=int(len(test)),
            donors=",".join(d for d in [*routes, *donors] if d != r and d in tables),
            n_donor_placebos=int(len(pool_t)), crit=crit, loro_rejection=loro,
            split_rejection=_rate(rejected),
            loro_rejection_b=float(np.mean(
                np.abs(test["b_treated"].to_numpy(float)) > c_b)),
            independent_windows=independent_windows(test_dates, months_after),
            interval_method=interval_method(block),
            **_interval_fields("loro_rejection", rate_interval(
                test_dates, loro_rejected, block, months_after=months_after)),
            **_interval_fields("split_rejection", rate_interval(
                test_dates, rejected, block, months_after=months_after))))
    return out


SIM_START = pd.Timestamp("2012-01-01")


def simulate_panel(rho: float, rng: np.random.Generator, *, n_nat: int = 20,
                   n_months: int = 36, fall: float = 0.5, ratio: float = 0.5,
                   sd: float = 0.3, route_sd: float = 0.0
                   ) -> tuple[pd.DataFrame, float, pd.Timestamp]:
    """SYNTHETIC panel for the coverage check: ``n_months`` months from 2012-01, the event on
    the first of the month 12 months before the end; treated route CMR (falls by ``fall``),
    receiving WMR (gains ``ratio`` × the expected fall for the exposed nationalities, in the
    model's own form) and WAR (nothing). Log-normal AR(1) noise (coefficient ``rho``,
    innovation sd ``sd``) per nationality × route; ``route_sd`` adds an AR(1) shock common
    to a whole route. Returns the frame, the planted ratio and the event date."""
    from scipy import optimize

    months = pd.date_range(SIM_START, periods=n_months, freq="MS")
    event = months[n_months - 12]
    post = np.asarray(months >= event)
    cmr = rng.gamma(1.0, 1.0, n_nat) * 400 + 20
    exposure = cmr / cmr.sum()
    base_wmr = 300.0
    target = ratio * fall * cmr.sum() * post.sum()

    def gap(b):
        return base_wmr * post.sum() * (np.exp(b * exposure) - 1).sum() - target
    b = optimize.brentq(gap, -5, 50) if ratio > 0 else 0.0

    def ar1(n, scale):
        e = rng.normal(0, scale, n)
        out = np.empty(n)
        out[0] = e[0] / np.sqrt(max(1 - rho ** 2, 1e-6))
        for i in range(1, n):
            out[i] = rho * out[i - 1] + e[i]
        return out

    route_shock = {r: ar1(len(months), route_sd) if route_sd > 0 else np.zeros(len(months))
                   for r in ("CMR", "WMR", "WAR")}
    rows = []
    for i in range(n_nat):
        mu = {"CMR": cmr[i] * np.where(post, 1 - fall, 1.0),
              "WMR": base_wmr * np.where(post, np.exp(b * exposure[i]), 1.0),
              "WAR": np.full(len(months), 150.0)}
        for r, m in mu.items():
            noisy = m * np.exp(ar1(len(months), sd) + route_shock[r])
            rows.append(pd.DataFrame({"route_code": r, "route": r, "nationality_iso3": f"N{i:02d}",
                                      "nationality": f"N{i:02d}", "month": months,
                                      "detections": rng.poisson(noisy)}))
    return pd.concat(rows, ignore_index=True), ratio, event


#: the simulated series: 9 years, so that the months before the event hold placebo dates
SIM_MONTHS = 108
SIM_SPEC = PanelSpec(months_before=24, months_after=12)


def series_placebos(frame: pd.DataFrame, event: pd.Timestamp, treated: str = "CMR",
                    spec: PanelSpec = SIM_SPEC, every: int = 3) -> pd.DataFrame:
    """The same estimator on placebo dates of one series: every ``every``-th month whose
    window fits before the event (its post window ends before the event month)."""
    first = frame["month"].min() + pd.DateOffset(months=spec.months_before)
    last = event - pd.DateOffset(months=spec.months_after)
    rows = []
    totals = route_totals(frame)[treated]
    for d in pd.date_range(first, last, freq="MS")[::every]:
        r = fit_panel(frame, d, treated, spec)
        rows.append({"date": d, "b_treated": float(r.coefficients.set_index("route_code")
                                                   .at[treated, "coefficient"]),
                     "t_fall": r.t_fall, "t_extra": r.t_extra, "nominal_crit": r.crit,
                     "scale": route_scale(totals, d)})
    return pd.DataFrame(rows)


def simulate_coverage(rho: float, *, panels: int = 50, seed: int = 0,
                      route_sd: float = 0.0, fall: float = 0.5, ratio: float = 0.5,
                      n_months: int = SIM_MONTHS, every: int = 3) -> dict:
    """Share of synthetic series whose 95 % intervals cover the planted treated coefficient
    log(1 − fall) and the planted displacement ratio: nominal (CRV1 by nationality, t(G − 1))
    and **placebo-calibrated out of sample** — the calibration comes from placebo dates of
    the same series before the event (``series_placebos``), never from the event's window,
    exactly as the real data are calibrated (``Calibration`` quantiles of ``b_T``, the
    placebos' 95th percentile of |t| for the extra crossings)."""
    rng = np.random.default_rng(seed)
    truth_b = float(np.log(1 - fall))
    n = 0
    cover = {"fall": 0, "ratio": 0, "fall_cal": 0, "ratio_cal": 0, "fall_t": 0, "ratio_t": 0}
    n_placebo = []
    series = []          # per series: what the pooled (leave-series-out) rules need
    for _ in range(panels):
        frame, planted, event = simulate_panel(rho, rng, route_sd=route_sd, fall=fall,
                                               ratio=ratio, n_months=n_months)
        r = fit_panel(frame, event, "CMR", SIM_SPEC)
        c = r.coefficients.set_index("route_code").loc["CMR"]
        n += 1
        cover["fall"] += abs(c["coefficient"] - truth_b) <= r.crit * c["se"]
        cover["ratio"] += bool(r.ratio_lo <= planted <= r.ratio_hi)
        table = series_placebos(frame, event, every=every)
        n_placebo.append(len(table))
        q_lo, q_hi = quantiles(table["b_treated"])
        b = float(c["coefficient"])
        cover["fall_cal"] += (b - q_hi) <= truth_b <= (b - q_lo)
        crit_extra = critical_value(table["t_extra"], r.crit)
        cal = r.calibrated(q_lo, q_hi, crit_extra)
        cover["ratio_cal"] += bool(cal.ratio_lo <= planted <= cal.ratio_hi)
        h = t_half_width(table["b_treated"], table["date"], SIM_SPEC.months_after)
        cover["fall_t"] += abs(b - truth_b) <= h
        cal_t = r.calibrated(-h, h, crit_extra)
        cover["ratio_t"] += bool(cal_t.ratio_lo <= planted <= cal_t.ratio_hi)
        series.append({"result": r, "b": b, "planted": planted, "table": table,
                       "scale": route_scale(route_totals(frame)["CMR"], event)})
    # pooled rules, leave-series-out: each series is calibrated on the placebos of the
    # OTHER series of the same design (never its own), so the critical value rests on
    # (panels − 1) × placebos dates instead of one series' few
    cover.update({"fall_pooled_b": 0, "ratio_pooled_b": 0, "fall_pooled_z": 0,
                  "ratio_pooled_z": 0})
    for i, s in enumerate(series):
        rest = [o["table"] for j, o in enumerate(series) if j != i]
        others = pd.concat(rest, ignore_index=True) if rest else pd.DataFrame()
        if others.empty:
            continue
        r, b, planted = s["result"], s["b"], s["planted"]
        crit_extra = critical_value(others["t_extra"], r.crit)
        q_lo, q_hi = quantiles(others["b_treated"])
        cover["fall_pooled_b"] += (b - q_hi) <= truth_b <= (b - q_lo)
        cal = r.calibrated(q_lo, q_hi, crit_extra)
        cover["ratio_pooled_b"] += bool(cal.ratio_lo <= planted <= cal.ratio_hi)
        h = pooled_critical_value(others["b_treated"] / others["scale"]) * s["scale"]
        cover["fall_pooled_z"] += abs(b - truth_b) <= h
        cal_z = r.calibrated(-h, h, crit_extra)
        cover["ratio_pooled_z"] += bool(cal_z.ratio_lo <= planted <= cal_z.ratio_hi)
    out = {"rho": rho, "route_sd": route_sd, "panels": n,
           "placebos_per_series": float(np.median(n_placebo)) if n_placebo else float("nan")}
    for k, v in cover.items():
        out[f"coverage_{k}"] = v / n if n else float("nan")
        if "pooled" in k and n < 2:          # leave-series-out needs another series
            out[f"coverage_{k}"] = float("nan")
    return out


def synthetic_rejections(design: float | str, rng: np.random.Generator, *, n_dates: int,
                         reps: int, months_after: int = 12) -> np.ndarray:
    """SYNTHETIC runs of rejection indicators with a known rate of exactly 5 %: a stationary
    Gaussian series x with unit variance (``statsmodels`` ``ArmaProcess``), "rejected" when
    |x| > 1.96. ``design``: an AR(1) coefficient, or ``"window"`` — x the mean of
    ``months_after`` independent months (an MA(``months_after`` − 1) with equal weights),
    the way neighbouring placebo dates share their post windows. Shape (reps, n_dates)."""
    from scipy import stats
    from statsmodels.tsa.arima_process import ArmaProcess

    if design == "window":
        process = ArmaProcess(ar=[1.0], ma=np.ones(months_after))
        scale = 1 / np.sqrt(months_after)
    else:
        rho = float(design)
        process = ArmaProcess(ar=[1.0, -rho], ma=[1.0])
        scale = np.sqrt(1 - rho ** 2)
    x = process.generate_sample((reps, n_dates), scale=scale, distrvs=rng.standard_normal,
                                axis=1, burnin=200)
    return np.abs(x) > stats.norm.ppf(1 - NOMINAL / 2)


def simulate_rate_coverage(design: float | str, *, n_dates: int = 96, reps: int = 1000,
                           seed: int = 0, block: int = 12, draws: int = 999,
                           level: float = RATE_LEVEL, months_after: int = 12) -> dict:
    """How often the rejection rate's intervals (``rate_interval``, blocks of ``block``
    months) cover the true 5 % on synthetic indicator runs (``synthetic_rejections``, post
    windows of ``months_after`` months) of ``n_dates`` monthly placebo dates: the block
    bootstrap and the binomial that ignores the dependence."""
    rng = np.random.default_rng(seed)
    runs = synthetic_rejections(design, rng, n_dates=n_dates, reps=reps,
                                months_after=months_after)
    dates = pd.date_range("2011-01-01", periods=n_dates, freq="MS")
    cover = cover_iid = 0
    width, width_iid, zero = [], [], 0
    for i, r in enumerate(runs):
        iv = rate_interval(dates, r, block, level=level, draws=draws, seed=seed + i,
                           months_after=months_after)
        cover += iv.lo <= NOMINAL <= iv.hi
        cover_iid += iv.iid_lo <= NOMINAL <= iv.iid_hi
        width.append(iv.hi - iv.lo)
        width_iid.append(iv.iid_hi - iv.iid_lo)
        zero += iv.rejected == 0
    return {"design": "window" if design == "window" else float(design), "n_dates": n_dates,
            "independent_windows": independent_windows(dates, months_after), "reps": reps,
            "block": block,
            "draws": draws, "level": level, "true_rate": NOMINAL,
            "mean_rate": float(runs.mean()),
            "coverage_block": cover / reps, "coverage_iid": cover_iid / reps,
            "median_width_block": float(np.median(width)),
            "median_width_iid": float(np.median(width_iid)), "share_no_rejection": zero / reps}
