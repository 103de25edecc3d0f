"""Eurostat's flags on the charts, on the bundled data: in the bundled migr_eipre file the
Netherlands' persons found illegally present in 2015 carry ``b`` (break in time series), as do
Sweden's 2014 and 2015; the United Kingdom's 2013 orders and returns carry ``p``."""
from __future__ import annotations

import io
import os
import re

import pandas as pd
import pytest

from dashboard import chart_data, flags, i18n
from dashboard import return_gap as rg
from pages import footer, run_page, specs

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

NBSP = "\u00a0"


def _footer(fig) -> str:
    return fig.layout.annotations[0].text.replace("<br>", " ").replace(NBSP, " ")


def _figure(geo: str, lang: str = "en", **view):
    with i18n.use(lang):
        v = rg.ReturnGapView(**view)
        data = rg.measures(geo, v)
        return rg.measures_figure(data, geo, v, rg.geographies()), data


def _flagged(trace) -> dict[str, str]:
    """year → marker symbol of a trace's points that are not plain dots."""
    symbols = trace.marker.symbol
    if symbols is None or isinstance(symbols, str):
        return {}
    return {str(pd.Timestamp(x).year): s for x, s in zip(trace.x, symbols) if s != "circle"}


def test_meanings_are_eurostats_and_flags_split_into_letters():
    assert flags.codes("dp") == ["d", "p"] and flags.codes(None) == [] and flags.codes("") == []
    assert flags.words("b") == "b = break in time series"
    with i18n.use("nl"):
        assert flags.words("dp") == "d = definitie wijkt af; p = voorlopig"
        assert flags.meaning("e") == "geschat"
    assert set(flags.MEANINGS) == set("bcdefnprsuz")


def test_nl_default_figure_marks_illegally_present_2015_b():
    fig, _data = _figure("NL")
    traces = {t.name: t for t in fig.data}
    assert _flagged(traces["Found illegally present"]) == {"2015": flags.MARKER}
    for name in ("Asylum applicants", "Ordered to leave", "Returned (any country)",
                 "Returned to a third country"):
        assert _flagged(traces[name]) == {}, name
    present = traces["Found illegally present"]
    hover = dict(zip((pd.Timestamp(x).year for x in present.x), present.customdata))
    assert hover[2015] == "<br>Eurostat flag: b = break in time series"
    assert hover[2014] == ""
    assert "%{customdata}" in present.hovertemplate
    assert ("Eurostat flags (open diamonds): b = break in time series "
            "(Found illegally present 2015).") in _footer(fig)
    from dashboard import alt_text  # the text alternative says it too

    assert alt_text.describe(fig).endswith(
        "Eurostat flags (open diamonds): b = break in time series (Found illegally present "
        "2015).")


def test_nl_default_figure_in_dutch():
    fig, _data = _figure("NL", "nl")
    present = next(t for t in fig.data if _flagged(t))
    assert _flagged(present) == {"2015": flags.MARKER}
    assert "<br>Eurostat-vlag: b = breuk in de tijdreeks" in present.customdata
    assert re.search(r"Eurostat-vlaggen \(open ruiten\): b = breuk in de tijdreeks "
                     r"\([^)]* 2015\)\.", _footer(fig))


def test_years_of_one_flag_are_joined_into_a_span():
    fig, _data = _figure("SE")
    assert "b = break in time series (Found illegally present 2014–2015)" in _footer(fig)
    fig, _data = _figure("FR")
    assert "b = break in time series (Found illegally present 2014)" in _footer(fig)


def test_a_chart_without_flagged_points_has_no_flag_note():
    fig, _data = _figure("NL", start=2016)  # NL's only flag is 2015
    assert "flags (open diamonds)" not in _footer(fig)
    assert "flag_note" not in (fig.layout.meta or {})
    assert all(not _flagged(t) and t.customdata is None for t in fig.data)
    view = rg.ReturnGapView()  # the default rate chart: NL and EU27_2020, no flag
    rates = rg.rates(view)
    fig = rg.rates_figure(rates, view, rg.geographies())
    assert "Eurostat flags" not in _footer(fig)


def test_rate_chart_marks_the_flags_of_its_counts():
    view = rg.ReturnGapView(geo="UK", compare="")
    fig = rg.rates_figure(rg.rates(view), view, rg.geographies())
    marked = {t.name: _flagged(t) for t in fig.data}
    assert marked == {name: {"2013": flags.MARKER} for name in marked}  # all three rates
    assert ("Eurostat flags of the counts behind a rate (open diamonds): p = provisional "
            "(United Kingdom: Returned (any country) ÷ ordered, same year 2013") in _footer(fig)


def test_csv_and_xlsx_carry_the_flag_on_its_row():
    import openpyxl

    _fig, data = _figure("NL")
    source = rg.measures_source(data)
    table = chart_data.rows(data, source)
    text = chart_data.csv_bytes(table, source, "t").decode()
    csv = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    rows = csv.set_index(["measure", "year"])
    assert rows.loc[("illegally_present", "2015"), ["value", "flag", "flag_meaning"]].tolist() \
        == ["3150", "b", "b = break in time series"]
    assert (csv["flag"] != "").sum() == 1  # no other plotted point of NL carries a flag
    book = openpyxl.load_workbook(io.BytesIO(chart_data.xlsx_bytes(table, source, "t")))
    sheet = list(book["data"].values)
    head = list(sheet[0])
    flagged = [r for r in sheet[1:] if r[head.index("flag")]]
    assert [(r[head.index("measure")], r[head.index("year")], r[head.index("flag")])
            for r in flagged] == [("illegally_present", 2015, "b")]


def test_overview_tiles_say_a_flag_in_their_help_text():
    from dashboard import overview

    # the bundled data's latest tile figures carry no flag: no tile has a flag help text
    assert all(t.help == "" for t in overview.eurostat_tiles())
    # synthetic: a flag as the query would return it
    assert overview.flag_help("p", 2013) == "Eurostat flags the 2013 figure: p = provisional."
    assert overview.flag_help(None, 2013) == ""


def test_page_in_dutch_marks_the_flag_and_its_table_says_it():
    at = run_page("pages/return_gap.py", lang="nl")
    nl = specs(at)[0]
    present = next(t for t in nl["data"] if isinstance((t.get("marker") or {}).get("symbol"),
                                                       list))
    years = [str(x)[:4] for x in present["x"]]
    assert present["marker"]["symbol"][years.index("2015")] == flags.MARKER
    assert "b = breuk in de tijdreeks" in footer(nl).replace(NBSP, " ")
    from pages import chart_tables, open_tab

    table = chart_tables(open_tab(at, "Tabel", "return_gap_NL"))[0]
    assert {"Vlag", "Betekenis van de vlag"} <= set(table.columns)
    row = table[(table["Jaar"] == "2015") & (table["Vlag"] == "b")]
    assert row["Betekenis van de vlag"].tolist() == ["b = breuk in de tijdreeks"]


def test_server_image_shows_the_flag_note():
    from dashboard import export

    if not export.available():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("REQUIRE_BROWSER=1 but kaleido or chromium missing")
        pytest.skip("kaleido or chromium missing: server-side PNG/SVG export unavailable")
    fig, _data = _figure("NL")
    svg = export.image_bytes(fig, "svg").decode("utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).replace(NBSP, " ").split())
    assert "Eurostat flags (open diamonds): b = break in time series" in text
    assert "(Found illegally present 2015)." in text


def test_revision_bars_outline_the_flag_of_their_vintage():
    """migr_eipre, 2015: the 2025 file flags the Netherlands ``b``, the 2018 file did not;
    2016 (the case's default year): the 2018 file flags the EU28 aggregate ``d``."""
    from dashboard import revisions as rev

    view = rev.resolve(rev.RevisionsView(case="eurostat_illegally_present", year=2015))
    data = rev.chart_data(view)
    fig = rev.figure(data, view)
    outlines = [t for t in fig.data if t.showlegend is False]
    assert [(t.name, [y for y, x in zip(t.y, t.x) if x is not None]) for t in outlines] == \
        [("Vintage of 31 Mar 2025", ["Netherlands"])]
    assert ("Eurostat flags (outlined bars): b = break in time series (Vintage of 31 Mar "
            "2025: Netherlands).") in _footer(fig)
    assert chart_data.trace_names(fig) == ["Vintage of 27 Mar 2018", "Vintage of 31 Mar 2025"]
    table = chart_data.rows(data, rev.source(view)).set_index("key")
    assert pd.isna(table.loc["NL", "flag_old"])
    assert table.loc["NL", ["flag_new", "flag_new_meaning"]].tolist() == \
        ["b", "b = break in time series"]
    default = rev.resolve(rev.RevisionsView(case="eurostat_illegally_present"))
    assert default.year == 2016
    fig = rev.figure(rev.chart_data(default), default)
    assert "d = definition differs (Vintage of 27 Mar 2018: European Union - 28 countries" \
        in _footer(fig)
    with i18n.use("nl"):
        fig = rev.figure(rev.chart_data(default), default)
        assert "Eurostat-vlaggen (omrande staven): d = definitie wijkt af" in _footer(fig)


def test_citizenship_bars_say_once_that_every_value_is_flagged():
    """The United Kingdom's 2013 orders and returns by citizenship are all flagged ``p``."""
    geos = rg.geographies()
    view = rg.resolve(rg.ReturnGapView(geo="UK", year=2013), geos)
    data = rg.by_citizenship(view)
    assert set(data["flag_ordered"]) == set(data["flag_returned"]) == {"p"}
    fig = rg.citizenship_figure(data, view, geos)
    assert _footer(fig).endswith(
        "Eurostat flags (outlined bars): p = provisional (every value shown).")
    assert len([t for t in fig.data if t.showlegend is False]) == 2  # one outline per series
    table = chart_data.rows(data, rg.citizenship_source(data))
    assert set(table["flag_ordered_meaning"]) == {"p = provisional"}
    nl = rg.resolve(rg.ReturnGapView(), geos)  # NL's latest year: no flag, no note
    fig = rg.citizenship_figure(rg.by_citizenship(nl), nl, geos)
    assert "flags" not in _footer(fig).replace("zeros and flags removed", "")
    assert all(t.showlegend is not False for t in fig.data)


def test_map_outlines_a_flagged_country_and_names_flagged_aggregates():
    """Return rate 2013: the United Kingdom's orders and returns are flagged ``p``; orders per
    100,000 in 2014: the EU28 and EU27_2007 aggregates (off the map) carry ``d``."""
    geos = rg.geographies()
    view = rg.resolve(rg.ReturnGapView(map_series="return_rate_total", map_year=2013), geos)
    fig = rg.map_figure(rg.map_data(view), view)
    trace = fig.data[0]
    outlined = [c for c, w in zip(trace.locations, trace.marker.line.width) if w > 1]
    assert outlined == ["GBR"]
    assert any(t.startswith("United Kingdom (GBR): ") and
               t.endswith("<br>Eurostat flag: p = provisional") for t in trace.text)
    assert _footer(fig).endswith(
        "Eurostat flags (countries outlined): p = provisional (United Kingdom).")
    view = rg.resolve(rg.ReturnGapView(map_series="ordered_to_leave_per_100k", map_year=2014),
                      geos)
    with i18n.use("nl"):
        fig = rg.map_figure(rg.map_data(view), view)
    assert "Eurostat-vlaggen (landen omrand): d = definitie wijkt af (" in _footer(fig)
    assert not isinstance(fig.data[0].marker.line.width, tuple)  # no country outlined


def _claim_figure(quantity: str, checks: list[dict]):
    """A user's claim on the bundled return_gap mart (EU28's orders of 2010–2015 carry ``d``
    in migr_eiord: the EU aggregate's definition differs), its evidence and its figure."""
    from analysis import claims as engine
    from analysis.claims_data import WarehouseSource
    from dashboard import claims, db

    raw = {"id": "F1", "claim": "EU28 orders to leave", "document": "test", "location": "-",
           "quantity": quantity, "unit": "persons ordered to leave", "period": "2010–2015",
           "datasets": ["migr_eiord"], "geo": "EU28", "checks": checks}
    claim = engine.parse_claim(raw)
    verdict = db.run(lambda cur: engine.evaluate(claim, WarehouseSource(cur)))
    data = claims.evidence(verdict)
    return data, claims.figure(verdict, data)


def _query(year):
    return {"mart": "return_gap", "value": "ordered_to_leave", "aggregate": "value",
            "where": {"geo": "EU28", "citizenship_iso3": "TOTAL", "year": year}}


def test_claim_charts_mark_the_flags_of_the_values_they_read():
    # a value: the data point of 2015 (533,395, flag d) is an open circle, 2013 (no flag) not
    data, fig = _claim_figure("value", [
        {"label": "2015", "stated": "about 530 thousand", "query": _query(2015)},
        {"label": "2013", "stated": "about 430 thousand", "query": _query(2013)}])
    assert data.set_index("check")["flag"].fillna("").to_dict() == {"2015": "d", "2013": ""}
    assert data.set_index("check").loc["2015", "data_value"] == 533395
    points = next(t for t in fig.data if t.name == "data")
    assert list(points.marker.symbol) == ["circle-open", "circle"]
    assert "Eurostat flags (open circles): d = definition differs (2015)." in _footer(fig)
    # a trend over 2010–2015: the flagged years are open diamonds, 2013 a plain dot
    data, fig = _claim_figure("trend", [
        {"label": "EU28", "claimed": "stable", "by": "year", "max_relative_range": 0.25,
         "query": {**_query({"from": 2010, "to": 2015}), "aggregate": "sum"}}])
    assert _flagged(fig.data[0]) == {y: flags.MARKER for y in
                                     ("2010", "2011", "2012", "2014", "2015")}
    assert "d = definition differs (EU28 2010–2012, 2014–2015)" in _footer(fig)
    # before and after: both bars outlined
    data, fig = _claim_figure("direction", [
        {"label": "EU28", "claimed": "up", "before": _query(2014), "after": _query(2015)}])
    assert data.iloc[0][["flag_before", "flag_after"]].tolist() == ["d", "d"]
    assert "Eurostat flags (outlined bars): d = definition differs" in _footer(fig)
