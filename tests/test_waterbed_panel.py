"""The nationality × route × month panel (analysis.panel) and its placebo calibration
(analysis.placebo): planted displacement recovered on clearly synthetic panels, the
out-of-sample calibration check able to fail, and values pinned on the bundled data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from analysis import panel, placebo
from analysis.panel import PanelSpec, fit_panel

EVENT = "2020-01-01"          # first of the month: no transition month


def synthetic_panel(ratio: float, *, seed: int = 1, n_nat: int = 20,
                    fall: float = 0.6) -> pd.DataFrame:
    """SYNTHETIC: 24 pre + 12 post months, treated route CMR, receiving WMR and WAR.

    The treated route falls by ``fall`` for every nationality; WMR gains, for the exposed
    nationalities, ``ratio`` × the treated route's expected fall (planted in the model's
    own form, exp(b · exposure)); WAR gets nothing. Route-wide shocks on WMR and seasonality
    on CMR are added and must be absorbed by the fixed effects. Poisson noise."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    post = months >= pd.Timestamp(EVENT)
    nats = [f"N{i:02d}" for i in range(n_nat)]
    cmr = rng.gamma(1.0, 1.0, n_nat) * 400 + 20
    exposure = cmr / cmr.sum()
    base = {"WMR": np.full(n_nat, 300.0), "WAR": np.full(n_nat, 150.0)}
    season = 1 + 0.3 * np.sin(2 * np.pi * np.asarray(months.month) / 12)
    shock = np.exp(rng.normal(0, 0.2, len(months)))
    target = ratio * fall * cmr.sum() * season[post].sum()   # planted extra crossings

    def gap(b):
        return (base["WMR"][:, None] * shock[post] * (np.exp(b * exposure)[:, None] - 1)).sum() \
            - target
    b = optimize.brentq(gap, -5, 50) if ratio > 0 else 0.0
    rows = []
    for i, n in enumerate(nats):
        mu = {"CMR": cmr[i] * season * np.where(post, 1 - fall, 1.0),
              "WMR": base["WMR"][i] * shock * np.where(post, np.exp(b * exposure[i]), 1.0),
              "WAR": base["WAR"][i] * np.ones(len(months))}
        for r, m in mu.items():
            rows.append(pd.DataFrame({"route_code": r, "route": r, "nationality_iso3": n,
                                      "nationality": n, "month": months,
                                      "detections": rng.poisson(m)}))
    return pd.concat(rows, ignore_index=True)


@pytest.mark.parametrize("ratio", [1.0, 0.5, 0.0])
def test_planted_displacement_is_recovered(ratio):
    frame = synthetic_panel(ratio)
    r = fit_panel(frame, EVENT, "CMR", PanelSpec(months_before=24, months_after=12))
    assert r.receiving == ["WMR", "WAR"]
    assert r.bounded
    assert r.ratio == pytest.approx(ratio, abs=0.08)
    assert r.ratio_lo <= ratio <= r.ratio_hi
    assert r.extra["WAR"].lo <= 0 <= r.extra["WAR"].hi
    # the fall is the planted 60 % of the treated route's counterfactual
    assert r.fall_treated.estimate / (r.post_observed_treated / 0.4) == pytest.approx(0.6, abs=0.03)


def test_no_fall_means_no_ratio():
    frame = synthetic_panel(0.0, fall=0.0, seed=3)
    r = fit_panel(frame, EVENT, "CMR", PanelSpec(months_before=24, months_after=12))
    assert not r.bounded
    assert r.ratio_status in ("no-fall", "unbounded")
    assert np.isinf(r.ratio_lo) and np.isinf(r.ratio_hi)


def test_window_outside_the_data_is_a_plain_error():
    frame = synthetic_panel(0.5)
    with pytest.raises(ValueError, match="pre and .* post months"):
        fit_panel(frame, "2018-06-01", "CMR")


def _table(t: np.ndarray) -> pd.DataFrame:
    dates = pd.date_range("2011-01-01", periods=len(t), freq="MS")
    return pd.DataFrame({"date": dates, "b_treated": t, "t_fall": t, "t_extra": t,
                         "nominal_crit": 1.96})


def test_calibration_passes_on_exchangeable_placebos():
    rng = np.random.default_rng(0)
    cal = placebo.calibrate(_table(rng.standard_t(3, 400)), "SYN")
    assert 0.02 <= cal.loo_rejection_fall <= 0.08
    assert 0.02 <= cal.split_rejection_fall <= 0.08
    # the block-t rule too (400 monthly placebos: 33 independent 12-month windows)
    assert placebo.independent_windows(_table(np.zeros(400))["date"], 12) == 33
    assert 0.02 <= cal.loo_rejection_fall_t <= 0.08
    assert 0.02 <= cal.split_rejection_fall_t <= 0.08


def test_calibration_fails_when_the_tails_come_in_one_episode():
    # SYNTHETIC: calm placebos except one run of extreme months (a surge), then a calmer
    # period: calibration on one half does not hold on the other, and the check says so.
    rng = np.random.default_rng(1)
    t = np.concatenate([rng.normal(0, 1, 30), rng.normal(0, 1, 12) * 8, rng.normal(0, 1, 40)])
    cal = placebo.calibrate(_table(t), "SYN")
    assert not cal.within_target
    assert cal.loo_rejection_fall > 0.07
    assert cal.loo_rejection_fall_t > 0.07


def _route_tables(spreads: dict[str, float], *, seed: int = 0, n: int = 120,
                  scale_known: bool = True) -> dict[str, pd.DataFrame]:
    """SYNTHETIC placebo tables of several routes: b_T = spread · s · noise with each route's
    own scale s (varying by date). With ``scale_known`` the table's ``scale`` is that s, so
    b_T / s is exchangeable across routes; otherwise one spread is not in the scale."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2011-01-01", periods=n, freq="MS")
    out = {}
    for route, spread in spreads.items():
        s = np.exp(rng.normal(0, 0.5, n))
        b = spread * s * rng.standard_t(5, n)
        out[route] = pd.DataFrame({"date": dates, "b_treated": b,
                                   "scale": s * (spread if scale_known else 1.0)})
    return out


def test_pooled_rule_passes_when_studentised_placebos_are_exchangeable():
    # four routes of very different volatility: the raw b_T are not exchangeable, b_T / s are
    tables = _route_tables({"CMR": 1.0, "EMR": 3.0, "WMR": 0.3, "WBR": 0.8}, n=1000)
    cals = placebo.calibrate_pooled(tables)
    assert [c.route for c in cals] == ["CMR", "EMR", "WMR", "WBR"]
    for c in cals:
        assert c.n_donor_placebos == 3000 and c.route not in c.donors.split(",")
        assert 0.03 <= c.loro_rejection <= 0.07, c
        assert 0.03 <= c.split_rejection <= 0.07, c
        assert c.within_target
    # the unstudentised b_T pooled the same way is far off on the calmest and wildest routes
    by = {c.route: c for c in cals}
    assert by["WMR"].loro_rejection_b < 0.01 and by["EMR"].loro_rejection_b > 0.2


def test_pooled_rule_fails_when_a_route_is_not_like_its_donors():
    # SYNTHETIC: EMR's placebos are three times wider than its own scale says; the other
    # routes cannot know it, and the leave-one-route-out check says so
    tables = _route_tables({"CMR": 1.0, "WMR": 1.0, "WBR": 1.0}, n=300)
    tables |= {"EMR": _route_tables({"EMR": 3.0}, seed=9, n=300, scale_known=False)["EMR"]}
    cals = {c.route: c for c in placebo.calibrate_pooled(tables)}
    assert cals["EMR"].loro_rejection > 0.07 and not cals["EMR"].within_target


def test_pooled_split_is_out_of_sample_in_time_too():
    # SYNTHETIC: every route calm in the first half, wild in the second: the split check
    # (donors of the other half only) fails although leave-one-route-out alone looks fine
    tables = _route_tables({"CMR": 1.0, "EMR": 1.0, "WMR": 1.0, "WBR": 1.0}, n=300)
    for t in tables.values():
        t.loc[t.index >= 150, "b_treated"] *= 4
    cals = placebo.calibrate_pooled(tables)
    assert all(c.split_rejection > 0.07 for c in cals)


def test_route_scale_is_the_sd_of_12_month_log_changes():
    months = pd.date_range("2015-01-01", periods=30, freq="MS")
    y = pd.Series(np.arange(30.0) * 10 + 5, index=months)
    ly = np.log1p(y.iloc[3:27].to_numpy())
    expected = np.std(ly[12:] - ly[:-12], ddof=1)
    assert placebo.route_scale(y, months[27]) == pytest.approx(expected)
    assert np.isnan(placebo.route_scale(y, months[20]))      # fewer than 24 months before


def test_calibrated_p_value():
    assert placebo.calibrated_p(5.0, [1, 2, 3]) == pytest.approx(0.25)
    assert placebo.calibrated_p(0.0, [1, 2, 3]) == pytest.approx(1.0)


@pytest.fixture(scope="module")
def real(built_warehouse):
    from analysis.data import load_monthly
    from core import warehouse

    with warehouse.connect_readonly() as con:
        return load_monthly(con), con.execute("SELECT * FROM policy_events").df()


@pytest.fixture(scope="module")
def fall_tables(real):
    """The fall-only placebo tables of the four main routes on the bundled data (the costly
    part: one panel fit per placebo date), shared by the calibration tests."""
    frame, events = real
    return {r: placebo.placebo_table(frame, events, r, fall_only=True) for r in placebo.MAIN}


def test_eu_turkey_on_the_bundled_data(real):
    frame, _ = real
    r = fit_panel(frame, "2016-03-20", "EMR")
    # pinned from the bundled data (June 2025 vintage), as `python -m analysis waterbed` prints
    assert round(r.fall_treated.estimate) == 495779
    assert round(r.extra_total.estimate) == -33020
    assert round(r.ratio, 3) == -0.067
    assert "WBR" not in r.receiving and "WBR" in r.excluded   # double counted with EMR
    assert f"{r.window.first_post:%Y-%m}" == "2016-04" and f"{r.window.post_end:%Y-%m}" == "2017-03"


def test_placebo_dates_avoid_the_routes_events(real):
    frame, events = real
    dates = placebo.placebo_dates(frame, events, "CMR")
    months = {f"{d:%Y-%m}" for d in dates}
    assert "2017-02" not in months and "2016-10" not in months   # Italy–Libya; ALL routes
    assert len(dates) == 57
    table = placebo.placebo_table(frame, events, "WMR", every=24)
    assert len(table) >= 3 and np.isfinite(table["b_treated"]).all()


def test_coverage_simulation_runs_on_synthetic_panels():
    # the full table is `python -m analysis placebo --simulate` (README); two series here
    out = placebo.simulate_coverage(0.6, panels=2, seed=5, every=6)
    assert out["panels"] == 2 and out["placebos_per_series"] >= 8
    for key in ("coverage_fall", "coverage_ratio", "coverage_fall_cal", "coverage_ratio_cal",
                "coverage_fall_t", "coverage_ratio_t", "coverage_fall_pooled_b",
                "coverage_ratio_pooled_b", "coverage_fall_pooled_z", "coverage_ratio_pooled_z"):
        assert 0 <= out[key] <= 1


def test_series_placebos_widen_the_interval_under_a_route_wide_shock():
    # SYNTHETIC: with an AR(1) shock common to the whole treated route the clustered error
    # (nationalities) cannot see it; the placebo dates of the same series must.
    rng = np.random.default_rng(11)
    frame, _, event = placebo.simulate_panel(0.85, rng, n_months=placebo.SIM_MONTHS,
                                             route_sd=0.3)
    r = fit_panel(frame, event, "CMR", placebo.SIM_SPEC)
    table = placebo.series_placebos(frame, event, every=6)
    assert (table["date"] + pd.DateOffset(months=12) <= event).all()   # never the event's window
    q_lo, q_hi = placebo.quantiles(table["b_treated"])
    se = r.coefficients.set_index("route_code").at["CMR", "se"]
    assert (q_hi - q_lo) / 2 > 2 * r.crit * se


def test_treated_coefficient_alone_equals_the_full_fit(real):
    frame, _ = real
    full = fit_panel(frame, "2019-03-01", "WMR")
    b = full.coefficients.set_index("route_code").at["WMR", "coefficient"]
    assert panel.treated_coefficient(frame, "2019-03-01", "WMR") == pytest.approx(b, abs=1e-9)


def test_real_calibration_of_the_fall_out_of_sample(fall_tables):
    # The honest result on the bundled data (June 2025 vintage), as the README table prints
    # it: the placebo-calibrated test of the fall does NOT hold out of sample on the Central
    # Mediterranean (target 3–7 %). A calibration that met the target would change these
    # numbers and this test, and the README with them.
    table = fall_tables["CMR"]
    cal = placebo.calibrate(table, "CMR")
    assert cal.n == 57
    assert round(100 * cal.loo_rejection_fall, 1) == 22.8
    assert round(100 * cal.split_rejection_fall, 1) == 15.8
    assert not cal.within_target
    assert np.isnan(cal.loo_rejection_extra)          # the fall-only table has no extras
    # the block-t rule: leave-one-out inside the target here, but it rejects nothing when
    # calibrated on one half of the period and tested on the other
    assert round(100 * cal.loo_rejection_fall_t, 1) == 7.0
    assert cal.split_rejection_fall_t == 0.0


def test_route_event_json_keys_and_unbounded_words(real):
    from analysis import route_event, waterbed_cli

    frame, events = real
    res = route_event.analyse_route_event(frame, events, event_id="italy-libya-mou-2017")
    assert res.treated == "CMR"                      # the event's own route
    d = waterbed_cli.result_dict(res)
    for key in ("event_id", "treated_route", "window_months", "post_start", "post_end",
                "fall_treated", "extra_on_other_routes", "displacement_ratio", "placebo",
                "robust_across_specs", "pretrend_p", "caveats"):
        assert key in d
    # uncalibrated here; the event study rejects zero leads on the receiving routes below
    assert d["caveats"][:2] == ["uncalibrated", "pre-trend"]
    assert sorted(r for r, p in d["pretrend_p"].items() if r != "CMR" and p < 0.05) == [
        "EBR", "EMR", "WAR", "WMR"]
    assert set(d["displacement_ratio"]) == {"estimate", "lo", "hi", "bounded"}
    assert (d["post_start"], d["post_end"]) == ("2017-03", "2018-02")
    assert list(res.strip["specification"]) == [
        "default", "6 months after", "24 months after", "12 months before",
        "36 months before", "with pre-trend"]
    row = waterbed_cli.event_rows_md([d])
    if not d["displacement_ratio"]["bounded"]:
        assert "(unbounded: the fall is not distinguishable from zero)" in row
        assert "— to —" not in row and "| no |" in row
    assert "| not calibrated; pre-trend on EMR, WMR, WAR, EBR;" in row


def test_waterbed_command_names_what_it_needs(real, capsys):
    from analysis import waterbed_cli

    assert waterbed_cli.main(["waterbed", "--event", "eu-agenda-migration-2015"]) == 1
    assert "choose the treated route" in capsys.readouterr().err
    assert waterbed_cli.main(["waterbed", "--event", "it-libya-returns-2009"]) == 1
    assert "need at least 12" in capsys.readouterr().err


def test_real_pooled_studentised_rule_out_of_sample(fall_tables):
    # The pooled studentised rule on the bundled data (June 2025 vintage), as
    # `python -m analysis placebo --pooled --route CMR,EMR,WMR,WBR` prints it: calibrated on
    # the other three routes' placebos, it holds on the Central and Western Mediterranean but
    # NOT on the Western Balkans (one 2012–13 episode of neighbouring dates) nor, by a
    # hair, on the Eastern Mediterranean (2 of 80 placebo dates): the target is not met, and
    # the headline keeps the quantile rule. A change of the rule or the data changes this.
    cals = {c.route: c for c in placebo.calibrate_pooled(fall_tables)}
    pct = {r: (round(100 * c.loro_rejection, 1), round(100 * c.split_rejection, 1))
           for r, c in cals.items()}
    assert pct == {"CMR": (5.3, 5.3), "EMR": (2.5, 3.8), "WMR": (3.1, 4.2),
                   "WBR": (11.5, 11.5)}
    assert cals["CMR"].within_target and not cals["WBR"].within_target
    assert not all(c.within_target for c in cals.values())
    assert cals["CMR"].donors == "EMR,WMR,WBR" and cals["CMR"].n_donor_placebos == 272


# --- how sure is a rejection rate? ---------------------------------------------------------

def test_block_bootstrap_follows_calendar_months_and_is_seeded():
    # SYNTHETIC: placebo dates with a gap; every draw holds only placebo dates, so a route
    # that rejects everywhere has rate 1 in every draw, and the draws repeat with the seed
    dates = list(pd.date_range("2011-01-01", periods=30, freq="MS")) + \
        list(pd.date_range("2015-01-01", periods=30, freq="MS"))
    assert (placebo.block_bootstrap_rates(dates, np.ones(60), 12, draws=50) == 1).all()
    rejected = np.zeros(60, dtype=bool)
    rejected[:6] = True                                   # one run of six neighbouring dates
    a = placebo.block_bootstrap_rates(dates, rejected, 12, draws=500, seed=4)
    assert np.array_equal(a, placebo.block_bootstrap_rates(dates, rejected, 12, draws=500,
                                                           seed=4))
    assert a.mean() == pytest.approx(0.1, abs=0.01)       # the rate, on average
    iv = placebo.rate_interval(dates, rejected, 12)
    assert (iv.rejected, iv.n, iv.rate) == (6, 60, 0.1)
    assert iv.independent_windows == placebo.independent_windows(dates, 12) == 6   # 78 months
    # no rejection at all: every draw is 0, the interval has no width and says nothing
    none = placebo.rate_interval(dates, np.zeros(60, dtype=bool), 12)
    assert (none.lo, none.hi) == (0.0, 0.0) and none.consistent_with_5pct is None
    assert none.iid_hi > 0.05                             # Clopper–Pearson, 0 of 60


def _width_ratios(design, n_dates=480, reps=20, seed=3):
    dates = pd.date_range("2011-01-01", periods=n_dates, freq="MS")
    runs = placebo.synthetic_rejections(design, np.random.default_rng(seed), n_dates=n_dates,
                                        reps=reps)
    assert abs(runs.mean() - 0.05) < 0.01                 # the known rate
    out = []
    for r in runs:
        iv = placebo.rate_interval(dates, r, 12, draws=999)
        out.append((iv.hi - iv.lo) / (iv.iid_hi - iv.iid_lo))
    return np.median(out)


def test_block_interval_is_wider_than_binomial_when_windows_overlap():
    # SYNTHETIC: neighbouring dates sharing their 12-month window (rejections in runs): the
    # block bootstrap widens the interval over the binomial that counts every date as an
    # independent draw; on independent dates it does not
    assert _width_ratios("window") > 1.4
    assert _width_ratios(0.85) > 1.3
    assert 0.8 < _width_ratios(0.0) < 1.2


def test_block_interval_covers_the_known_rate():
    # SYNTHETIC, 480 monthly dates (40 independent 12-month windows), 200 series per row
    # (Monte Carlo sd of a coverage about 1.5 points). Tolerance: 95 % ± 6 points at AR(1)
    # 0.6, where the binomial interval still holds too; under overlapping 12-month windows
    # the block interval covers at least 15 points more often than the binomial.
    ar = placebo.simulate_rate_coverage(0.6, n_dates=480, reps=200, seed=1)
    assert abs(ar["coverage_block"] - 0.95) <= 0.06
    win = placebo.simulate_rate_coverage("window", n_dates=480, reps=200, seed=1)
    assert win["coverage_block"] - win["coverage_iid"] >= 0.15
    assert win["independent_windows"] == 40


def test_block_interval_is_imprecise_with_few_windows():
    # SYNTHETIC: with the real routes' 96 dates (8 independent windows) overlapping windows
    # leave many series with no rejection at all, and the interval covers far less than
    # 95 % — the README says so
    few = placebo.simulate_rate_coverage("window", n_dates=96, reps=200, seed=1)
    assert few["independent_windows"] == 8
    assert few["coverage_block"] < 0.85 and few["share_no_rejection"] > 0.1


def test_real_rejection_rates_with_block_bootstrap_intervals(fall_tables):
    # The bundled data (June 2025 vintage), as `python -m analysis placebo --pooled --route
    # CMR,EMR,WMR,WBR` prints it (9999 draws, seed 0, blocks of 12 months, 95 %): the Western
    # Balkans' 11.5 % is two runs of neighbouring dates, and its block-bootstrap interval
    # includes 5 % although the binomial one (every date independent) does not.
    cals = {c.route: c for c in placebo.calibrate_pooled(fall_tables)}
    wbr = cals["WBR"].as_dict()
    assert wbr["loro_rejection"] == pytest.approx(11 / 96)          # unchanged
    assert [round(100 * v, 1) for v in wbr["loro_rejection_interval"]] == [0.0, 27.0]
    assert [round(100 * v, 1) for v in wbr["loro_rejection_interval_iid"]] == [5.9, 19.6]
    assert wbr["loro_rejection_consistent_with_5pct"] is True
    assert wbr["independent_windows"] == 12
    assert "9999 draws, seed 0" in wbr["interval_method"]
    emr = cals["EMR"].as_dict()
    assert [round(100 * v, 1) for v in emr["loro_rejection_interval"]] == [0.0, 6.2]
    # one route's own placebos (the quantile rule, fall only): the Central Mediterranean's
    # 22.8 % leave-one-out, and its block-t split rate of 0 (an interval of no width)
    cmr = placebo.calibrate(fall_tables["CMR"], "CMR").as_dict()
    assert round(100 * cmr["loo_rejection_fall"], 1) == 22.8                 # unchanged
    assert [round(100 * v, 1) for v in cmr["loo_rejection_fall_interval"]] == [2.6, 58.5]
    assert cmr["loo_rejection_fall_consistent_with_5pct"] is True
    assert cmr["split_rejection_fall_t_interval"] == [0.0, 0.0]
    assert cmr["split_rejection_fall_t_consistent_with_5pct"] is None
    assert cmr["loo_rejection_extra_interval"] is None          # the fall-only table
    assert cmr["independent_windows"] == 11


def test_rate_intervals_in_the_command_output(fall_tables):
    from analysis import waterbed_cli

    cals = [waterbed_cli._clean(c.as_dict()) for c in placebo.calibrate_pooled(fall_tables)]
    old = waterbed_cli.pooled_rows_md(cals)                      # the first table as before
    assert "| WBR | 96 | CMR, EMR, WMR | 233 | 2.84 | 11.5 % | 11.5 % | 15.6 % | no |" in old
    md = waterbed_cli.rate_rows_md(cals, placebo.PooledCalibration.RATES)
    assert ("| WBR | pooled studentised | leave-one-route-out | 11 of 96 | 11.5 % | "
            "0.0–27.0 % | 5.9–19.6 % | 12 | yes |") in md
    assert len(md.strip().splitlines()) == 2 + 8                 # two rates per route
    cmr = waterbed_cli._clean(placebo.calibrate(fall_tables["CMR"], "CMR").as_dict())
    md = waterbed_cli.rate_rows_md([cmr], placebo.Calibration.RATES)
    assert "extra crossings" not in md                            # no interval, no row
    assert ("| CMR | block-t rule, fall | split by period | 0 of 57 | 0.0 % | 0.0–0.0 % | "
            "0.0–6.3 % | 11 | cannot tell (interval of no width) |") in md


def test_rate_simulation_command(capsys):
    from analysis import waterbed_cli

    assert waterbed_cli.main(["placebo", "--simulate-rates", "--rho", "0.3,window",
                              "--reps", "20", "--draws", "199", "--format", "json"]) == 0
    rows = __import__("json").loads(capsys.readouterr().out)
    assert [r["design"] for r in rows] == [0.3, "window"]
    assert all(r["n_dates"] == 96 and r["independent_windows"] == 8 and r["reps"] == 20
               for r in rows)


def test_a_calibration_stored_without_intervals_still_loads(tmp_path):
    import json

    from analysis import route_event

    rng = np.random.default_rng(0)
    cal = placebo.calibrate(_table(rng.standard_t(3, 120)), "SYN")
    path = route_event._calibration_path(tmp_path, "f" * 16, "SYN", panel.DEFAULT_SPEC)
    path.parent.mkdir(parents=True)
    stored = {k: v for k, v in cal.as_dict().items()
              if "interval" not in k and "consistent" not in k and k != "independent_windows"}
    path.write_text(json.dumps(stored), encoding="utf-8")
    old = route_event.load_calibration(tmp_path, "f" * 16, "SYN")
    assert (old.b_q025, old.loo_rejection_fall) == (cal.b_q025, cal.loo_rejection_fall)
    assert old.loo_rejection_fall_interval is None
    assert old.as_dict()["loo_rejection_fall_consistent_with_5pct"] is None
    path.write_text(json.dumps(cal.as_dict()), encoding="utf-8")        # a new one, whole
    new = route_event.load_calibration(tmp_path, "f" * 16, "SYN")
    assert new.loo_rejection_fall_interval == cal.loo_rejection_fall_interval
