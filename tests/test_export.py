"""Chart export: PNG and SVG carry the title and the source footer; the CSV is the plotted data.

Server-side export drives Debian's chromium through kaleido. Without a browser the tests are
skipped, unless REQUIRE_BROWSER=1 (CI), where that is a failure.
"""
from __future__ import annotations

import os
import re
import struct

import pytest

from dashboard import export
from dashboard import return_gap as rg

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse


@pytest.fixture(scope="module")
def nl_chart():
    if not export.available():
        reason = "kaleido or chromium missing: server-side PNG/SVG export unavailable"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    view = rg.ReturnGapView(geo="NL", compare="", start=2010, end=2024)
    geos = rg.geographies()
    data = rg.measures("NL", view)
    return rg.measures_figure(data, "NL", view, geos), data


def test_svg_holds_title_and_footer(nl_chart):
    fig, _ = nl_chart
    svg = export.image_bytes(fig, "svg").decode("utf-8")
    assert svg.startswith("<svg")
    svg = " ".join(re.sub(r"<[^>]+>", " ", svg).split())  # the text, footer lines joined
    assert "Netherlands, 2010–2024" in svg
    assert "Source: Eurostat, migr_asyappctza (vintage 21 May 2025)" in svg
    assert "Returns in year t are not the returns" in svg


def test_png_is_a_full_size_image(nl_chart):
    fig, _ = nl_chart
    png = export.image_bytes(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # IHDR
    assert (width, height) == (2 * export.WIDTH, 2 * int(fig.layout.height))
    assert len(png) > 50_000  # a drawn chart, not an empty canvas


def test_page_offers_png_svg_and_csv_per_chart():
    """CSV under every chart; PNG and SVG where a browser can render them, else the
    pointer to the camera button (a machine without chromium must not fail here)."""
    from pages import run_page

    at = run_page("pages/return_gap.py")
    labels = [b.label for b in at.get("download_button")]
    charts = len(at.get("plotly_chart"))
    assert charts >= 2
    assert labels.count("Download CSV of the plotted data") == charts, labels
    if export.available():
        for label in ("Download PNG", "Download SVG"):
            assert labels.count(label) == charts, labels
    else:
        captions = [c.value for c in at.caption]
        assert sum("camera button" in c for c in captions) == charts, captions
        assert "Download PNG" not in labels


def test_a_kept_browser_serves_the_next_export_and_survives_a_restart(nl_chart):
    fig, _ = nl_chart
    first = export.image_bytes(fig, "svg")
    export._renderer.close()  # as if the browser had died: the next export starts a new one
    again = export.image_bytes(fig, "svg")
    assert first[:4] == again[:4] == b"<svg"
    assert b"Netherlands," in again and b"2010" in again  # the title (wrapped in lines)


def test_unknown_format_is_refused(nl_chart):
    with pytest.raises(ValueError, match="png or svg"):
        export.image_bytes(nl_chart[0], "pdf")


def _stack_totals(fig) -> dict:
    import pandas as pd

    totals: dict = {}
    for trace in fig.data:
        for x, y in zip(trace.x, trace.y):
            key = pd.Timestamp(x)
            totals[key] = totals.get(key, 0.0) + float(y)
    return totals


def test_monthly_by_nationality_image_drops_what_it_cannot_show_and_keeps_the_totals():
    """160 nationalities × 192 months (June 2025 vintage): 17,869 of the 30,912 bars are zero;
    the nationalities whose every month is under one pixel become one summed series."""
    from dashboard import arrivals

    vintage = "2025-06-03"
    opts = arrivals.options(vintage)
    view = arrivals.resolve(arrivals.ArrivalsView(by="nationality", grain="month",
                                                  vintage=vintage), opts)
    fig = arrivals.figure(arrivals.series(view), view, opts)
    assert len(fig.data) == 161 and sum(len(t.x) for t in fig.data) == 30_912
    thin = export.thin_stacked_bars(fig, int(fig.layout.height))
    merged = [t for t in thin.data if "other series (each under 1 px)" in (t.name or "")]
    assert len(merged) == 1 and len(thin.data) < 40
    assert sum(len(t.x) for t in thin.data) < 30_912 - 17_869
    assert _stack_totals(thin) == pytest.approx(_stack_totals(fig))
    assert max(_stack_totals(fig).values()) == 433_620  # October 2015
    kept = {t.name: list(t.y) for t in thin.data if t not in merged}
    syria = next(t for t in fig.data if t.name == "Syria")
    assert kept["Syria"] == [y for y in syria.y if y != 0]  # visible series stay as they are


def test_a_chart_that_is_not_stacked_bars_is_exported_as_it_is(nl_chart):
    fig, _ = nl_chart
    assert export.thin_stacked_bars(fig, int(fig.layout.height)) is fig


def test_a_map_exports_offline_from_the_bundled_geometry(nl_chart):
    view = rg.resolve(rg.ReturnGapView(), rg.geographies())
    fig = rg.map_figure(rg.map_data(view), view)
    svg = export.image_bytes(fig, "svg").decode("utf-8")  # no internet: Plotly's CDN fails
    assert svg.count("choroplethlocation") > 20  # the countries were drawn
    text = " ".join(re.sub(r"<[^>]+>", " ", svg).split())
    assert "by reporting country, 2022" in text and "Not on the map" in text


# ------------------------------------------------------------- picker, CSV, Excel, citation
def _legend(svg: bytes) -> list[str]:
    """The legend entries of an exported SVG."""
    return re.findall(r'class="legendtext"[^>]*>([^<]*)<', svg.decode("utf-8"))


def test_the_series_picker_is_honoured_by_the_server_image(nl_chart):
    from dashboard import chart_data

    fig, data = nl_chart
    series = chart_data.find_series(fig, data)
    assert series.column == "series"
    picked, rows = chart_data.pick(fig, data, ["Ordered to leave", "Returned (any country)"],
                                   series)
    every = _legend(export.image_bytes(fig, "svg"))
    shown = _legend(export.image_bytes(picked, "svg"))
    assert "Found illegally present" in every and "Asylum applicants" in every
    assert shown == ["Ordered to leave", "Returned (any country)"]
    assert set(rows["measure"]) == {"ordered_to_leave", "returned"}


def _nl_rows(start=2010, end=2020):
    from dashboard import chart_data

    view = rg.ReturnGapView(geo="NL", compare="", start=start, end=end)
    data = rg.measures("NL", view)
    source = rg.measures_source(data)
    return data, source, chart_data.rows(data, source)


def test_csv_has_one_row_per_point_with_code_vintage_and_missing_reason():
    """Return gap, NL 2010–2020: ordered to leave is loaded 2010–2016 (the 2017 export) and
    not after; returned to a third country comes from a newer file than the other counts."""
    import io

    import pandas as pd

    from dashboard import chart_data

    data, source, table = _nl_rows()
    text = chart_data.csv_bytes(table, source, "t").decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("2018-03-27" in h and "2024-09-20" in h and "vintage(s)" in h for h in header)
    assert any(h.startswith("# Exported: ") for h in header)
    assert "33735," in text and "33735.0" not in text  # a count is written as an integer
    csv = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    assert len(csv) == 5 * 11
    assert list(csv.columns[-3:]) == ["dataset_code", "vintage", "missing_reason"]
    rows = csv.set_index(["measure", "year"])
    assert rows.loc[("ordered_to_leave", "2014"), ["value", "dataset_code", "vintage",
                                                   "missing_reason"]].tolist() == \
        ["33735", "migr_eiord", "2018-03-27", ""]
    assert rows.loc[("ordered_to_leave", "2018"), "value"] == ""
    assert rows.loc[("ordered_to_leave", "2018"), "missing_reason"] == \
        "not loaded: run `python -m etl fetch eurostat`"
    assert rows.loc[("returned_third_country", "2016"), "vintage"] == "2024-09-20"
    assert rows.loc[("asylum_applicants", "2015"), ["value", "dataset_code"]].tolist() == \
        ["44970", "migr_asyappctza"]  # migr_asyappctza_sdmxcsv2_TOTAL_UA_2008-2024.csv


def test_csv_rates_stay_decimals_and_a_two_publisher_ratio_names_both_vintages():
    import io

    import pandas as pd

    from dashboard import chart_data, risk

    data = risk.yearly(["CMR"], 2015, 2016)
    source = risk.source(*risk.vintages(data))
    text = chart_data.csv_bytes(chart_data.rows(risk.table(data), source), source,
                                "t").decode()
    csv = pd.read_csv(io.StringIO(text), comment="#")
    assert csv["dead_and_missing"].tolist() == [3_149, 4_574]
    assert csv["dead_and_missing_per_1000"].tolist() == pytest.approx(
        [3_149 / 153_946 * 1000, 4_574 / 181_376 * 1000])
    assert set(csv["dataset_code"]) == {"iom_mmp, frontex_ibc"}
    assert set(csv["vintage"]) == {"2025-06-04, 2025-06-03"}


def test_xlsx_holds_the_csv_rows_and_a_source_sheet():
    import datetime as dt
    import io

    import openpyxl
    import pandas as pd

    from dashboard import chart_data

    data, source, table = _nl_rows()
    text = chart_data.csv_bytes(table, source, "t").decode()
    csv = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    book = openpyxl.load_workbook(io.BytesIO(chart_data.xlsx_bytes(
        table, source, "t", permalink="https://example.org/return_gap?geo=NL")))
    assert book.sheetnames == ["data", "source"]
    sheet = list(book["data"].iter_rows(values_only=True))
    assert list(sheet[0]) == list(csv.columns)

    def as_csv(v):
        if v is None:
            return ""
        if isinstance(v, dt.datetime):
            return v.date().isoformat()
        return str(v)

    assert [[as_csv(v) for v in row] for row in sheet[1:]] == csv.values.tolist()
    value = list(csv.columns).index("value")
    numbers = [row[value] for row in sheet[1:] if row[value] is not None]
    assert numbers and all(isinstance(v, int) for v in numbers)  # numbers, not text
    about = dict(book["source"].iter_rows(min_row=2, values_only=True))
    assert about["publisher"] == "Eurostat"
    assert about["dataset codes"] == "migr_asyappctza, migr_eiord, migr_eipre, migr_eirtn"
    assert "2018-03-27" in about["vintages"] and "2024-09-20" in about["vintages"]
    assert about["url migr_eiord"] == \
        "https://ec.europa.eu/eurostat/databrowser/view/migr_eiord/default/table"
    assert about["permalink"] == "https://example.org/return_gap?geo=NL"


def test_cite_text_names_codes_vintages_urls_and_the_view():
    import datetime as dt

    from dashboard import chart_data, i18n

    _data, source, table = _nl_rows()
    text = chart_data.cite_text(source, "Return gap NL", table,
                                permalink="https://example.org/return_gap?geo=NL",
                                accessed=dt.date(2026, 12, 2))
    assert text.startswith("Eurostat. Return gap NL.")
    assert ("Dataset migr_eiord, vintage 27 Mar 2018: "
            "https://ec.europa.eu/eurostat/databrowser/view/migr_eiord/default/table.") in text
    assert "Dataset migr_eirtn, vintage 27 Mar 2018, 20 Sep 2024" in text
    assert "Accessed 2 Dec 2026." in text and "https://example.org/return_gap?geo=NL" in text
    with i18n.use("nl"):
        nl = chart_data.cite_text(source, "t", table, permalink="",
                                  accessed=dt.date(2026, 12, 2))
    assert "Dataset migr_eiord, versie 27 maart 2018" in nl
    assert "Geraadpleegd op 2 december 2026." in nl


def test_csv_per_100k_says_which_part_of_a_rate_is_missing():
    """NL per 100,000 residents: demo_pjan is not loaded for 2023–2024 (the footer says so),
    so those rates are missing with "population not loaded" on their rows."""
    from dashboard import chart_data

    view = rg.ReturnGapView(geo="NL", compare="", start=2020, end=2024, per_100k=True)
    data = rg.measures("NL", view)
    table = chart_data.rows(data, rg.measures_source(data)).set_index(["measure", "year"])
    assert table.loc[("asylum_applicants", 2024), "count"] == 33_515
    assert table.loc[("asylum_applicants", 2024), "missing_reason"] == \
        "population not loaded (demo_pjan): run `python -m etl fetch eurostat`"
    assert pd_isna(table.loc[("asylum_applicants", 2024), "value"])
    assert table.loc[("asylum_applicants", 2022), "missing_reason"] is None


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_log_and_index_follow_the_figures_own_mark_not_its_axis_title(lang):
    """Counts and amounts over time get the log scale and the index, rates do not — in both
    languages, by the mark the figure's builder writes (``layout.meta``), whatever the axis
    title says."""
    from dashboard import chart_data, charts, i18n, risk
    from dashboard import remittances as rm

    geos = rg.geographies()
    with i18n.use(lang):
        view = rg.ReturnGapView(geo="NL", compare="", start=2010, end=2020)
        counts = rg.measures_figure(rg.measures("NL", view), "NL", view, geos)
        per_100k = rg.ReturnGapView(geo="NL", compare="", start=2010, end=2020, per_100k=True)
        rates_100k = rg.measures_figure(rg.measures("NL", per_100k), "NL", per_100k, geos)
        rates = rg.rates_figure(rg.rates(view), view, geos)
        ratio = rg.across_figure(rg.across(view), view, geos)
        data = risk.yearly(["CMR"], 2015, 2020)
        deaths = risk.figure(data, title="t", source=risk.source(*risk.vintages(data)),
                             notes=[])
        paid_view = rm.RemittancesView()
        paid = rm.paid_figure(rm.paid(paid_view), paid_view, {})
    assert charts.value_kind(counts) == "count" and charts.value_kind(paid) == "amount"
    assert [chart_data.is_count_time_series(f) for f in (counts, paid)] == [True, True]
    assert [chart_data.is_count_time_series(f)
            for f in (rates_100k, rates, ratio, deaths)] == [False] * 4
    # the axis title says nothing: a count titled like a rate stays a count, and the other
    # way round
    counts.update_layout(yaxis_title="Rate per 1,000 (%) ÷ share")
    rates.update_layout(yaxis_title="Persons", yaxis_tickformat=",d")
    assert chart_data.is_count_time_series(counts)
    assert not chart_data.is_count_time_series(rates)
    # a figure nobody marked gets no log scale
    unmarked = type(counts)(counts)
    unmarked.update_layout(meta=None)
    assert not chart_data.is_count_time_series(unmarked)
    # the mark survives what the chart does to the figure (series picked, index)
    assert charts.value_kind(chart_data.index_figure(counts, 2014)) == "count"


def test_mark_values_refuses_an_unknown_kind():
    import plotly.graph_objects as go

    from dashboard import charts

    with pytest.raises(ValueError):
        charts.mark_values(go.Figure(), "persons")


def test_dutch_exports_have_dutch_header_lines_headers_and_source_sheet():
    """With the interface in Dutch: the CSV's '#' lines and the workbook are Dutch; the CSV's
    column names stay the English identifiers scripts read."""
    import datetime as dt
    import io

    import openpyxl
    import pandas as pd

    from dashboard import chart_data, i18n

    when = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.timezone.utc)
    _data, source, english = _nl_rows()
    en_text = chart_data.csv_bytes(english, source, "t", exported=when).decode()
    with i18n.use("nl"):
        _data, source, table = _nl_rows()
        text = chart_data.csv_bytes(table, source, "Terugkeerkloof", exported=when).decode()
        book = openpyxl.load_workbook(io.BytesIO(chart_data.xlsx_bytes(
            table, source, "Terugkeerkloof", permalink="https://example.org/return_gap?lang=nl",
            exported=when)))
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[0] == "# Terugkeerkloof"
    assert header[1].startswith("# Bron: Eurostat")
    assert header[2].startswith("# Uitgever: Eurostat; dataset: migr_asyappctza, ")
    assert "versie(s): 2018-03-27, " in header[2] and "; eenheid: personen" in header[2]
    assert header[3] == "# Geëxporteerd: 2026-12-02T07:00:00Z"
    assert header[4] == "# Kolomnamen zijn vaste (Engelse) namen, in elke taal dezelfde."
    csv = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    en_csv = pd.read_csv(io.StringIO(en_text), comment="#", dtype=str, keep_default_na=False)
    assert list(csv.columns) == list(en_csv.columns)  # the stable identifiers
    assert list(csv.columns[:2]) == ["geo", "year"] and "measure" in csv.columns
    assert csv["value"].tolist() == en_csv["value"].tolist()
    rows = csv.set_index(["measure", "year"])
    assert rows.loc[("ordered_to_leave", "2014"), "value"] == "33735"
    assert rows.loc[("ordered_to_leave", "2018"), "missing_reason"] == \
        "niet geladen: voer `python -m etl fetch eurostat` uit"
    # the workbook: Dutch sheets, headers and fields; the same numbers
    assert book.sheetnames == ["gegevens", "bron"]
    sheet = list(book["gegevens"].iter_rows(values_only=True))
    headers = list(sheet[0])
    assert headers[:2] == ["Gebied", "Jaar"]
    assert headers[-3:] == ["Datasetcode", "Versie", "Reden ontbreken"]
    assert "Waarde" in headers and "Jaar" in headers
    value, year, measure = (headers.index(h) for h in ("Waarde", "Jaar", "Maatstaf"))
    found = {(r[measure], r[year]): r[value] for r in sheet[1:]}
    assert found[("ordered_to_leave", 2014)] == 33_735
    about = dict(book["bron"].iter_rows(min_row=2, values_only=True))
    assert list(book["bron"].iter_rows(max_row=1, values_only=True))[0] == ("veld", "waarde")
    assert about["titel"] == "Terugkeerkloof" and about["uitgever"] == "Eurostat"
    assert about["datasetcodes"] == "migr_asyappctza, migr_eiord, migr_eipre, migr_eirtn"
    assert about["eenheid"] == "personen (door Eurostat afgerond op 5)"
    assert about["voetregel"].startswith("Bron: Eurostat")
    assert about["geëxporteerd"] == "2026-12-02T07:00:00Z"
    assert about["permalink"] == "https://example.org/return_gap?lang=nl"


def test_downloads_are_made_on_click_in_the_pages_language(monkeypatch):
    """A chart's CSV and workbook are made when their button is clicked (deferred), in a
    server thread outside the page's run: on a Dutch page they are Dutch, the plotted rows,
    and making them does not switch a page being drawn meanwhile."""
    import io
    import threading

    import openpyxl
    import pandas as pd
    from streamlit.runtime.media_file_manager import MediaFileManager

    from dashboard import i18n
    from pages import run_page

    made: dict[str, object] = {}  # file name → the deferred callable
    add = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return add(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    run_page("pages/return_gap.py", lang="nl")
    assert {"return_gap_NL.csv", "return_gap_NL.xlsx"} <= set(made)
    out: dict[str, bytes] = {}
    worker = threading.Thread(target=lambda: out.update(
        csv=made["return_gap_NL.csv"](), xlsx=made["return_gap_NL.xlsx"]()))
    worker.start()
    worker.join()
    assert i18n.current() == "en"  # this thread's language stayed as it was
    text = out["csv"].decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[2].startswith("# Uitgever: Eurostat; dataset: migr_asyappctza, ")
    csv = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    rows = csv.set_index(["measure", "year"])
    assert rows.loc[("ordered_to_leave", "2016"), "value"] == "32950"
    assert rows.loc[("ordered_to_leave", "2017"), "missing_reason"] == \
        "niet geladen: voer `python -m etl fetch eurostat` uit"
    book = openpyxl.load_workbook(io.BytesIO(out["xlsx"]))
    assert book.sheetnames == ["gegevens", "bron"]
