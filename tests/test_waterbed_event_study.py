"""Leads and lags of the panel model (analysis.leads_lags): planted effects recovered by
quarter on clearly SYNTHETIC panels, a planted pre-trend detected, quarters at the edges."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.leads_lags import fit_event_study, quarter_of
from analysis.panel import PanelSpec, fit_panel
from test_waterbed_panel import EVENT, synthetic_panel

SPEC = PanelSpec(months_before=24, months_after=12)


def test_quarters_count_back_from_the_last_pre_month_and_forward_from_the_first_post():
    months = pd.Series(pd.date_range("2014-03-01", "2017-03-01", freq="MS"))
    # event on 20 March 2016: March is a transition month, so pre ends in February
    q = quarter_of(months, pd.Timestamp("2016-02-01"), pd.Timestamp("2016-04-01"))
    by = dict(zip(months.dt.strftime("%Y-%m"), q))
    assert by["2016-02"] == by["2015-12"] == -1 and by["2015-11"] == -2
    assert by["2014-03"] == -8
    assert by["2016-04"] == by["2016-06"] == 0 and by["2017-03"] == 3


def test_planted_fall_and_displacement_by_quarter():
    frame = synthetic_panel(0.5)
    es = fit_event_study(fit_panel(frame, EVENT, "CMR", SPEC))
    c = es.coefficients.set_index(["route_code", "quarter"])["estimate"]
    # treated route: 60 % fall after the event, flat before (seasonality absorbed)
    for q in range(4):
        assert c[("CMR", q)] == pytest.approx(np.log(0.4), abs=0.08)
    for q in range(-8, -4):
        assert abs(c[("CMR", q)]) < 0.08
    # WAR receives nothing: no lead or lag distinguishable from zero
    war = es.coefficients[es.coefficients["route_code"] == "WAR"]
    assert ((war["lo"] <= 0) & (war["hi"] >= 0)).mean() >= 0.8
    # (no assertion on the pre-trend p-values here: with 20 clusters and a few highly
    # exposed nationalities the clustered Wald test rejects too often; README)
    # WMR gains after the event only
    assert min(c[("WMR", q)] for q in range(4)) > 0.5
    assert es.pretrend["WMR"].df_num == 7 and es.pretrend["WMR"].df_den == es.n_clusters - 1


def test_a_planted_pre_trend_is_detected():
    # SYNTHETIC: the exposed nationalities drift up on WMR for the whole pre window
    frame = synthetic_panel(0.0, seed=4)
    months = pd.date_range("2018-01-01", periods=36, freq="MS")
    k = pd.Series(np.arange(36, dtype=float), index=months)
    cmr_pre = frame[(frame["route_code"] == "CMR") & (frame["month"] < EVENT)]
    share = cmr_pre.groupby("nationality_iso3")["detections"].sum()
    share = share / share.sum()
    on = frame["route_code"] == "WMR"
    drift = np.exp(0.6 * share.reindex(frame["nationality_iso3"]).to_numpy()
                   * frame["month"].map(k).to_numpy() * 0.5)
    rng = np.random.default_rng(9)
    frame.loc[on, "detections"] = rng.poisson(frame.loc[on, "detections"] * drift[on.to_numpy()])
    es = fit_event_study(fit_panel(frame, EVENT, "CMR", SPEC))
    c = es.coefficients.set_index(["route_code", "quarter"])["estimate"]
    # 0.3 per month per unit of exposure: quarter −8 lies about 21 months before the reference
    assert c[("WMR", -8)] < c[("WMR", -5)] < c[("WMR", -2)] < 0
    assert c[("WMR", -8)] == pytest.approx(-0.3 * 21, abs=1.5)
    assert es.pretrend["WMR"].p_value < 0.01
