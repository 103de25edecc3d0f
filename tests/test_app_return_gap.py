"""The Return gap page under AppTest: renders, plots the marts' values, restores its state."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from pages import decode, footer, line_traces, run_page, specs, title

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

PAGE = "pages/return_gap.py"


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_default_is_nl_and_eu_figures_2_and_3(default):
    charts = specs(default)
    assert [title(s) for s in charts[:2]] == [
        "Asylum applicants, persons found illegally present, ordered to leave and returned, "
        "Netherlands, 2008–2024",
        "Asylum applicants, persons found illegally present, ordered to leave and returned, "
        "European Union - 27 countries (from 2020), 2008–2024"]
    nl = line_traces(charts[0])
    assert nl["Ordered to leave"]["2016-01-01"] == 32_950
    assert nl["Returned (any country)"]["2016-01-01"] == 11_750
    # the other definition is its own series, never spliced into the first (SOURCES.md §5.2)
    third = nl["Returned to a third country"]
    assert (third["2017-01-01"], third["2019-01-01"], third["2023-01-01"]) == (8_200, 11_045, 1_545)
    assert math.isnan(nl["Returned (any country)"]["2017-01-01"])
    assert nl["Asylum applicants"]["2024-01-01"] == 33_515
    assert nl["Found illegally present"]["2015-01-01"] == 3_150
    # 2017 onwards is not in the bundled data: a gap, never a value
    assert math.isnan(nl["Ordered to leave"]["2017-01-01"])
    eu = line_traces(charts[1])
    assert eu["Ordered to leave"]["2015-01-01"] == 463_380
    assert math.isnan(eu["Ordered to leave"]["2014-01-01"])  # Austria missing: no sum


def test_footers_cite_codes_vintages_and_caveats(default):
    nl, eu = (footer(s) for s in specs(default)[:2])
    assert "migr_eiord (vintage 27 Mar 2018)" in nl and "migr_asyappctza (vintage 21 May 2025)" in nl
    assert "Returns in year t are not the returns of year t's orders" in nl
    assert "computed" not in nl
    assert "EU27_2020 is computed: the sum of the 27 member states" in eu
    captions = [c.value for c in default.caption]
    assert any("migr_eipre (vintage 31 Mar 2025)" in c for c in captions)


def test_missing_years_are_written_inside_the_figure(default):
    nl = footer(specs(default)[0])
    assert ("Not loaded (drawn as gaps): found illegally present 2008–2013, 2024; ordered to leave "
            "2008–2009, 2017–2024; returned (any country) 2008–2009, 2017–2024; returned to a "
            "third country 2008–2009, 2024.") in nl
    assert "third-party extract of migr_eirtn (vintage 20 Sep 2024)" in nl


def test_missing_years_are_explained_with_the_fetch_command(default):
    notes = [i.value for i in default.info]
    nl = next(n for n in notes if "Netherlands" in n)
    assert "ordered to leave (migr_eiord) 2008–2009, 2017–2024" in nl
    assert "`python -m etl fetch eurostat`" in nl


def test_rates_in_three_definitions(default):
    rates = line_traces(specs(default)[2])
    nl_total = rates["Netherlands: Returned (any country) ÷ ordered, same year"]
    assert nl_total["2016-01-01"] == pytest.approx(11_750 / 32_950)
    lagged = rates["Netherlands: Returned ÷ mean of orders in t−1 and t"]
    assert lagged["2016-01-01"] == pytest.approx(11_750 / ((23_765 + 32_950) / 2))
    third = rates["Netherlands: Returned to a third country ÷ ordered, same year"]
    # Returns to a third country 2016 come from the newer extract (vintage 20 Sep 2024: the sum
    # over citizenships, 11,845; the 2017 export had 11,215), orders from the 2017 export.
    assert third["2016-01-01"] == pytest.approx(11_845 / 32_950)
    assert len(rates) == 6


def test_by_citizenship_top_n(default):
    bars = specs(default)[3]
    assert title(bars) == ("Top 10 citizenships by orders to leave, Netherlands, 2016: "
                           "ordered to leave and returned")
    ordered = dict(zip(bars["data"][0]["y"], decode(bars["data"][0]["x"])))
    assert list(ordered)[:3] == ["India", "Türkiye", "China"]
    assert ordered["India"] == 2_220


def test_permalink_round_trip():
    at = run_page(PAGE, geo="EL", compare="", start="2012", end="2016", year="2014", top_n="5")
    assert at.selectbox(key="rg_geo").value == "EL"
    assert at.selectbox(key="rg_compare").value == ""
    assert (at.slider(key="rg_start").value, at.slider(key="rg_end").value) == (2012, 2016)
    assert at.selectbox(key="rg_year").value == 2014
    charts = specs(at)
    assert title(charts[0]).endswith("Greece, 2012–2016")
    assert len(charts) == 5  # one geography, the rates, by citizenship, across, the map
    assert title(charts[2]).startswith("Top 5 citizenships by orders to leave, Greece, 2014")
    assert dict(at.query_params) == {"geo": "EL", "compare": "", "start": "2012",
                                     "end": "2016", "year": "2014", "top_n": "5"}


def test_csv_is_the_plotted_data():
    from dashboard import return_gap as rg
    from pages import csv_table

    view = rg.ReturnGapView(geo="NL", compare="", start=2010, end=2020)
    data = rg.measures("NL", view)
    header, table = csv_table(data, rg.measures_source(data), "t")
    assert any("migr_eiord (vintage 27 Mar 2018)" in line for line in header)
    assert len(table) == 5 * 11  # five series × 2010–2020
    got = table[(table.measure == "ordered_to_leave")].set_index("year")["value"]
    assert got[2014] == 33_735 and math.isnan(got[2018])


def test_rate_footer_names_only_the_computations_it_plots():
    """NL's rates use sums over citizenships (the third-party extract), not EU27_2020 sums:
    the footer names the extract and says nothing of an EU27_2020 sum."""
    from dashboard import return_gap as rg

    nl = rg.rates_source(rg.rates(rg.ReturnGapView(geo="NL", compare="", start=2008,
                                                   end=2024))).footer_line()
    assert "third-party extract of migr_eirtn (vintage 20 Sep 2024)" in nl
    assert "EU27_2020 is computed" not in nl
    both = rg.rates_source(rg.rates(rg.ReturnGapView(geo="NL", compare="EU27_2020",
                                                     start=2008, end=2024))).footer_line()
    assert "EU27_2020 is computed" in both


@pytest.fixture(scope="module")
def per_100k():
    return run_page(PAGE, per_100k="true")


def test_per_100k_toggle_divides_by_the_population(per_100k, built_warehouse):
    """Per 100,000 residents: the count ÷ demo_pjan's 1 January population of the same year
    (both from the warehouse), the toggle bound to the URL."""
    from core import warehouse

    assert per_100k.toggle(key="rg_per_100k").value is True
    assert dict(per_100k.query_params) == {"per_100k": "True"}
    with warehouse.connect_readonly() as con:
        pop = dict(con.execute("SELECT year, population FROM population WHERE geo = 'NL'")
                   .fetchall())
    nl_spec = specs(per_100k)[0]
    assert title(nl_spec) == ("Asylum applicants, persons found illegally present, ordered to "
                              "leave and returned per 100,000 residents, Netherlands, 2008–2024")
    nl = line_traces(nl_spec)
    assert nl["Ordered to leave"]["2016-01-01"] == pytest.approx(32_950 * 1e5 / pop[2016])
    assert nl["Returned to a third country"]["2019-01-01"] == pytest.approx(
        11_045 * 1e5 / pop[2019])
    # 2023: the count exists (1,545), the population is not loaded → missing, and said so
    assert math.isnan(nl["Returned to a third country"]["2023-01-01"])
    assert nl_spec["layout"]["yaxis"]["title"]["text"] == "Per 100,000 residents"


def test_per_100k_figure_says_which_part_is_missing(per_100k):
    nl = footer(specs(per_100k)[0])
    assert "Unit: persons per 100,000 residents." in nl and "Unit: persons (" not in nl
    assert "demo_pjan (vintage 18 Jan 2024)" in nl
    assert ("Rate missing (drawn as gaps) where a part is not loaded: population on 1 January "
            "(demo_pjan) 2023–2024, so every rate then; found illegally present 2008–2013; "
            "ordered to leave 2008–2009, 2017–2022;") in nl
    notes = [i.value for i in per_100k.info]
    assert any("a rate is missing where its count or the population is not loaded" in n
               and "Netherlands" in n for n in notes)
    # the rate chart (a ratio of two counts) keeps its own unit
    assert "Unit: persons per 100,000" not in footer(specs(per_100k)[2])


def test_the_rate_across_geographies_plots_one_line_per_chosen_geography(default):
    """Default: NL, BE, DE, FR and the EU sum, returned (any country) ÷ ordered, the values
    of the marts; a geography's missing years are named inside the figure."""
    spec = next(s for s in specs(default) if title(s).startswith(
        "Returned (any country) ÷ ordered, same year: 5 geographies"))
    lines = line_traces(spec)
    assert list(lines) == ["Netherlands", "Belgium", "Germany", "France",
                           "European Union - 27 countries (from 2020)"]
    rates = line_traces(specs(default)[2])  # the NL/EU rate chart draws the same numbers
    nl = rates["Netherlands: Returned (any country) ÷ ordered, same year"]
    def no_nan(series):
        return {k: None if math.isnan(v) else v for k, v in series.items()}
    assert no_nan(lines["Netherlands"]) == no_nan(nl)
    assert lines["Netherlands"]["2016-01-01"] == pytest.approx(11_750 / 32_950)
    assert math.isnan(lines["Netherlands"]["2017-01-01"])
    assert "Rate missing (drawn as gaps): Netherlands 2008–2009, 2017–2024; Belgium" in footer(spec)


def test_the_rate_across_geographies_follows_its_link_and_refuses_unknown_codes():
    at = run_page(PAGE, across="SE,XX,EL", across_rate="return_rate_lagged")
    spec = next(s for s in specs(at) if title(s).startswith(
        "Returned ÷ mean of orders in t−1 and t: 2 geographies"))
    assert list(line_traces(spec)) == ["Sweden", "Greece"]
    assert at.multiselect(key="rg_across").value == ["SE", "EL"]


# ------------------------------------------------------------------ table tab, picker, share
def test_every_chart_has_a_table_tab_with_the_plotted_data_formatted(default):
    from pages import chart_stems, chart_tables, open_tab

    labels = [t.label for t in default.tabs]
    charts = len(default.get("plotly_chart"))
    assert labels.count("Table") == labels.count("Chart") == charts
    assert labels.count("Cite this chart") == charts
    # a hidden tab is not built: on the default view no chart sends its table
    assert chart_tables(default) == []
    assert chart_stems(default)[:2] == ["return_gap_NL", "return_gap_EU27_2020"]
    at = open_tab(run_page(PAGE), "Table", "return_gap_NL")
    assert len(chart_tables(at)) == 1  # only the chart whose Table tab is open
    assert len(specs(at)) == charts - 1  # and its figure is not sent meanwhile
    assert title(specs(at)[0]).endswith("European Union - 27 countries (from 2020), 2008–2024")
    nl = chart_tables(at)[0]
    assert list(nl.columns[-3:]) == ["Dataset code", "Vintage", "Missing reason"]
    rows = nl.set_index(["Measure", "Year"])
    assert rows.loc[("ordered_to_leave", "2016"), "Value"] == "32,950"
    assert rows.loc[("ordered_to_leave", "2017"), ["Value", "Missing reason"]].tolist() == [
        "", "not loaded: run `python -m etl fetch eurostat`"]
    # the text alternative and the footer stay under the chart
    captions = [c.value for c in default.caption]
    assert any(c.startswith("Source: Eurostat, migr_asyappctza") for c in captions)


def test_table_tab_in_dutch_uses_dutch_separators():
    from pages import chart_tables, open_tab

    at = open_tab(run_page(PAGE, lang="nl"), "Tabel", "return_gap_NL")
    rows = chart_tables(at)[0].set_index(["Maatstaf", "Jaar"])
    assert rows.loc[("ordered_to_leave", "2016"), "Waarde"] == "32.950"
    assert rows.loc[("ordered_to_leave", "2017"), "Reden ontbreken"] == \
        "niet geladen: voer `python -m etl fetch eurostat` uit"
    assert "Tabel" in [t.label for t in at.tabs]


def test_series_picker_changes_the_chart_and_the_table(default):
    from pages import chart_tables, open_tab

    at = run_page(PAGE)
    at.multiselect(key="pick-return_gap_NL").set_value(["Ordered to leave", "Returned (any country)"])
    at.run()
    assert not at.exception
    assert [t["name"] for t in specs(at)[0]["data"]] == ["Ordered to leave",
                                                         "Returned (any country)"]
    assert len(specs(at)[1]["data"]) == 5  # the other charts keep every series
    table = chart_tables(open_tab(at, "Table", "return_gap_NL"))[0]
    assert set(table["Measure"]) == {"ordered_to_leave", "returned"}
    assert len(table) == 2 * 17


def test_log_scale_for_counts_but_not_for_rates(default):
    keys = [t.key for t in default.toggle]
    assert "log-return_gap_NL" in keys and "log-return_rate" not in keys
    at = run_page(PAGE)
    at.toggle(key="log-return_gap_NL").set_value(True)
    at.run()
    assert specs(at)[0]["layout"]["yaxis"]["type"] == "log"
    assert specs(at)[1]["layout"]["yaxis"].get("type") != "log"


def test_share_link_is_shown_not_collapsed():
    from pages import open_tab

    at = run_page(PAGE, geo="BE")
    assert any("**Share this view**" in m.value for m in at.markdown)
    assert any(c.value.endswith("?geo=BE") for c in at.code)
    assert not any(e.label == "Link to this view" for e in at.expander)
    assert not any(c.value.startswith("Eurostat.") for c in at.code)  # the Cite tab is closed
    open_tab(at, "Cite this chart", "return_gap_BE")
    cite = [c.value for c in at.code if c.value.startswith("Eurostat.")]
    assert cite and cite[0].splitlines()[-1].endswith("?geo=BE")  # the view, in the citation


def test_index_100_in_a_chosen_year_on_screen_and_in_the_rows():
    from pages import chart_tables, open_tab

    at = run_page(PAGE)
    at.selectbox(key="index-return_gap_NL").set_value(2014)
    at.run()
    assert not at.exception
    spec = specs(at)[0]
    assert spec["layout"]["yaxis"]["title"]["text"] == "Index (2014 = 100)"
    nl = line_traces(spec)
    assert nl["Ordered to leave"]["2014-01-01"] == pytest.approx(100)
    assert nl["Ordered to leave"]["2016-01-01"] == pytest.approx(32_950 / 33_735 * 100)
    assert specs(at)[1]["layout"]["yaxis"]["title"]["text"] != "Index (2014 = 100)"
    # found illegally present is loaded from 2014: indexed; a series with no 2014 value would
    # not be drawn, and its rows say why
    rows = chart_tables(open_tab(at, "Table", "return_gap_NL"))[0].set_index(["Measure", "Year"])
    assert rows.loc[("ordered_to_leave", "2016"), "Index 2014"] == "97.7"
    assert rows.loc[("ordered_to_leave", "2016"), "Value"] == "32,950"


def test_a_rate_s_two_datasets_each_keep_their_own_vintage():
    """2014–2016 rates divide migr_eirtn (third-party extract, 20 Sep 2024) by migr_eiord
    (Data Explorer file, 27 Mar 2018): the row's vintage is the newer, but the footer gives
    each dataset its own."""
    from dashboard import return_gap as rg

    c = rg.rates_chart(rg.ReturnGapView())
    assert dict(c.source.vintages) == {"migr_eiord": dt.date(2018, 3, 27),
                                       "migr_eirtn": dt.date(2024, 9, 20)}
    assert c.source.footer_line().startswith(
        "Source: Eurostat, migr_eiord (vintage 27 Mar 2018), migr_eirtn (vintage 20 Sep 2024).")


def test_long_legend_entries_are_broken_into_lines_that_fit_800_px(default):
    """Plotly never wraps a legend entry: the rate chart's "Netherlands: Returned (any
    country) ÷ ordered, same year" would run past the figure's edge at 800 px."""
    from dashboard import layout

    spec = specs(default)[2]
    chars = (layout.LEGEND_WIDTH - 40) // 7
    names = [t["name"] for t in spec["data"] if t.get("type") == "scatter"]
    assert any("<br>" in n for n in names)
    assert all(len(line) <= chars for n in names for line in n.split("<br>"))
    assert "Netherlands: Returned (any country) ÷ ordered, same year" in [
        n.replace("<br>", " ") for n in names]
    # the picker offers the whole name, one line
    from dashboard import chart_data
    import plotly.graph_objects as go

    assert "Netherlands: Returned (any country) ÷ ordered, same year" in \
        chart_data.trace_names(go.Figure(spec))


def test_a_third_country_rate_above_the_any_country_rate_is_explained_in_the_chart():
    """NL 2016: returned to a third country 11,845 (the 2024 extract) ÷ 32,950 = 35.9 %, above
    returned to any country 11,750 (the 2017 export) ÷ 32,950 = 35.7 %: a revision between
    two files, which the chart's footer says in words."""
    from dashboard import return_gap as rg

    view = rg.ReturnGapView(geo="NL", compare="", start=2008, end=2024)
    note = rg.third_over_total(rg.rates(view), {"NL": "Netherlands"})
    assert note.startswith("Returned to a third country is above returned to any country in "
                           "Netherlands 2016")
    assert "not a real one" in rg.rates_source(rg.rates(view), {"NL": "Netherlands"}).footer_line()
