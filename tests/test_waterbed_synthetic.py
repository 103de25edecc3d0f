"""The waterbed estimators on synthetic data (fixed seeds) with planted effects of known size.

All series here are SYNTHETIC: seasonal monthly counts with AR(1) log-normal noise, a drop
of known size planted on the treated route and a rise of known size on another.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import analysis as A
from analysis.its import design, joint_hac_cov

EVENT = "2014-07-01"          # dated the 1st: July 2014 is the first post month
DROP = 0.6                    # treated route loses 60 % after the event
TRUE_LOG_LEVEL = np.log(1 - DROP)


def synthetic_panel(seed: int, *, displaced: float = 1.0, drop: float = DROP,
                    trend: float = 0.0, noise: float = 0.05, phi: float = 0.3,
                    event: str = EVENT) -> tuple[pd.DataFrame, float]:
    """SYNTHETIC month × route matrix: treated EMR, receiving CMR, bystander WMR.

    ``displaced`` of the detections lost on EMR are added to CMR. Returns the matrix and
    the planted fall on EMR summed over the 12 months from the event.
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range("2010-01-01", "2016-12-01", freq="MS")
    t = np.arange(len(months))
    moy = months.month.to_numpy()

    def ar1():
        e = rng.normal(0, noise, len(t))
        out = np.empty(len(t))
        out[0] = e[0]
        for i in range(1, len(t)):
            out[i] = phi * out[i - 1] + e[i] * np.sqrt(1 - phi ** 2)
        return np.exp(out)

    treated = 8000 * np.exp(trend * t + 0.35 * np.sin(2 * np.pi * (moy - 4) / 12)) * ar1()
    receiving = 5000 * np.exp(trend * t + 0.30 * np.sin(2 * np.pi * (moy - 6) / 12)) * ar1()
    bystander = 1500 * np.exp(0.2 * np.cos(2 * np.pi * moy / 12)) * ar1()
    post = months >= pd.Timestamp(event)
    fall = np.where(post, drop * treated, 0.0)
    wide = pd.DataFrame({"EMR": treated - fall, "CMR": receiving + displaced * fall,
                         "WMR": bystander}, index=months).round()
    start = pd.Timestamp(event)
    first12 = (months >= start) & (months < start + pd.DateOffset(months=12))
    return wide, float(fall[first12].sum())


def synthetic_nationalities(seed: int, *, same: bool) -> pd.DataFrame:
    """SYNTHETIC long frame: EMR carries nationalities AAA/BBB/CCC, the other routes DDD/EEE.

    After the event AAA and BBB fall on EMR; on CMR either the same AAA/BBB rise (``same``)
    or two nationalities never seen on EMR (FFF/GGG).
    """
    rng = np.random.default_rng(seed)
    months = pd.date_range("2010-01-01", "2016-12-01", freq="MS")
    post = months >= pd.Timestamp(EVENT)
    base = {("EMR", "AAA"): 4000, ("EMR", "BBB"): 2500, ("EMR", "CCC"): 800,
            ("CMR", "DDD"): 3000, ("CMR", "EEE"): 1500, ("WMR", "DDD"): 700}
    rows = []
    for (route, nat), level in base.items():
        y = rng.poisson(level, len(months)).astype(float)
        if route == "EMR" and nat in ("AAA", "BBB"):
            y[post] *= 0.3
        rows.append(pd.DataFrame({"route_code": route, "nationality_iso3": nat, "month": months,
                                  "detections": y}))
    for nat, level in ((("AAA", 2800), ("BBB", 1750)) if same else (("FFF", 2800), ("GGG", 1750))):
        y = np.where(post, rng.poisson(level, len(months)), 0).astype(float)
        rows.append(pd.DataFrame({"route_code": "CMR", "nationality_iso3": nat, "month": months,
                                  "detections": y}))
    frame = pd.concat(rows, ignore_index=True)
    frame["route"] = frame["route_code"]
    frame["nationality"] = "Synthetica " + frame["nationality_iso3"]
    frame["detections"] = frame["detections"].astype("int64")
    return frame


def row(table: pd.DataFrame, route: str, effect: str) -> pd.Series:
    return table.set_index(["route", "effect"]).loc[(route, effect)]


# -- window and design ---------------------------------------------------------------------

def test_event_window_months():
    w = A.event_window("2016-03-20")
    assert w.transition == (pd.Timestamp("2016-03-01"),)
    assert (w.pre_start, w.pre_end) == (pd.Timestamp("2015-03-01"), pd.Timestamp("2016-02-01"))
    assert (w.first_post, w.post_end) == (pd.Timestamp("2016-04-01"), pd.Timestamp("2017-03-01"))
    assert w.season_start == pd.Timestamp("2012-03-01") and w.n_season == 36
    w = A.event_window("2014-11-01")
    assert w.transition == () and w.first_post == pd.Timestamp("2014-11-01")
    assert w.pre_end == pd.Timestamp("2014-10-01")
    w = A.event_window("2017-07-01", date_precision="month")
    assert w.transition == (pd.Timestamp("2017-07-01"),)


def test_event_window_cut_to_data():
    w = A.event_window("2010-06-15", first_month="2009-01-01", last_month="2025-04-01")
    assert w.n_season == 0 and w.season_start is None and w.n_pre == 12
    w = A.event_window("2011-06-15", first_month="2009-01-01", last_month="2025-04-01",
                       season_months=36)
    assert w.n_season == 12
    w = A.event_window("2025-01-10", first_month="2009-01-01", last_month="2025-04-01")
    assert w.n_post == 3
    with pytest.raises(ValueError):
        A.event_window("2025-03-10", first_month="2009-01-01", last_month="2025-04-01")


@pytest.mark.parametrize("event", [EVENT, "2014-07-16"])
@pytest.mark.parametrize("trend", [True, False])
def test_design_full_rank(event, trend):
    X, Xcf = design(A.event_window(event), trend=trend)
    assert np.linalg.matrix_rank(X.to_numpy()) == X.shape[1]
    assert (Xcf["post_level"] == 0).all() and (Xcf["post_slope"] == 0).all()


def test_joint_covariance_matches_statsmodels():
    wide, _ = synthetic_panel(1)
    models = A.fit_event_models(wide, EVENT, errors="hac")
    C = models.joint_cov(models.routes)
    k = models.X.shape[1]
    for i, route in enumerate(models.routes):
        direct = sm.OLS(np.log1p(wide.loc[models.X.index, route]), models.X).fit(
            cov_type="HAC", cov_kwds={"maxlags": models.maxlags, "use_correction": True})
        np.testing.assert_allclose(C[i * k:(i + 1) * k, i * k:(i + 1) * k],
                                   direct.cov_params().to_numpy(), rtol=1e-8, atol=1e-14)
    # the leverage-adjusted errors are wider
    hc3 = joint_hac_cov(models.X.to_numpy(), models.fits["EMR"].resid.to_numpy()[:, None],
                        models.maxlags)
    j = list(models.X.columns).index("post_level")
    assert hc3[j, j] > C[j, j]


# -- event study -----------------------------------------------------------------------------

def test_event_study_recovers_level_change():
    wide, _ = synthetic_panel(2)
    table = A.event_study(wide, EVENT)
    level = row(table, "EMR", "level")
    assert level.estimate == pytest.approx(TRUE_LOG_LEVEL, abs=0.12)
    assert level.ci_low <= TRUE_LOG_LEVEL <= level.ci_high
    assert abs(row(table, "EMR", "slope").estimate) < 0.02     # no planted slope change
    assert row(table, "EMR", "level_pct").estimate == pytest.approx(-60, abs=6)
    assert abs(row(table, "WMR", "level").estimate) < 0.2        # bystander: no change
    assert {"route", "effect", "estimate", "ci_low", "ci_high", "p", "model", "n_pre",
            "n_post"} <= set(table.columns)
    assert (table["n_pre"] == 12).all() and (table["n_post"] == 12).all()
    model = table["model"].iloc[0]
    assert "log(1 + detections)" in model and "HAC" in model and "month-of-year" in model


def test_event_study_with_pre_trend():
    wide, _ = synthetic_panel(3, trend=0.01)
    level = row(A.event_study(wide, EVENT, ["EMR"]), "EMR", "level")
    assert level.estimate == pytest.approx(TRUE_LOG_LEVEL, abs=0.12)
    assert level.ci_low <= TRUE_LOG_LEVEL <= level.ci_high


def test_event_study_level_scale_total():
    wide, planted = synthetic_panel(4)
    total = row(A.event_study(wide, EVENT, ["EMR"], scale="level", trend=False), "EMR",
                "post_total")
    assert total.estimate == pytest.approx(-planted, rel=0.1)
    assert total.ci_low <= -planted <= total.ci_high


def test_intervals_cover_in_repeated_samples():
    """Across 100 synthetic panels the 95 % intervals cover the truth often enough: the
    level shift at least 85 times, the slope change (truly 0) at least 75 (plain
    Newey–West covers the level about 85 times, the slope about 70, in this design)."""
    level_covered = slope_covered = 0
    for seed in range(100):
        wide, _ = synthetic_panel(1000 + seed)
        table = A.event_study(wide, EVENT, ["EMR"])
        level, slope = row(table, "EMR", "level"), row(table, "EMR", "slope")
        level_covered += level.ci_low <= TRUE_LOG_LEVEL <= level.ci_high
        slope_covered += slope.ci_low <= 0 <= slope.ci_high
    assert level_covered >= 85
    assert slope_covered >= 75


def test_route_without_variation_is_skipped():
    wide, _ = synthetic_panel(5)
    wide["OTH"] = 0.0
    models = A.fit_event_models(wide, EVENT)
    assert "OTH" in models.skipped and "OTH" not in models.fits
    assert "no estimate" in A.read_event_study(models, "OTH")


# -- displacement ------------------------------------------------------------------------------

@pytest.mark.parametrize("displaced", [1.0, 0.5, 0.0])
def test_displacement_ratio_recovered(displaced):
    wide, planted = synthetic_panel(10, displaced=displaced)
    d = A.displacement_ratio(wide, EVENT, "EMR")
    assert d.status == "ok" and d.defined
    assert d.others == ["CMR", "WMR"]
    assert d.fall == pytest.approx(planted, rel=0.1)
    assert d.ratio == pytest.approx(displaced, abs=0.1)
    assert d.ci_low < d.ratio < d.ci_high
    cmr = d.by_route.set_index("route").loc["CMR"]
    assert cmr["share_of_fall"] == pytest.approx(displaced, abs=0.1)
    assert "Fieller" in d.method and "delta method" in d.method


def _repeated(displaced: float, n: int, **options) -> tuple[float, int, int]:
    ratios, fieller, delta = [], 0, 0
    for seed in range(n):
        wide, _ = synthetic_panel(3000 + seed, displaced=displaced,
                                  trend=0.01 if options.get("trend") else 0.0)
        d = A.displacement_ratio(wide, EVENT, "EMR", **options)
        ratios.append(d.ratio)
        fieller += d.ci_low <= displaced <= d.ci_high
        delta += d.delta_ci[0] <= displaced <= d.delta_ci[1]
    return float(np.mean(ratios)), fieller, delta


def test_displacement_intervals_cover():
    """Default model (level scale, no trend) on 60 flat panels per displacement share:
    unbiased, and the 95 % intervals cover the planted share in at least 80 % of the 180
    panels (about 85 % expected with AR(1) noise of 0.3; see ``joint_hac_cov``)."""
    fieller = delta = 0
    for displaced in (1.0, 0.5, 0.0):
        mean, f, d = _repeated(displaced, 60)
        assert mean == pytest.approx(displaced, abs=0.03)
        fieller, delta = fieller + f, delta + d
    assert fieller >= 144 and delta >= 144


def test_displacement_with_pre_trend():
    """Log scale with pre-trend and slope change, on 40 panels per share growing 1 % a
    month: unbiased within 0.06, intervals cover in at least 80 % of the 120 panels."""
    fieller = 0
    for displaced in (1.0, 0.5, 0.0):
        mean, f, _ = _repeated(displaced, 40, scale="log", trend=True)
        assert mean == pytest.approx(displaced, abs=0.06)
        fieller += f
    assert fieller >= 96


def test_treated_route_that_did_not_fall():
    wide, _ = synthetic_panel(13, drop=-0.3, displaced=0.0)   # the treated route rose 30 %
    d = A.displacement_ratio(wide, EVENT, "EMR")
    assert d.status == "no-fall" and not d.defined
    assert np.isnan(d.ratio) and np.isnan(d.ci_low) and np.isnan(d.ci_high)
    assert "undefined" in d.message and "undefined" in A.read_displacement(d)


def test_both_routes_fell():
    wide, _ = synthetic_panel(14, displaced=-0.5)   # the other route lost half as much too
    d = A.displacement_ratio(wide, EVENT, "EMR")
    assert d.ratio == pytest.approx(-0.5, abs=0.1)
    assert d.ci_high < 0
    assert "fell as well" in A.read_displacement(d)


def test_fall_indistinguishable_from_zero():
    wide, _ = synthetic_panel(15, drop=0.01, displaced=0.0, noise=0.2)
    d = A.displacement_ratio(wide, EVENT, "EMR")
    if d.status != "no-fall":
        assert d.status == "fall-uncertain"
        assert np.isnan(d.ci_low) and "unbounded" in A.read_displacement(d)


def test_double_counted_routes_left_out():
    wide, _ = synthetic_panel(16)
    wide["WBR"] = wide["EMR"] * 0.8
    d = A.displacement_ratio(wide, EVENT, "EMR")
    assert "WBR" not in d.others and "WBR" in d.excluded
    d = A.displacement_ratio(wide, EVENT, "EMR", exclude_double_counted=False)
    assert "WBR" in d.others


def test_fieller_interval():
    # clear denominator: bounded, contains the point estimate, close to the delta method
    lo, hi = A.fieller_interval(50.0, 100.0, 25.0, 25.0, 0.0, 1.96)
    assert lo < 0.5 < hi
    assert (lo, hi) == pytest.approx((0.5 - 1.96 * 0.0559, 0.5 + 1.96 * 0.0559), abs=0.01)
    # denominator within noise of zero: unbounded
    assert np.isnan(A.fieller_interval(50.0, 5.0, 25.0, 25.0, 0.0, 1.96)[0])


# -- composition -----------------------------------------------------------------------------

def test_composition_same_nationalities():
    c = A.composition_test(synthetic_nationalities(20, same=True), EVENT, "EMR", ["CMR", "WMR"])
    assert c.overlaps["fall_vs_rise"] > 0.9
    assert c.overlaps["shift_towards_treated"] > 0.2
    assert list(c.fell_on_treated["nationality_iso3"][:2]) == ["AAA", "BBB"]
    assert list(c.rose_elsewhere["nationality_iso3"][:2]) == ["AAA", "BBB"]
    assert "largely the same" in A.read_composition(c)


def test_composition_different_nationalities():
    c = A.composition_test(synthetic_nationalities(21, same=False), EVENT, "EMR", ["CMR", "WMR"])
    assert c.overlaps["fall_vs_rise"] < 0.1
    assert c.overlaps["treated_pre_vs_others_post"] < 0.1
    assert list(c.rose_elsewhere["nationality_iso3"][:2]) == ["FFF", "GGG"]
    test = c.tests.set_index("test").loc["others_pre_vs_post"]
    assert test.p < 1e-6 and test.cramers_v > 0.3
    assert "mostly different" in A.read_composition(c)


def test_overlap_index():
    a = pd.Series({"x": 2.0, "y": 2.0})
    assert A.overlap(a, a * 10) == pytest.approx(1.0)
    assert A.overlap(a, pd.Series({"z": 1.0})) == 0.0
    assert A.overlap(a, pd.Series({"x": 1.0})) == pytest.approx(0.5)
    assert np.isnan(A.overlap(a, pd.Series({"x": 0.0})))


# -- co-movement, readings, the whole run ----------------------------------------------------

def test_comovement():
    rng = np.random.default_rng(30)
    months = pd.date_range("2010-01-01", "2016-12-01", freq="MS")
    common = rng.normal(0, 0.2, len(months))
    season = 0.3 * np.sin(2 * np.pi * months.month / 12)
    wide = pd.DataFrame({
        "AAA": np.exp(8 + season + np.cumsum(common) + rng.normal(0, 0.02, len(months))),
        "BBB": np.exp(7 + season + np.cumsum(common) + rng.normal(0, 0.02, len(months))),
        "CCC": np.exp(7 + season + rng.normal(0, 0.2, len(months))),
        "TINY": rng.poisson(1, len(months)).astype(float)}, index=months)
    c = A.comovement(wide)
    assert "TINY" not in c.matrix.columns
    assert c.matrix.loc["AAA", "BBB"] > 0.9
    assert abs(c.matrix.loc["AAA", "CCC"]) < 0.3
    assert "not displacement" in c.note and "not displacement" in A.read_comovement(c)


def test_limits_list_events_and_double_counting():
    events = pd.DataFrame({
        "id": ["ev-a", "ev-b", "ev-c"], "date": ["2014-02-10", "2014-07-01", "2016-01-01"],
        "date_precision": ["day", "day", "day"], "end_date": ["", "", ""],
        "title": ["Synthetic event A", "Synthetic event B", "Synthetic event C"],
        "routes": ["CMR", "EMR", "ALL"], "kind": ["other"] * 3, "source_name": ["test"] * 3,
        "source_url": [""] * 3, "confirmed": ["true", "true", "false"]})
    window = A.event_window(EVENT)
    text = " ".join(A.limits(window, "EMR", others=["CMR", "WBR"], events=events,
                             event_id="ev-b"))
    assert "Synthetic event A" in text and "Synthetic event B" not in text
    assert "Synthetic event C" not in text            # after the window
    assert "Double counting" in text and "Detections are not persons" in text
    assert "Anticipation" in text and "Seasonality" in text


def test_analyse_event_end_to_end():
    frame = synthetic_nationalities(40, same=True)
    result = A.analyse_event(frame, "EMR", EVENT)
    assert result.displacement.ratio == pytest.approx(1.0, abs=0.15)
    assert result.composition.overlaps["fall_vs_rise"] > 0.9
    assert set(result.readings) >= {"event_study", "displacement", "composition"}
    assert all(isinstance(v, str) and v for v in result.readings.values())
    assert result.limits
    one = A.analyse_event(frame, "EMR", EVENT, nationalities="AAA")
    assert one.composition is None
    assert any("Filtered to nationalities AAA" in s for s in one.limits)


def test_route_month_matrix():
    frame = synthetic_nationalities(41, same=False)
    wide = A.route_month_matrix(frame)
    assert wide.sum().sum() == frame["detections"].sum()
    only = A.route_month_matrix(frame, ["AAA", "DDD"])
    assert only.sum().sum() == frame.loc[frame["nationality_iso3"].isin(["AAA", "DDD"]),
                                         "detections"].sum()
    with pytest.raises(ValueError):
        A.route_month_matrix(frame, "ZZZ")
