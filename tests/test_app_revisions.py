"""The Data revisions page under AppTest: renders, shows the warehouse's values of both
vintages (over the months both hold), restores its state from the URL."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from core import warehouse
from pages import csv_table, decode, footer, page_tables, run_page, specs, title

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

PAGE = "pages/revisions.py"


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def bars(spec: dict) -> dict[str, dict[str, float]]:
    """Bar name → {row label → value} of a horizontal bar chart (not the outline drawn over
    flagged bars, a trace out of the legend)."""
    return {t["name"]: dict(zip(t["y"], decode(t["x"]))) for t in spec["data"]
            if t.get("type") == "bar" and t["y"] != [None] and t.get("showlegend") is not False}


FRONTEX_SQL = """
    WITH common AS (
        SELECT month FROM arrivals_monthly_all_vintages
        WHERE vintage IN (DATE '2018-07-06', DATE '2025-06-03')
        GROUP BY month HAVING count(DISTINCT vintage) = 2)
    SELECT route, year(month) AS year, vintage, sum(detections) AS detections,
           count(DISTINCT month) AS months
    FROM arrivals_monthly_all_vintages JOIN common USING (month)
    WHERE vintage IN (DATE '2018-07-06', DATE '2025-06-03')
    GROUP BY ALL"""


@pytest.fixture(scope="module")
def frontex():
    with warehouse.connect_readonly() as con:
        return con.execute(FRONTEX_SQL).df()


def test_default_is_frontex_oldest_vs_newest_latest_year(default, frontex):
    at = default
    assert not at.error
    assert at.selectbox(key="rev_case").value == "frontex_routes"
    assert at.selectbox(key="rev_old").value == "2018-07-06"
    assert at.selectbox(key="rev_new").value == "2025-06-03"
    assert at.selectbox(key="rev_year").value == 2018
    spec = specs(at)[0]
    assert title(spec).startswith("Detections of illegal border crossings, 2018, 5 months "
                                  "(Jan–May 2018) in both vintages: vintage of 6 Jul 2018 vs "
                                  "3 Jun 2025")
    assert "FRAN data as of 3 Jun 2025" in footer(spec)
    assert "Compared with the vintage of 6 Jul 2018" in footer(spec)
    got = bars(spec)
    old, new = got["Vintage of 6 Jul 2018"], got["Vintage of 3 Jun 2025"]
    # Every plotted value equals the warehouse's, summed over the months both vintages hold.
    y2018 = frontex[frontex["year"] == 2018]
    assert set(y2018["months"]) == {5}
    expected = y2018.pivot_table(index="route", columns="vintage", values="detections")
    assert old == expected[pd.Timestamp("2018-07-06")].to_dict()
    assert new == expected[pd.Timestamp("2025-06-03")].to_dict()
    assert len(old) == 9
    # Pinned from the two bundled workbooks (January–May 2018).
    assert (old["Western Balkan Route"], new["Western Balkan Route"]) == (2_020, 2_216)
    assert (old["Western Mediterranean Route"], new["Western Mediterranean Route"]) == (
        8_333, 8_154)
    # Largest revision first, its relative revision written beside the bar.
    assert spec["data"][0]["y"][0] == "Western Balkan Route"
    assert spec["data"][1]["text"][0] == "+9.7%"


def test_by_year_table_says_how_many_months_each_year_compares(default, frontex):
    summary = page_tables(default)[0].set_index("year")
    totals = frontex.groupby(["year", "vintage"])["detections"].sum().unstack()
    assert summary["old"].to_dict() == totals[pd.Timestamp("2018-07-06")].to_dict()
    assert summary["new"].to_dict() == totals[pd.Timestamp("2025-06-03")].to_dict()
    assert list(summary.index) == list(range(2009, 2019))
    assert summary.loc[2018, ["months", "months_old", "months_new"]].tolist() == [5, 5, 12]
    assert (summary.loc[2009:2017, "months"] == 12).all()
    # Pinned: all routes, 2018 (January–May) and 2015, in both vintages.
    assert summary.loc[2018, ["old", "new", "revision"]].tolist() == [46_677, 46_708, 31]
    assert summary.loc[2015, ["old", "new"]].tolist() == [1_822_177, 1_822_102]
    assert any("2018: 5 months (Jan–May 2018) compared" in i.value for i in default.info)


def test_largest_revisions_table(default, frontex):
    top = page_tables(default)[1]
    assert len(top) == 10
    assert (top["revision"] != 0).all()
    assert top["revision"].abs().is_monotonic_decreasing
    first = top.iloc[0]
    assert (first["key"], first["year"], first["old"], first["new"], first["revision"]) == (
        "WBR", 2018, 2_020, 2_216, 196)
    assert first["relative_revision"] == "9.7 %"          # 196 / 2,020, as the reader sees it
    pivot = frontex.pivot_table(index=["route", "year"], columns="vintage", values="detections")
    for row in top.itertuples():
        assert pivot.loc[(row.label, row.year)].tolist() == [row.old, row.new]


def test_chart_csv_is_the_plotted_data(default):
    from dashboard import revisions as rev

    view = rev.resolve(rev.RevisionsView())
    data = rev.chart_data(view)
    header, table = csv_table(data, rev.source(view), rev.chart_title(view, data))
    assert any("FRAN data as of 3 Jun 2025" in line for line in header)
    got = bars(specs(default)[0])
    assert dict(zip(table["label"], table["new"])) == got["Vintage of 3 Jun 2025"]
    assert dict(zip(table["label"], table["old"])) == got["Vintage of 6 Jul 2018"]


def test_eurostat_illegally_present_by_reporting_country():
    at = run_page(PAGE, case="eurostat_illegally_present", year="2015", top_n="50")
    assert not at.error
    assert at.selectbox(key="rev_old").value == "2018-03-27"
    assert at.selectbox(key="rev_new").value == "2025-03-31"
    spec = specs(at)[0]
    assert "migr_eipre (vintage 31 Mar 2025)" in footer(spec)
    got = bars(spec)
    old, new = got["Vintage of 27 Mar 2018"], got["Vintage of 31 Mar 2025"]
    with warehouse.connect_readonly() as con:
        expected = con.execute("""
            SELECT coalesce(g.name, s.geo_label) AS name,
                   max(value) FILTER (WHERE vintage = DATE '2018-03-27') AS old,
                   max(value) FILTER (WHERE vintage = DATE '2025-03-31') AS new
            FROM stg_eurostat__migr AS s LEFT JOIN eurostat_geo AS g USING (geo)
            WHERE measure = 'illegally_present' AND sex = 'T' AND detail IS NULL
              AND citizenship_iso3 = 'TOTAL' AND freq = 'A' AND year = 2015
            GROUP BY ALL HAVING old IS NOT NULL AND new IS NOT NULL""").df()
    assert old == dict(zip(expected["name"], expected["old"]))
    assert new == dict(zip(expected["name"], expected["new"]))
    # Pinned: the Netherlands, 2015, in the 2017 export and the 2025 extraction.
    assert (old["Netherlands"], new["Netherlands"]) == (2_340, 3_150)
    assert any("only in the vintage of 31 Mar 2025" in i.value for i in at.info)


def test_world_bank_remittances_paid_by_economy():
    at = run_page(PAGE, case="worldbank_remittances_paid", year="2014")
    assert not at.error
    assert (at.selectbox(key="rev_old").value, at.selectbox(key="rev_new").value) == (
        "2021-09-15", "2025-02-07")
    spec = specs(at)[0]
    assert "Unit: current US$" in footer(spec)
    got = bars(spec)
    old, new = got["Vintage of 15 Sep 2021"], got["Vintage of 7 Feb 2025"]
    with warehouse.connect_readonly() as con:
        expected = dict(con.execute("""
            SELECT vintage, value FROM stg_worldbank__wdi
            WHERE indicator = 'BM.TRF.PWKR.CD.DT' AND country_iso3 = 'NLD' AND year = 2014
            """).fetchall())
    assert old["Netherlands"] == pytest.approx(expected[dt.date(2021, 9, 15)])
    assert new["Netherlands"] == pytest.approx(expected[dt.date(2025, 2, 7)])
    # Pinned (the revision etl/metadata/worldbank_wdi.yml cites: 8.28 bn → 12.23 bn US$).
    assert old["Netherlands"] == pytest.approx(8_282_700_724.5, abs=1)
    assert new["Netherlands"] == pytest.approx(12_226_986_759.8, abs=1)


def test_permalink_round_trip_restores_widgets():
    at = run_page(PAGE, case="eurostat_illegally_present", old="2018-03-27",
                  new="2025-03-31", year="2015", top_n="5")
    assert at.selectbox(key="rev_case").value == "eurostat_illegally_present"
    assert at.selectbox(key="rev_old").value == "2018-03-27"
    assert at.selectbox(key="rev_new").value == "2025-03-31"
    assert at.selectbox(key="rev_year").value == 2015
    assert at.number_input(key="rev_top_n").value == 5
    assert len(bars(specs(at)[0])["Vintage of 31 Mar 2025"]) == 5
    # Default vintages stay out of the link; changed widgets are written back to it.
    assert "old" not in at.query_params and "new" not in at.query_params
    at.number_input(key="rev_top_n").set_value(3).run()
    assert at.query_params["top_n"] == "3"
    at.selectbox(key="rev_year").set_value(2016).run()  # the latest year: the default
    assert "year" not in at.query_params
    assert at.query_params["case"] == "eurostat_illegally_present"
    # Switching the series clamps the vintages to the new series' own.
    at.selectbox(key="rev_case").set_value("frontex_routes").run()
    assert not at.exception
    assert at.selectbox(key="rev_old").value == "2018-07-06"
    assert "case" not in at.query_params


def test_bad_url_values_fall_back_to_defaults():
    at = run_page(PAGE, case="nope", old="1999-01-01", year="many", top_n="-4")
    assert not at.error
    assert at.selectbox(key="rev_case").value == "frontex_routes"
    assert at.selectbox(key="rev_old").value == "2018-07-06"
    assert at.selectbox(key="rev_year").value == 2018
    assert at.number_input(key="rev_top_n").value == 1


def test_same_vintage_twice_asks_for_two():
    at = run_page(PAGE, new="2018-07-06")
    assert not at.error
    assert any("choose two different vintages" in i.value for i in at.info)
    assert not at.get("plotly_chart")
