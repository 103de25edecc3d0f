"""World Bank remittances: parsing the real files, the mart, bad input and the API download.

Real files: ../shared/data/remittances (the 2021-09-15 bulk CSV of BM.TRF.PWKR.CD.DT and
IOM's WDI extract gdidata_wdi.rda). Expected figures were computed independently from the
files (csv module on the bulk CSV, rdata's plain reader on the .rda, pandas-free arithmetic)
or are the ones stated in ../shared/data/remittances/SOURCES.md; the hand-converted
gdidata_wdi.csv is used only as a cross-check of the .rda parse.

Everything else is synthetic and labelled so: small bulk CSVs and .rda files written into
tmp_path, and hand-made API answers in tests/fixtures/worldbank (see its README) replayed
with ``responses``.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import math
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import rdata

from etl import http, pipeline, staging
from etl.sources import worldbank as wb
from marts import build_from, committed_mart

FIXTURES = Path(__file__).parent / "fixtures" / "worldbank"
BULK = "API_BM.TRF.PWKR.CD.DT_DS2_en_csv_v2_3012027.csv"
RDA = "gdidata_wdi.rda"
PAID, RECEIVED, PCT, GDP = wb.PAID, wb.RECEIVED, wb.RECEIVED_PCT_GDP, wb.GDP

# NLD personal remittances paid (BM.TRF.PWKR.CD.DT), US$, as written in each file.
NLD_PAID_2021 = {1970: 181215469.4, 1990: 921032391.2927, 2000: 1447233059.54823,
                 2014: 8282700724.51772, 2020: 13923495034.8225}
NLD_PAID_2025 = {1990: 921032391.2927, 2000: 1447233059.54823, 2014: 12226986759.7642,
                 2020: 13909044272.3602, 2023: 17038509623.237}
# SOURCES.md headline table, US$ million (one decimal).
NLD_PAID_MN_2021 = {2014: 8282.7, 2015: 10199.3, 2016: 10484.2, 2017: 11295.4, 2018: 12933.5,
                    2019: 14548.2, 2020: 13923.5}
NLD_PAID_MN_2025 = {2014: 12227.0, 2015: 10369.4, 2016: 11014.8, 2017: 12173.5, 2018: 14002.9,
                    2019: 14111.6, 2020: 13909.0, 2021: 15320.7, 2022: 15291.3, 2023: 17038.5}
# SOURCES.md: remittances received, % of GDP = remin / gdp × 100 (two decimals).
PCT_GDP_SOURCES = {("MAR", 2023): 8.14, ("PHL", 2014): 9.64, ("ALB", 2020): 9.62,
                   ("UKR", 2018): 11.23, ("SUR", 2016): 0.05, ("NLD", 2014): 0.41,
                   ("NLD", 2023): 0.35}
# Claim R09 (2023): the report says 21.5 / 62.5 / 37.8; the extract gives these.
R09_2023 = {"GMB": 21.90, "NPL": 26.31, "TJK": 38.42}


# ----------------------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def bulk_bytes(shared_data) -> bytes:
    return (shared_data / "remittances" / BULK).read_bytes()


@pytest.fixture(scope="module")
def rda_bytes(shared_data) -> bytes:
    return (shared_data / "remittances" / RDA).read_bytes()


@pytest.fixture(scope="module")
def p_bulk(bulk_bytes):
    return wb.parse(bulk_bytes, file_name=BULK)


@pytest.fixture(scope="module")
def p_rda(rda_bytes):
    return wb.parse(rda_bytes, file_name=RDA)


def series(frame: pd.DataFrame, code: str, indicator: str) -> dict:
    rows = frame[(frame["country_iso3"] == code) & (frame["indicator"] == indicator)]
    return dict(zip(rows["year"].tolist(), rows["value"].tolist()))


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# ----------------------------------------------------------------------------- bulk CSV
def test_bulk_csv_shape_and_vintage(p_bulk):
    f = p_bulk.frame
    assert (p_bulk.kind, p_bulk.vintage) == ("bulk_csv", dt.date(2021, 9, 15))
    assert list(f.columns) == wb.STAGING_COLUMNS
    assert len(f) == 266 * 61 == 16_226  # every code × 1960–2020, empty cells kept as NULL
    assert f["value"].notna().sum() == 8_581
    assert f["country_iso3"].nunique() == 266
    assert f.loc[f["value"].notna(), "country_iso3"].nunique() == 246
    assert (f["year"].min(), f["year"].max()) == (1960, 2020)
    assert f.loc[f["value"].notna(), "year"].agg(["min", "max"]).tolist() == [1970, 2020]
    assert set(f["indicator"]) == {PAID}
    assert (f["value"] == 0).sum() == 35
    assert set(f["vintage"]) == {pd.Timestamp("2021-09-15")}
    assert set(f["source_file"]) == {BULK}
    assert f["flag"].isna().all()


def test_bulk_csv_nld_paid(p_bulk):
    nld = series(p_bulk.frame, "NLD", PAID)
    assert {y: nld[y] for y in NLD_PAID_2021} == NLD_PAID_2021
    assert math.isnan(nld[1969])  # the file lists NLD 1969 with an empty cell
    assert {y: round(nld[y] / 1e6, 1) for y in NLD_PAID_MN_2021} == NLD_PAID_MN_2021
    row = p_bulk.frame[(p_bulk.frame["country_iso3"] == "NLD") & (p_bulk.frame["year"] == 1970)]
    assert row["country_name"].item() == "Netherlands"
    assert row["source_row"].item() == 182  # the file's line for NLD


def test_bulk_csv_aggregates_separated(p_bulk):
    f = p_bulk.frame
    flags = f.groupby("country_iso3")["is_aggregate"].agg(["min", "max"])
    assert (flags["min"] == flags["max"]).all()  # one flag per code
    flag = flags["max"]
    assert flag.sum() == 49 and (~flag).sum() == 217
    assert flag[["WLD", "LMY", "HIC", "EUU", "SSF", "INX"]].all()
    assert not flag[["NLD", "GMB", "NPL", "TJK", "XKX", "CHI"]].any()
    world = series(f, "WLD", PAID)
    assert world[2020] == 384748760796.524
    assert series(f, "LMY", PAID)[2020] == 82313033860.841


def test_aggregate_list_is_the_files_group_rows(bulk_bytes):
    """etl/reference/worldbank_aggregates.csv: every code and name as the bulk CSV writes it."""
    rows = list(csv.reader(bulk_bytes.decode("utf-8-sig").splitlines()))[5:]
    names = {r[1]: r[0] for r in rows if r}
    ref = wb.aggregates()
    assert len(ref) == 49 and ref["iso3"].is_unique
    assert all(names[c] == n for c, n in zip(ref["iso3"], ref["name"]))
    assert ref.set_index("iso3").loc[["WLD", "LMY", "SAS", "IDA", "PST"], "group_type"].tolist() == [
        "world", "income", "region", "lending", "demographic"]


# ----------------------------------------------------------------------------- WDI .rda
def test_rda_shape_and_vintage(p_rda):
    f = p_rda.frame
    assert (p_rda.kind, p_rda.vintage) == ("rda", dt.date(2025, 2, 7))
    assert "1267fd377f3362f8108ba8ddd1455c49a7976369" in p_rda.vintage_basis
    assert len(f) == 18_319
    assert f["indicator"].value_counts().to_dict() == {GDP: 6_995, RECEIVED: 5_918, PAID: 5_406}
    assert f.groupby("indicator")["country_iso3"].nunique().to_dict() == {
        GDP: 214, RECEIVED: 201, PAID: 198}
    assert (f["year"].min(), f["year"].max()) == (1990, 2023)
    assert f["value"].notna().all()  # the extract lists only existing values
    assert not f["is_aggregate"].any()
    assert f["country_name"].isna().all()  # it carries codes only


def test_rda_nld_paid(p_rda):
    nld = series(p_rda.frame, "NLD", PAID)
    assert {y: nld[y] for y in NLD_PAID_2025} == NLD_PAID_2025
    assert {y: round(nld[y] / 1e6, 1) for y in NLD_PAID_MN_2025} == NLD_PAID_MN_2025
    assert 1970 not in nld and min(nld) == 1990


def test_nld_paid_in_both_vintages(p_bulk, p_rda):
    old, new = series(p_bulk.frame, "NLD", PAID), series(p_rda.frame, "NLD", PAID)
    assert old[2000] == new[2000] == 1447233059.54823
    assert (round(old[2014] / 1e9, 2), round(new[2014] / 1e9, 2)) == (8.28, 12.23)  # revised
    assert old[1990] == new[1990]


def test_rda_equals_the_hand_converted_csv(p_rda, shared_data):
    """Cross-check only: gdidata_wdi.csv was converted by hand from the same .rda."""
    with open(shared_data / "remittances" / "gdidata_wdi.csv", newline="", encoding="utf-8") as fh:
        expected = {(r["geo"], wb.GDIDATA_VARS[r["var"]], int(r["t"])): float(r["v"])
                    for r in csv.DictReader(fh) if r["var"] in wb.GDIDATA_VARS}
    f = p_rda.frame
    got = dict(zip(zip(f["country_iso3"], f["indicator"], f["year"].tolist()), f["value"]))
    assert got.keys() == expected.keys()
    assert all(math.isclose(got[k], v, rel_tol=1e-12) for k, v in expected.items())


def test_received_pct_gdp_from_the_extract(p_rda):
    f = p_rda.frame
    wide = f.pivot_table(index=["country_iso3", "year"], columns="indicator", values="value")
    pct = (wide[RECEIVED] / wide[GDP] * 100).dropna()
    assert {k: round(pct[k], 2) for k in PCT_GDP_SOURCES} == PCT_GDP_SOURCES
    assert {c: round(pct[c, 2023], 2) for c in R09_2023} == R09_2023
    assert pct.xs(2023, level="year").size == 190  # SOURCES.md: 190 geos have both in 2023


# ----------------------------------------------------------------------------- recognises
def test_recognises_only_our_files(shared_data):
    rem = shared_data / "remittances"
    assert wb.recognises(rem / BULK) and wb.recognises(rem / RDA)
    assert not wb.recognises(rem / "gdidata_wdi.csv")  # converted by hand: not imported
    assert not wb.recognises(rem / "SOURCES.md")
    others = [p for p in shared_data.glob("*/*") if p.parent.name != "remittances"]
    assert others and not [p.name for p in others if wb.recognises(p)]


def test_import_refuses_other_files(tmp_path, shared_data):
    with pytest.raises(wb.ParseError, match=r"^gdidata_wdi\.csv: not a World Bank bulk CSV"):
        pipeline.import_file(wb, shared_data / "remittances" / "gdidata_wdi.csv", raw_dir=tmp_path)
    assert not any(tmp_path.iterdir())


# ----------------------------------------------------------------------------- staging
@pytest.mark.parametrize("name", [BULK, RDA])
def test_committed_staging_equals_a_fresh_parse(name, request):
    """The offline default in data/staging must be what the ETL derives from the file now."""
    parsed = request.getfixturevalue("p_bulk" if name == BULK else "p_rda")
    target = staging.file_for(wb.DATASET, parsed.vintage.isoformat(), part=wb.part_name(name))
    committed = pd.read_parquet(target)
    fresh = parsed.frame
    pd.testing.assert_frame_equal(committed, fresh, check_dtype=False)
    side = staging.read_sidecar(target)
    assert side["sha256"] == fresh["snapshot_sha256"].iat[0]
    assert side["rows"] == len(fresh) and side["licence"].startswith("Creative Commons")
    assert side["source_url"] == f"imported from {name}"


def test_import_and_stage_into_tmp(tmp_path, shared_data, p_bulk):
    snap = pipeline.import_file(wb, shared_data / "remittances" / BULK, raw_dir=tmp_path / "raw")
    assert snap.meta["vintage"] == "2021-09-15" and snap.meta["publisher"] == "worldbank"
    assert snap.meta["source_url"] == f"imported from {BULK}"
    [(target, written)] = pipeline.stage(wb, snap, staging_dir=tmp_path / "stg")
    assert written and target.name == (
        "vintage=2021-09-15.part=API_BM_TRF_PWKR_CD_DT_DS2_en_csv_v2_3012027-dc8137b0.parquet")
    assert pipeline.stage(wb, snap, staging_dir=tmp_path / "stg") == [(target, False)]
    side = staging.read_sidecar(target)
    assert (side["coverage_start"], side["coverage_end"], side["rows"]) == (
        "1960-01-01", "2020-12-31", 16_226)
    assert side["vintage_basis"] == 'the file\'s "Last Updated Date" (2021-09-15)'


# ----------------------------------------------------------------------------- mart
@pytest.fixture(scope="module")
def mart(tmp_path_factory):
    """The warehouse built from the committed World Bank staging files only."""
    con = committed_mart(tmp_path_factory.mktemp("wb"), wb.DATASET)
    yield con
    con.close()


def test_mart_schema_and_size(mart):
    cols = mart.execute("""SELECT column_name, data_type FROM information_schema.columns
                           WHERE table_name = 'remittances' ORDER BY ordinal_position""").fetchall()
    assert cols == [
        ("country_iso3", "VARCHAR"), ("country_name", "VARCHAR"), ("is_aggregate", "BOOLEAN"),
        ("year", "INTEGER"), ("paid_usd", "DOUBLE"), ("received_usd", "DOUBLE"),
        ("gdp_usd", "DOUBLE"), ("received_pct_gdp", "DOUBLE"), ("pct_gdp_is_computed", "BOOLEAN"),
        ("source", "VARCHAR"), ("vintage", "DATE")]
    # (code, year) with a value in either file, counted with the csv module: 10,864 over
    # 262 codes; 5,862 have received and GDP in the extract (the computed % of GDP).
    assert mart.execute("""SELECT count(*), count(DISTINCT country_iso3),
                                  count(*) FILTER (WHERE pct_gdp_is_computed),
                                  count(*) FILTER (WHERE NOT pct_gdp_is_computed),
                                  count(*) FILTER (WHERE country_name IS NULL)
                           FROM remittances""").fetchone() == (10_864, 262, 5_862, 0, 0)
    assert mart.execute("SELECT count(*) FROM stg_worldbank__wdi").fetchone()[0] == 16_226 + 18_319


def test_mart_latest_vintage_per_value(mart):
    rows = {y: (paid, v.isoformat(), src) for y, paid, v, src in mart.execute(
        """SELECT year, paid_usd, vintage, source FROM remittances
           WHERE country_iso3 = 'NLD' AND year IN (1970, 2000, 2014, 2020, 2023)""").fetchall()}
    bulk_src = f"paid: {BULK} (2021-09-15)"
    assert rows[1970] == (NLD_PAID_2021[1970], "2021-09-15", bulk_src)
    for year in (2000, 2014, 2020, 2023):
        paid, vintage, src = rows[year]
        assert (paid, vintage) == (NLD_PAID_2025[year], "2025-02-07")
        assert src.startswith(f"paid: {RDA} (2025-02-07); received: {RDA} (2025-02-07)")


def test_mart_aggregates_and_names(mart):
    got = dict(mart.execute("""SELECT country_iso3, is_aggregate FROM remittances
                               WHERE country_iso3 IN ('WLD', 'LMY', 'NLD') AND year = 2020""").fetchall())
    assert got == {"WLD": True, "LMY": True, "NLD": False}
    # the extract has no names: the bulk CSV's name is used for its codes
    assert mart.execute("SELECT DISTINCT country_name FROM remittances WHERE country_iso3 = 'TJK'"
                        ).fetchall() == [("Tajikistan",)]


def test_mart_r09_received_pct_gdp_2023(mart):
    got = {c: (round(p, 2), computed) for c, p, computed in mart.execute(
        """SELECT country_iso3, received_pct_gdp, pct_gdp_is_computed FROM remittances
           WHERE year = 2023 AND country_iso3 IN ('GMB', 'NPL', 'TJK')""").fetchall()}
    assert got == {c: (v, True) for c, v in R09_2023.items()}


def test_mart_pct_null_where_an_input_is_missing(mart):
    # (code, year) with received but no GDP in the extract, counted with the csv module
    assert mart.execute("""SELECT count(*) FROM remittances WHERE received_usd IS NOT NULL
                           AND gdp_usd IS NULL""").fetchone()[0] == 56
    assert mart.execute("""SELECT count(*) FROM remittances WHERE received_pct_gdp IS NOT NULL
                           AND (received_usd IS NULL OR gdp_usd IS NULL)""").fetchone()[0] == 0
    assert mart.execute("""SELECT count(*) FROM remittances WHERE received_pct_gdp IS NULL
                           AND pct_gdp_is_computed IS NOT NULL""").fetchone()[0] == 0


def stage_fixture_pages(stg: Path, raw: Path) -> None:
    for f in sorted(FIXTURES.glob("synthetic_*_page*.json")):
        shutil.copy(f, raw / f.name)
        for target, written in pipeline.stage(wb, pipeline.import_file(wb, raw / f.name, raw_dir=raw / "store"),
                                        staging_dir=stg):
            assert written


def test_mart_published_vs_computed_pct(tmp_path):
    """Synthetic API pages only (vintage 2025-07-01): published % wins, else computed."""
    (tmp_path / "in").mkdir()
    stage_fixture_pages(tmp_path / "stg", tmp_path / "in")
    with build_from(tmp_path / "stg", tmp_path / "w.duckdb") as con:
        got = {r[0]: r[1:] for r in con.execute(
            """SELECT country_iso3, received_usd, gdp_usd, received_pct_gdp, pct_gdp_is_computed,
                      is_aggregate, source
               FROM remittances WHERE year = 2023 ORDER BY 1""").fetchall()}
    assert got["GMB"][2:4] == (20.0, False)  # published, although 500/2000 would be 25
    assert "% of GDP: synthetic_pct_gdp_page1.json (2025-07-01)" in got["GMB"][5]
    assert got["NPL"][2:4] == (25.0, True)   # published null → 1e9 / 4e9 × 100
    assert got["NPL"][5].endswith("% of GDP: computed, received ÷ GDP")
    assert got["NLD"][2:4] == (0.4, True)
    assert got["WLD"][:4] == (900e9, None, None, None)  # no GDP: no % of GDP
    assert got["WLD"][4] is True and got["NLD"][4] is False


def test_mart_newer_api_vintage_wins_older_years_stay(tmp_path):
    """Committed staging + the synthetic 2025-07-01 pages: each value from its latest vintage."""
    stg = tmp_path / "stg"
    shutil.copytree(staging.dataset_dir(wb.DATASET), stg / wb.DATASET)
    (tmp_path / "in").mkdir()
    stage_fixture_pages(stg, tmp_path / "in")
    with build_from(stg, tmp_path / "w.duckdb") as con:
        got = {y: (p, v.isoformat()) for y, p, v in con.execute(
            """SELECT year, paid_usd, vintage FROM remittances WHERE country_iso3 = 'NLD'
               AND year IN (1970, 2021, 2022, 2023, 2024)""").fetchall()}
        stg_vintages = con.execute("SELECT DISTINCT vintage FROM stg_worldbank__wdi ORDER BY 1"
                                   ).fetchall()
    assert {y: got[y] for y in (1970, 2022, 2023, 2024)} == {
        1970: (NLD_PAID_2021[1970], "2021-09-15"), 2022: (800e6, "2025-07-01"),
        2023: (900e6, "2025-07-01"), 2024: (1e9, "2025-07-01")}
    assert (round(got[2021][0] / 1e6, 1), got[2021][1]) == (NLD_PAID_MN_2025[2021], "2025-02-07")
    assert [v.isoformat() for (v,) in stg_vintages] == ["2021-09-15", "2025-02-07", "2025-07-01"]


# ----------------------------------------------------------------------------- bad input
HEADER = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2019", "2020"]
PAID_NAME = "Personal remittances, paid (current US$)"


def bulk_csv(rows, *, header=HEADER, updated="2021-09-15", encoding="utf-8-sig") -> bytes:
    """A synthetic bulk CSV in the World Bank layout (BOM, 4 metadata lines, trailing comma)."""
    quote = lambda cells: ",".join(f'"{c}"' for c in cells) + ","  # noqa: E731
    lines = [quote(["Data Source", "World Development Indicators"]), "",
             quote(["Last Updated Date", updated]), "", quote(header)]
    lines += [quote(r) for r in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


NLD_ROW = ["Netherlands", "NLD", PAID_NAME, PAID, "100.5", ""]
WLD_ROW = ["World", "WLD", PAID_NAME, PAID, "7", "8"]


def parse_file(tmp_path, content: bytes, name="synthetic_bulk.csv"):
    path = tmp_path / name
    path.write_bytes(content)
    return wb.parse(path.read_bytes(), file_name=path.name)


def test_synthetic_bulk_csv_parses(tmp_path):
    p = parse_file(tmp_path, bulk_csv([NLD_ROW, WLD_ROW]))
    f = p.frame
    assert p.vintage == dt.date(2021, 9, 15)
    assert f[["country_iso3", "year", "is_aggregate", "source_row"]].values.tolist() == [
        ["NLD", 2019, False, 6], ["NLD", 2020, False, 6], ["WLD", 2019, True, 7],
        ["WLD", 2020, True, 7]]
    assert f["value"].tolist()[0] == 100.5 and math.isnan(f["value"].tolist()[1])
    assert f["value"].tolist()[2:] == [7.0, 8.0]


@pytest.mark.parametrize("case", [
    "header", "year-header", "non-numeric", "duplicate", "encoding", "negative", "indicator",
    "fields", "no-vintage", "code"])
def test_bad_bulk_csv(tmp_path, case):
    content, message = {
        "header": (bulk_csv([NLD_ROW], header=["Country", *HEADER[1:]]),
                   "synthetic_bulk.csv: line 5: unexpected header ['Country', 'Country Code', "
                   "'Indicator Name', 'Indicator Code']"),
        "year-header": (bulk_csv([NLD_ROW], header=[*HEADER[:5], "2020 [YR2020]"]),
                        "synthetic_bulk.csv: line 5: unexpected column header '2020 [YR2020]' "
                        "(expected a year)"),
        "non-numeric": (bulk_csv([NLD_ROW[:5] + ["n/a"]]),
                        "synthetic_bulk.csv: line 6, column 2020: not a number: 'n/a'"),
        "duplicate": (bulk_csv([NLD_ROW, WLD_ROW, NLD_ROW]),
                      "synthetic_bulk.csv: lines 6 and 8: duplicate key ('NLD', "
                      "'BM.TRF.PWKR.CD.DT')"),
        "encoding": (bulk_csv([["Côte d'Ivoire", "CIV", PAID_NAME, PAID, "1", "2"]],
                              encoding="cp1252"),
                     "synthetic_bulk.csv: line 6: not UTF-8 (wrong encoding): byte b'\\xf4'"),
        "negative": (bulk_csv([NLD_ROW[:5] + ["-3.5"]]),
                     "synthetic_bulk.csv: line 6, NLD 2020: negative value -3.5 (Personal "
                     "remittances, paid (current US$) cannot be negative)"),
        "indicator": (bulk_csv([["Netherlands", "NLD", "GDP per capita", "NY.GDP.PCAP.CD",
                                 "1", "2"]]),
                      "synthetic_bulk.csv: line 6: unknown indicator code 'NY.GDP.PCAP.CD'"),
        "fields": (bulk_csv([NLD_ROW[:5]]), "synthetic_bulk.csv: line 6: 6 fields, the header has 7"),
        "no-vintage": (bulk_csv([NLD_ROW], updated="someday"),
                       "synthetic_bulk.csv: line 3: \"Last Updated Date\" is not a date: 'someday'"),
        "code": (bulk_csv([["Netherlands", "NL", PAID_NAME, PAID, "1", "2"]]),
                 "synthetic_bulk.csv: line 6: unknown country code 'NL'"),
    }[case]
    with pytest.raises(wb.ParseError) as caught:
        parse_file(tmp_path, content)
    assert str(caught.value).startswith(message)


def write_rda(path: Path, table: dict, name="wdi") -> bytes:
    """A synthetic .rda (rdata's writer; strings as object columns, as R character vectors)."""
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) if any(isinstance(x, str) for x in v)
                          else v for k, v in table.items()})
    if "t" in frame:
        frame["t"] = pd.array(table["t"], dtype="Int32")
    rdata.write_rda(path, {name: frame}, compression="bzip2")
    return path.read_bytes()


GOOD_RDA = {"geo": ["NLD", "NLD", "GMB", "NLD"], "var": ["remout", "gdp", "remin", "pop"],
            "t": [2020, 2020, 2023, 2020], "v": [1.5e9, 9e11, 5e8, 1.7e7]}


def test_synthetic_rda_parses_with_a_given_vintage(tmp_path):
    content = write_rda(tmp_path / "synthetic_wdi.rda", GOOD_RDA)
    with pytest.raises(wb.ParseError, match="states no vintage and none is documented"):
        wb.parse(content, file_name="synthetic_wdi.rda")
    p = wb.parse(content, file_name="synthetic_wdi.rda", vintage=dt.date(2024, 1, 31))
    assert (p.vintage, p.vintage_basis) == (dt.date(2024, 1, 31), "given at import")
    assert p.frame[["country_iso3", "indicator", "year", "value", "source_row"]].values.tolist() == [
        ["NLD", PAID, 2020, 1.5e9, 1], ["NLD", GDP, 2020, 9e11, 2], ["GMB", RECEIVED, 2023, 5e8, 3]]
    path = tmp_path / "synthetic_wdi.rda"
    assert wb.recognises(path)
    with pytest.raises(wb.ParseError, match="states no vintage"):
        pipeline.stage(wb, pipeline.import_file(wb, path, raw_dir=tmp_path / "raw"), staging_dir=tmp_path / "stg")
    snap = pipeline.import_file(wb, path, raw_dir=tmp_path / "raw2", vintage=dt.date(2024, 1, 31))
    [(target, written)] = pipeline.stage(wb, snap, staging_dir=tmp_path / "stg")
    assert written and target.name == "vintage=2024-01-31.part=synthetic_wdi.parquet"


@pytest.mark.parametrize("case", ["unknown-var", "negative", "duplicate", "non-numeric",
                                  "columns", "not-rda"])
def test_bad_rda(tmp_path, case):
    t = {k: list(v) for k, v in GOOD_RDA.items()}
    path = tmp_path / "synthetic_wdi.rda"
    if case == "unknown-var":
        t["var"][3] = "remit"
        message = "synthetic_wdi.rda: row 4: unknown variable 'remit'"
    elif case == "negative":
        t["v"][0] = -1.0
        message = ("synthetic_wdi.rda: row 1: negative value -1.0 for 'remout' (Personal "
                   "remittances, paid (current US$))")
    elif case == "duplicate":
        t = {k: [*v, v[1]] for k, v in t.items()}
        message = "synthetic_wdi.rda: rows 2 and 5: duplicate key ('NLD', 'gdp', 2020)"
    elif case == "non-numeric":
        t["v"] = ["1.5e9", "9e11", "n/a", "1"]
        message = "synthetic_wdi.rda: object 'wdi', row 3, column v: expected numbers"
    elif case == "columns":
        t = {"iso3": t["geo"], "var": t["var"], "t": t["t"], "v": t["v"]}
        message = ("synthetic_wdi.rda: object 'wdi': unexpected columns ['iso3', 'var', 't', "
                   "'v'] (expected ['geo', 'var', 't', 'v'])")
    if case == "not-rda":
        content = b"RDX2\nX\n" + b"\x00" * 5  # a cut-off R data stream
        message = "synthetic_wdi.rda: not a readable R data file"
    else:
        content = write_rda(path, t)
    with pytest.raises(wb.ParseError) as caught:
        wb.parse(content, file_name="synthetic_wdi.rda", vintage=dt.date(2024, 1, 31))
    assert str(caught.value).startswith(message)


def api_page(rows, *, lastupdated="2025-07-01") -> bytes:
    """A synthetic one-page API answer."""
    return json.dumps([{"page": 1, "pages": 1, "per_page": 50, "total": len(rows),
                        "sourceid": "2", "lastupdated": lastupdated}, rows]).encode()


def api_row(value, code="NLD", year="2023", indicator=PAID):
    return {"indicator": {"id": indicator, "value": "x"}, "country": {"id": "NL", "value": "N"},
            "countryiso3code": code, "date": year, "value": value, "unit": "",
            "obs_status": "", "decimal": 0}


@pytest.mark.parametrize("case", ["error", "non-numeric", "negative", "duplicate", "date",
                                  "shape", "indicator", "encoding"])
def test_bad_api_json(case):
    content, message = {
        "error": ((FIXTURES / "synthetic_api_error.json").read_bytes(),
                  "p.json: a World Bank API error answer, not data: 120 Invalid value: The "
                  "provided parameter value is not valid"),
        "non-numeric": (api_page([api_row("12,5")]), "p.json: row 1, NLD 2023: not a number: '12,5'"),
        "negative": (api_page([api_row(1.0), api_row(-2.0, year="2022")]),
                     "p.json: row 2, NLD 2022: negative value -2.0"),
        "duplicate": (api_page([api_row(1.0), api_row(2.0)]),
                      "p.json: rows 1 and 2: duplicate key ('NLD', 'BM.TRF.PWKR.CD.DT', 2023)"),
        "date": (api_page([api_row(1.0, year="2023Q1")]), "p.json: row 1: 'date' is not a year: '2023Q1'"),
        "shape": (b'[{"page": 1}]', "p.json: unexpected JSON: expected [page info, rows]"),
        "indicator": (api_page([api_row(1.0, indicator="SP.POP.TOTL")]),
                      "p.json: row 1: unknown indicator code 'SP.POP.TOTL'"),
        "encoding": (b'[{"lastupdated": "2025-07-01"}, [{"country": "C\xf4te"}]]',
                     "p.json: line 1: not UTF-8 (wrong encoding)"),
    }[case]
    with pytest.raises(wb.ParseError) as caught:
        wb.parse(content, file_name="p.json")
    assert str(caught.value).startswith(message)


def test_api_aggregate_without_iso3_code_is_found_by_name():
    row = api_row(5.0, code="")
    row["country"] = {"id": "XO", "value": "Low & middle income"}
    p = wb.parse(api_page([row]), file_name="p.json")
    assert p.frame[["country_iso3", "is_aggregate"]].values.tolist() == [["LMY", True]]
    row["country"] = {"id": "ZZ", "value": "Somewhere"}
    with pytest.raises(wb.ParseError, match="row 1: unknown country code '' \\(country 'Somewhere'\\)"):
        wb.parse(api_page([row]), file_name="p.json")


# ----------------------------------------------------------------------------- fetch
def url(indicator: str, page: int, per_page: int = 4) -> str:
    return wb.API_URL.format(indicator=indicator, per_page=per_page, page=page)


PAGES = {  # (indicator, page) → fixture file
    (PAID, 1): "synthetic_paid_page1.json", (PAID, 2): "synthetic_paid_page2.json",
    (RECEIVED, 1): "synthetic_received_page1.json", (PCT, 1): "synthetic_pct_gdp_page1.json",
    (GDP, 1): "synthetic_gdp_page1.json",
}


def serve_all(rs, skip=()):
    for (indicator, page), name in PAGES.items():
        if (indicator, page) not in skip:
            rs.get(url(indicator, page), body=(FIXTURES / name).read_bytes(),
                   content_type="application/json;charset=utf-8")


def test_fetch_all_pages_of_every_indicator(rs, raw_dir, tmp_path):
    serve_all(rs)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    snaps = wb.fetch(raw_dir=raw_dir, per_page=4, backoff=0)
    day = dt.datetime.fromisoformat(snaps[0].meta["retrieved_at"]).date().isoformat()
    assert dt.datetime.fromisoformat(snaps[0].meta["retrieved_at"]) >= before
    assert [c.request.url for c in rs.calls] == [url(i, p) for i, p in PAGES]
    assert all("Mozilla" in c.request.headers["User-Agent"] for c in rs.calls)
    names = [f"API_{i}_page{p}.json" for i, p in PAGES]
    assert [s.path.name for s in snaps] == names
    assert files_under(raw_dir) == sorted(
        f"worldbank/{day}/{n}{ext}" for n in names for ext in ("", ".json"))
    first = snaps[0]
    assert first.path.read_bytes() == (FIXTURES / PAGES[PAID, 1]).read_bytes()
    assert {k: v for k, v in first.meta.items() if k not in ("retrieved_at", "licence")} == {
        "publisher": "worldbank", "dataset": "worldbank_wdi", "file_name": names[0],
        "source_url": url(PAID, 1), "sha256": hashlib.sha256(first.path.read_bytes()).hexdigest(),
        "size": first.path.stat().st_size, "vintage": "2025-07-01"}
    assert first.meta["licence"].startswith("Creative Commons Attribution 4.0")

    written = [t for s in snaps for t, w in pipeline.stage(wb, s, staging_dir=tmp_path / "stg") if w]
    assert [t.name for t in written] == [
        f"vintage=2025-07-01.part={staging.part_name(n)}.parquet" for n in names]
    assert written[0].name.startswith("vintage=2025-07-01.part=API_BM_TRF_PWKR_CD_DT_page1-")
    frame = pd.concat(pd.read_parquet(t) for t in written)
    assert len(frame) == 5 + 4 + 2 + 4 and frame["value"].isna().sum() == 3
    nld = frame[(frame["country_iso3"] == "NLD") & (frame["indicator"] == PAID)]
    assert dict(zip(nld["year"], nld["value"])) == {2024: 1e9, 2023: 9e8, 2022: 8e8}

    again = wb.fetch(raw_dir=raw_dir, per_page=4, backoff=0)  # same bytes: nothing new
    assert [s.created for s in again] == [False] * 5
    assert len(files_under(raw_dir)) == 10


def test_fetch_error_answer_with_http_200_stores_nothing(rs, raw_dir):
    serve_all(rs, skip={(GDP, 1)})
    rs.get(url(GDP, 1), body=(FIXTURES / "synthetic_api_error.json").read_bytes(), status=200)
    with pytest.raises(http.FetchError) as caught:
        wb.fetch(raw_dir=raw_dir, per_page=4, backoff=0)
    assert str(caught.value) == (f"{url(GDP, 1)}: World Bank API error: 120 Invalid value: "
                                 "The provided parameter value is not valid")
    assert files_under(raw_dir) == []


@pytest.mark.parametrize("case", ["html", "empty", "truncated", "missing-rows", "wrong-page",
                                  "changed-vintage"])
def test_fetch_bad_answers_store_nothing(rs, raw_dir, case):
    page2 = json.loads((FIXTURES / PAGES[PAID, 2]).read_text("utf-8"))
    body, problem = {
        "html": (b"<!DOCTYPE html><html><body>Service unavailable (synthetic)</body></html>",
                 "got an HTML/XML page instead of World Bank API JSON"),
        "empty": (b"", "empty body, expected World Bank API JSON"),
        "truncated": ((FIXTURES / PAGES[PAID, 2]).read_bytes()[:60], "not JSON, or cut off (60 bytes)"),
        "missing-rows": (json.dumps([page2[0], []]).encode(), "no data rows"),
        "wrong-page": (json.dumps([{**page2[0], "page": 1}, page2[1]]).encode(),
                       "asked for page 2, got page 1"),
        "changed-vintage": (json.dumps([{**page2[0], "lastupdated": "2025-07-02"}, page2[1]]).encode(),
                            "page info 'lastupdated' changed between pages: '2025-07-01' then "
                            "'2025-07-02'"),
    }[case]
    serve_all(rs, skip={(PAID, 2)})
    rs.get(url(PAID, 2), body=body, status=200)
    with pytest.raises(http.FetchError) as caught:
        wb.fetch(raw_dir=raw_dir, per_page=4, backoff=0)
    assert caught.value.url == url(PAID, 2)
    assert caught.value.problem.startswith(problem)
    assert files_under(raw_dir) == []


def test_fetch_row_count_must_match_total(rs, raw_dir):
    page = json.loads((FIXTURES / PAGES[RECEIVED, 1]).read_text("utf-8"))
    page[0]["total"] = 5
    rs.get(url(RECEIVED, 1), body=json.dumps(page))
    with pytest.raises(http.FetchError) as caught:
        wb.fetch(raw_dir=raw_dir, indicators=[RECEIVED], per_page=4, backoff=0)
    assert caught.value.problem == "4 rows over 1 page(s), page info says total 5"
    assert files_under(raw_dir) == []


def test_fetch_retries_503_then_succeeds(rs, raw_dir):
    rs.get(url(RECEIVED, 1), body=b"busy", status=503)
    rs.get(url(RECEIVED, 1), body=(FIXTURES / PAGES[RECEIVED, 1]).read_bytes())
    waits: list[float] = []
    [snap] = wb.fetch(raw_dir=raw_dir, indicators=[RECEIVED], per_page=4, sleep=waits.append)
    assert waits == [1.0] and snap.created and snap.meta["vintage"] == "2025-07-01"


def test_fetch_http_404_is_not_retried(rs, raw_dir):
    rs.get(url(PAID, 1), body=b"not here", status=404)
    with pytest.raises(http.FetchError) as caught:
        wb.fetch(raw_dir=raw_dir, indicators=[PAID], per_page=4, backoff=0)
    assert str(caught.value) == f"{url(PAID, 1)}: HTTP 404 Not Found"
    assert len(rs.calls) == 1 and files_under(raw_dir) == []


def test_fetch_refuses_unknown_indicator(raw_dir):
    with pytest.raises(ValueError, match="SP.POP.TOTL"):
        wb.fetch(raw_dir=raw_dir, indicators=["SP.POP.TOTL"])


# ----------------------------------------------------------------------------- live
@pytest.mark.network
def test_live_fetch_paid(tmp_path):
    """The real API (deselected unless ``-m network``): NLD paid, one page, recent vintage."""
    snaps = wb.fetch(raw_dir=tmp_path, indicators=[PAID])
    assert snaps and all(s.created for s in snaps)
    vintage = dt.date.fromisoformat(snaps[0].meta["vintage"])
    assert vintage >= dt.date(2025, 1, 1)
    frame = pd.concat(wb.parse(s.path.read_bytes(), file_name=s.path.name).frame for s in snaps)
    assert frame["country_iso3"].nunique() >= 260
    assert set(frame.loc[frame["is_aggregate"], "country_iso3"]) >= {"WLD", "LMY", "HIC"}
    nld = series(frame, "NLD", PAID)
    assert nld[2000] > 1e9 and nld[2023] > 1e10
    assert re.fullmatch(r"API_BM\.TRF\.PWKR\.CD\.DT_page\d+\.json", snaps[0].path.name)
