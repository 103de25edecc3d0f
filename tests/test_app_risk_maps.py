"""The Risk tab and the nationality map on Irregular arrivals, the Eurostat map on Return gap
and the risk table on Route shifts, under Streamlit's AppTest: they plot the marts' values,
carry both publishers' footers and caveats, list what they cannot show, keep the permalink."""
from __future__ import annotations

import math

import pytest

from core import warehouse
from pages import as_numbers, csv_table, decode, footer, open_tab, run_page, specs, title

pytestmark = pytest.mark.usefixtures("built_warehouse")
ARRIVALS = "pages/arrivals.py"


def chart(at, starts: str) -> dict:
    found = [s for s in specs(at) if title(s).startswith(starts)]
    assert len(found) == 1, [title(s) for s in specs(at)]
    return found[0]


def query(sql: str, *params):
    with warehouse.connect_readonly() as con:
        return con.execute(sql, list(params)).fetchall()


# ----------------------------------------------------------------------------- risk
def risk_tab(**params):
    """Irregular arrivals with its Risk tab open (a closed tab is not built)."""
    return open_tab(run_page(ARRIVALS, timeout=90, **params), "Risk", "arrivals")


def test_risk_tab_plots_the_ratio_of_the_mart():
    default = run_page(ARRIVALS, timeout=90)
    assert [title(s) for s in specs(default)] == [  # the first tab only: detections
        "Annual detections of illegal border crossings by route, all routes, 2009–2024"]
    at = open_tab(default, "Risk", "arrivals")
    assert not [s for s in specs(at) if title(s).startswith("Annual detections")]
    spec = chart(at, "Recorded dead and missing per 1,000 detections")
    assert title(spec) == ("Recorded dead and missing per 1,000 detections, the 4 routes with "
                           "MMP data, 2014–2024")
    got = {t["name"]: dict(zip([x[:4] for x in t["x"]], decode(t["y"]))) for t in spec["data"]}
    assert set(got) == {"Central Mediterranean Route", "Eastern Mediterranean Route",
                        "Western Mediterranean Route", "Western African Route"}
    assert got["Central Mediterranean Route"]["2016"] == pytest.approx(4_574 / 181_376 * 1000)
    assert got["Eastern Mediterranean Route"]["2015"] == pytest.approx(806 / 885_386 * 1000)
    expected = dict(((r, str(y)), v) for r, y, v in query(
        "SELECT route_code, year, dead_and_missing_per_1000 FROM route_risk_yearly "
        "WHERE year BETWEEN 2014 AND 2024"))
    codes = {"Central Mediterranean Route": "CMR", "Eastern Mediterranean Route": "EMR",
             "Western Mediterranean Route": "WMR", "Western African Route": "WAR"}
    plotted = {(codes[n], y): v for n, s in got.items() for y, v in s.items()}
    assert plotted == pytest.approx(expected)


def test_risk_footer_names_both_publishers_and_the_caveats():
    at = risk_tab()
    text = footer(chart(at, "Recorded dead and missing per 1,000 detections"))
    assert "IOM Missing Migrants Project (gdidata extract, last updated 4 Jun 2025)" in text
    assert "minimum counts" in text
    assert "FRAN data as of 3 Jun 2025" in text and "Detections, not persons" in text
    assert "different publishers and definitions" in text
    assert any("IOM Missing Migrants Project" in c.value and "different publishers" in c.value
               for c in at.caption)


def test_risk_lists_unmapped_routes_and_what_it_cannot_show():
    at = risk_tab(start="2009-01", end="2025-04")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("No MMP route maps to: Western Balkan Route") for c in captions)
    assert "No ratio before 2014: the MMP records begin in 2014." in captions
    assert any("2025 (4 months, in both files)" in c for c in captions)
    text = footer(chart(at, "Recorded dead and missing per 1,000 detections"))
    assert "No ratio before 2014" in text and "2025 (4 months" in text  # inside the image too
    unmapped = next(d.value for d in at.dataframe if "mmp_route" in d.value.columns)
    assert {"Undefined", "Intra-European routes", "Central American Route"} <= set(
        unmapped["mmp_route"])
    undefined = query("SELECT sum(dead_and_missing) FROM stg_iom__mmp "
                      "WHERE mmp_route = 'Undefined'")[0][0]
    assert unmapped.set_index("mmp_route").loc["Undefined", "dead_and_missing"] == undefined


def test_risk_for_a_route_no_mmp_route_maps_to():
    at = risk_tab(routes="WBR")
    assert any("No ratio for this selection" in i.value for i in at.info)
    assert not [s for s in specs(at) if title(s).startswith("Recorded dead")]


def test_risk_csv_is_the_plotted_rows():
    from dashboard import risk

    data = risk.yearly(["CMR"], 2015, 2016)
    header, table = csv_table(risk.table(data), risk.source(*risk.vintages(data)), "t")
    assert any("IOM; Frontex" in line for line in header)
    assert table["dead_and_missing"].tolist() == [3_149, 4_574]
    assert table["detections"].tolist() == [153_946, 181_376]


# ----------------------------------------------------------------------------- nationality map
def test_nationality_map_values_and_codes_no_map_knows():
    at = open_tab(run_page(ARRIVALS, timeout=90, routes="EMR", start="2016-01", end="2016-12"),
                  "Map", "arrivals")
    spec = chart(at, "Detections of illegal border crossings by nationality")
    assert title(spec) == ("Detections of illegal border crossings by nationality, Eastern "
                           "Mediterranean Route, 2016-01 to 2016-12")
    trace = spec["data"][0]
    assert trace["type"] == "choropleth" and trace["locationmode"] == "ISO-3"
    z = dict(zip(trace["locations"], decode(trace["z"])))
    expected = dict(query(
        "SELECT nationality_iso3, sum(detections) FROM arrivals_monthly WHERE route_code = 'EMR' "
        "AND year(month) = 2016 GROUP BY 1 HAVING sum(detections) > 0"))
    assert 10 ** z["SYR"] == pytest.approx(expected["SYR"])  # shaded by log10
    assert "XXX" not in z and "XKX" not in z
    off = as_numbers(next(d.value for d in at.dataframe if "code" in d.value.columns))
    off = off.set_index("code")["detections"].to_dict()
    assert set(off) | set(z) == set(expected)  # nothing dropped silently
    assert off["XXX"] == expected["XXX"]
    text = footer(spec)
    assert "Not on the map (no geometry for the code): " in text  # inside the image too
    assert f"Unknown (XXX) {expected['XXX']:,}" in text


def test_a_closed_tabs_chart_keeps_its_link_choices():
    """A link to the Risk chart's series: the page opens on Detections (the Risk tab is not
    built), the permalink keeps the Risk chart's choice, and opening the tab shows it."""
    at = run_page(ARRIVALS, timeout=90, **{"risk.s": "1,2"})
    assert not [s for s in specs(at) if title(s).startswith("Recorded dead")]
    assert dict(at.query_params) == {"risk.s": "1,2"}
    open_tab(at, "Risk", "arrivals")
    names = [t["name"] for t in chart(at, "Recorded dead and missing")["data"]]
    assert names == ["Central Mediterranean Route", "Eastern Mediterranean Route"]
    assert at.multiselect(key="pick-route_risk").value == names
    # back on Detections and then Risk again: the choice made on the tab is kept
    position = at.multiselect(key="pick-route_risk").options.index("Western African Route") + 1
    at.multiselect(key="pick-route_risk").set_value(["Western African Route"]).run()
    assert dict(at.query_params) == {"risk.s": str(position)}
    open_tab(at, "Detections", "arrivals")
    assert dict(at.query_params) == {"risk.s": str(position)}
    open_tab(at, "Risk", "arrivals")
    assert at.multiselect(key="pick-route_risk").value == ["Western African Route"]
    assert [t["name"] for t in chart(at, "Recorded dead and missing")["data"]] == [
        "Western African Route"]


def test_map_config_points_plotly_at_the_bundled_geometry():
    from dashboard import charts, maps

    assert charts.export_config("x")["topojsonURL"] == "app/static/topojson/"
    assert maps.TOPOJSON.exists()
    assert {"SYR", "AFG", "MLT", "NLD", "GRC"} <= maps.known_codes()
    assert not {"XKX", "XXX", "XXA", "EU27_2020"} & maps.known_codes()


# ----------------------------------------------------------------------------- Eurostat map
def test_return_gap_map_default_is_asylum_applicants_per_100k_latest_year():
    at = run_page("pages/return_gap.py")
    spec = chart(at, "Asylum applicants per 100,000 residents, by reporting country")
    assert title(spec).endswith(", 2022")
    z = dict(zip(spec["data"][0]["locations"], decode(spec["data"][0]["z"])))
    (nl,), = query("SELECT applicants_per_100k FROM asylum_applications WHERE geo = 'NL' "
                   "AND year = 2022 AND citizenship_iso3 = 'TOTAL' AND applicant_type = 'all'")
    assert z["NLD"] == pytest.approx(nl)
    assert z["GRC"] > 0  # Eurostat's EL
    text = footer(spec)
    assert "Unit: per 100,000 residents" in text and "migr_asyappctza" in text
    assert "Not on the map (no geometry for the code): European Union - 27 countries" in text
    off = next(d.value for d in at.dataframe if "kind" in d.value.columns)
    assert "EU27_2020" in set(off["code"])
    eu = off.set_index("code").loc["EU27_2020"]
    # as a reader reads it: the kind in words, a written number, no "None", yes/no
    assert eu["kind"] == "aggregate" and eu["computed"] in ("yes", "no")
    assert eu["Flag"] != "None" and "None" not in set(off["Flag"])
    (eu_value,), = query("SELECT applicants_per_100k FROM asylum_applications WHERE geo = "
                         "'EU27_2020' AND year = 2022 AND citizenship_iso3 = 'TOTAL' AND "
                         "applicant_type = 'all'")
    assert eu["value"] == f"{eu_value:,.1f}"


def test_return_gap_map_permalink_round_trip():
    at = run_page("pages/return_gap.py", map_series="return_rate_total", map_year="2015")
    assert at.selectbox(key="rg_map_series").value == "return_rate_total"
    assert at.selectbox(key="rg_map_year").value == 2015
    spec = chart(at, "Return rate: returned (any country) ÷ ordered, same year")
    z = dict(zip(spec["data"][0]["locations"], decode(spec["data"][0]["z"])))
    (nl,), = query("SELECT return_rate_total FROM return_gap WHERE geo = 'NL' AND year = 2015 "
                   "AND citizenship_iso3 = 'TOTAL'")
    assert z["NLD"] == pytest.approx(nl)
    assert dict(at.query_params) == {"map_series": "return_rate_total", "map_year": "2015"}


def test_return_gap_map_bad_link_value_falls_back_with_a_notice():
    at = run_page("pages/return_gap.py", map_series="nonsense")
    assert at.selectbox(key="rg_map_series").value == "asylum_applicants_per_100k"
    assert any("nonsense" in w.value for w in at.warning)


# ----------------------------------------------------------------------------- route shifts
def test_route_shifts_risk_table_uses_the_estimate_windows():
    at = run_page("pages/route_shifts.py", timeout=300)
    shown = next(d.value for d in at.dataframe if "per_1000_before" in d.value.columns)
    table = as_numbers(shown)
    assert table["route_code"].tolist()[0] == "EMR"
    assert table["route"].tolist()[0] == "Eastern Mediterranean Route (treated)"
    assert set(table["route_code"]) == {"EMR", "CMR", "WMR", "WAR"}
    # Default event: EU–Turkey Statement; pre window 24 months to Feb 2016, post Apr 2016–Mar 2017.
    dead_before, dead_after = query(
        "SELECT sum(dead_and_missing) FILTER (WHERE month BETWEEN DATE '2014-03-01' AND "
        "DATE '2016-02-01'), sum(dead_and_missing) FILTER (WHERE month BETWEEN "
        "DATE '2016-04-01' AND DATE '2017-03-01') FROM missing_migrants_monthly "
        "WHERE route_code = 'EMR'")[0]
    det_before, det_after = query(
        "SELECT sum(detections) FILTER (WHERE month BETWEEN DATE '2014-03-01' AND "
        "DATE '2016-02-01'), sum(detections) FILTER (WHERE month BETWEEN DATE '2016-04-01' "
        "AND DATE '2017-03-01') FROM arrivals_monthly WHERE route_code = 'EMR'")[0]
    emr = table.iloc[0]
    assert (emr["dead_and_missing_before"], emr["detections_before"]) == (dead_before, det_before)
    assert (emr["dead_and_missing_after"], emr["detections_after"]) == (dead_after, det_after)
    assert emr["per_1000_after"] == pytest.approx(dead_after / det_after * 1000, abs=0.05)
    assert shown.iloc[0]["detections_before"] == f"{det_before:,}"  # as the reader sees it
    assert not math.isnan(emr["change_per_1000"])
    assert any("different publishers" in c.value for c in at.caption)
