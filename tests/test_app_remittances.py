"""The Remittances page under AppTest: NL outflow since 1970, % of GDP ranking, permalink."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from pages import decode, footer, line_traces, run_page, specs, title

pytestmark = pytest.mark.usefixtures("built_warehouse")  # the app reads a built warehouse

PAGE = "pages/remittances.py"


@pytest.fixture(scope="module")
def default():
    return run_page(PAGE)


def test_nl_outflow_since_1970_is_figure_4(default):
    paid = specs(default)[0]
    assert title(paid) == "Personal remittances paid, Netherlands, 1970–2024, current US$"
    line = line_traces(paid)["Paid (latest vintage per year)"]
    assert line["1970-01-01"] == pytest.approx(0.1812154694)  # US$ bn, 2021-09-15 bulk CSV
    assert line["2023-01-01"] == pytest.approx(17.038509623237)  # 2025-02-07 WDI extract
    assert math.isnan(line["2024-01-01"])
    text = footer(paid)
    assert "compensation of employees" in text and "BM.TRF.PWKR.CD.DT" in text
    assert "1970–1989 from API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv (2021-09-15)" in text


def test_pct_gdp_ranking_marks_computed_values(default):
    bars = specs(default)[1]
    assert title(bars) == "Personal remittances received as % of GDP, top 20 economies, 2023"
    values = dict(zip(bars["data"][0]["y"], decode(bars["data"][0]["x"])))
    assert values["Tajikistan"] == pytest.approx(38.42058811738961)
    assert values["Nepal"] == pytest.approx(26.313662907211764)
    assert values["Gambia, The"] == pytest.approx(21.895849204807163)
    # every 2023 share is computed here (no published % of GDP for 2023 in the extract): the
    # footer says so; a hatch on every bar would say nothing, so there is none
    assert "hatched: computed" not in [t["name"] for t in bars["data"]]
    assert "computed here as received ÷ GDP" in footer(bars)


def test_bop_rem6_is_said_not_loaded(default):
    assert any("bop_rem6" in i.value and "not loaded" in i.value for i in default.info)


def test_permalink_and_vintage_comparison():
    at = run_page(PAGE, country="NLD", start="2010", end="2023", mode="vintages", year="2014",
                  top_n="5")
    assert at.radio(key="rm_mode").value == "vintages"
    lines = line_traces(specs(at)[0])
    assert set(lines) == {"Paid, vintage 2021-09-15", "Paid, vintage 2025-02-07"}
    # the World Bank revised NL 2014 between the two vintages
    assert lines["Paid, vintage 2021-09-15"]["2014-01-01"] == pytest.approx(8.28270072451772)
    assert lines["Paid, vintage 2025-02-07"]["2014-01-01"] == pytest.approx(12.2269867597642)
    assert title(specs(at)[1]).endswith("top 5 economies, 2014")


def test_partner_transfers_when_bop_rem6_is_loaded(tmp_path, monkeypatch):
    """With (synthetic) bop_rem6 staged, the page draws NL → partner transfers."""
    import datetime as dt
    import gzip
    import shutil

    from core import paths
    from etl import pipeline, snapshots
    from etl.sources import eurostat as es

    fixtures = Path(__file__).parent / "fixtures" / "eurostat"
    shutil.copytree(paths.STAGING_DIR, tmp_path / "staging")
    common = dict(publisher="eurostat", dataset=es.BOP_DATASET, source_url="synthetic fixture",
                  licence="synthetic", vintage=dt.date(2026, 4, 24), raw_dir=tmp_path / "raw")
    snaps = [snapshots.store(gzip.compress((fixtures / name).read_bytes()), file_name=stored,
                             **common)
             for name, stored in (("codelist_bop_item.tsv", es.BOP_CODELIST_FILE),
                                  ("bop_rem6.tsv", "bop_rem6.tsv.gz"))]
    pipeline.stage(es, snaps[1], staging_dir=tmp_path / "staging")
    monkeypatch.setattr(paths, "STAGING_DIR", tmp_path / "staging")
    monkeypatch.setattr(paths, "WAREHOUSE", tmp_path / "warehouse.duckdb")
    from etl import build

    build.build()  # AppTest runs the page script alone, without app.py's build check
    at = run_page(PAGE)
    chart = specs(at)[2]
    assert title(chart) == ("Personal transfers, Netherlands, flow DEB, by partner (MIO_EUR)")
    assert line_traces(chart)["EXT_EU27_2020"]["2022-01-01"] == 1620.0
    assert "bop_rem6 (vintage 24 Apr 2026)" in footer(chart)
    assert at.selectbox(key="rm_flow").value == "DEB"
    # The partner choices are in the permalink and come back from it.
    other = next(p for p in at.multiselect(key="rm_partners").options if p != "EXT_EU27_2020")
    at.multiselect(key="rm_partners").set_value(["EXT_EU27_2020", other])
    at.selectbox(key="rm_flow").set_value("CRE")
    at.run()
    assert not at.exception, at.exception
    assert at.query_params["partners"] in ([f"EXT_EU27_2020,{other}"], f"EXT_EU27_2020,{other}")
    params = {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}
    again = run_page(PAGE, **params)
    assert again.multiselect(key="rm_partners").value == ["EXT_EU27_2020", other]
    assert again.selectbox(key="rm_flow").value == "CRE"
    assert title(specs(again)[2]).startswith("Personal transfers, Netherlands, flow CRE")


def test_pct_gdp_ranking_names_the_economies_it_cannot_rank(default):
    """World Bank WDI extract: no GDP for 2023 for Tonga or Lebanon, so no share; they are
    named in the figure with their 2022 shares (41.9 %, 30.7 %), never dropped silently."""
    bars = specs(default)[1]
    text = footer(bars)
    assert "Not ranked, GDP 2023 not available: Tonga (41.9 % in 2022), Lebanon (30.7 % in 2022)" in text
    assert "Tonga" not in bars["data"][0]["y"]


def test_hatching_only_where_computed_and_published_values_mix(default):
    from dashboard import remittances as rm

    view = rm.resolve(rm.RemittancesView(), rm.payers())
    data = rm.pct_gdp(view)
    assert view.year == 2023 and len(data) == 20
    assert data["computed"].all()  # 2023: every share computed here
    fig = rm.pct_figure(data, view)
    assert "hatched: computed" not in [t.name for t in fig.data]
    assert all(t.marker.pattern.shape is None for t in fig.data)
    # the real rows with the first one flagged published instead (a synthetic mix): now the
    # hatch tells the two kinds apart, and the legend says what it means
    mixed = data.assign(computed=[False] + [True] * (len(data) - 1))
    fig = rm.pct_figure(mixed, view)
    assert "hatched: computed" in [t.name for t in fig.data]
    assert list(fig.data[0].marker.pattern.shape) == [""] + ["/"] * (len(data) - 1)


def test_the_table_says_which_value_column_is_in_billions():
    """The Table tab heads the plotted billions "Value (US$ bn)", beside the publisher's
    dollars, in both languages; the CSV keeps the column names."""
    from dashboard import chart_data, i18n, remittances

    view = remittances.RemittancesView(country="NLD", start=2020, end=2023, mode="latest",
                                       year=2023, top_n=20)
    data = remittances.paid(view)
    rows = chart_data.rows(data, remittances.paid_source(data))
    assert list(rows.columns[:4]) == ["series", "year", "value_usd", "value"]
    shown = chart_data.readable(rows)
    assert list(shown.columns[2:4]) == ["Value (US$)", "Value (US$ bn)"]
    assert shown.iloc[3, 2:4].tolist() == ["17,038,509,623.2", "17.0"]  # as the WDI extract has it
    with i18n.use("nl"):
        shown = chart_data.readable(rows)
    assert list(shown.columns[2:4]) == ["Waarde (US$)", "Waarde (mld US$)"]
