"""Eurostat: parsing every real file, the marts, aggregate meaning, bad input, the API download.

Real files: ../shared/data/eurostat. Expected figures were computed independently from the
files (the csv module, string arithmetic) or are those stated in its SOURCES.md. Everything
else is synthetic and labelled so: small files written into tmp_path from lines of the real
files, and hand-made API answers in tests/fixtures/eurostat (see its README) replayed with
``responses``.
"""
from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pandas as pd
import pytest

from core import warehouse
from etl import build, http, pipeline, staging
from etl.sources import eurostat as es
from marts import committed_mart

FIXTURES = Path(__file__).parent / "fixtures" / "eurostat"
FILES = [
    "dw2017_migr_asyappctza_allcitizenships.csv", "dw2017_migr_eiord_1_Data.csv",
    "dw2017_migr_eiord_Data_allcitizens.csv", "dw2017_migr_eipre_1_Data_allcitizens.csv",
    "dw2017_migr_eirfs_Data_allcitizenships.csv", "dw2017_migr_eirtn_1_Data.csv",
    "dw2017_migr_eirtn_Data_allcitizens.csv", "gdidata_eu_asyapp.rda",
    "migr_asyappctza_sdmxcsv2_TOTAL_UA_2008-2024.csv", "migr_eipre_sdmxcsv1_labels.csv",
    "migr_eirfs_sdmxcsv1_labels.csv",
]
# SOURCES.md, return gap table (citizen Total; returned to a third country in brackets there).
NL_ORDERED = {2010: 29870, 2011: 29500, 2012: 27265, 2013: 32435, 2014: 33735, 2015: 23765,
              2016: 32950}
NL_RETURNED = {2010: 10355, 2011: 9475, 2012: 9635, 2013: 8010, 2014: 7995, 2015: 8620,
               2016: 11750}
NL_RETURNED_THIRD = {2014: 7655, 2015: 8380, 2016: 11215}  # the 2017 export
# The third-party migr_eirtn extract (vintage 2024-09-20), sums over citizenships (SOURCES.md).
NL_RETURNED_THIRD_2024 = {2014: 7595, 2015: 8380, 2016: 11845, 2017: 8200, 2018: 8840,
                          2019: 11045, 2020: 8700, 2021: 2505, 2022: 920, 2023: 1545}
EXTRACTS = ["rcache_migr_asyappctza_bulk_2024-01-18.rds", "rcache_demo_pjan_bulk_2024-01-18.rds",
            "natix_migr_eirtn_THRD_by_citizenship_2014-2023.csv"]
NL_ASY_APP = {2014: 24495, 2015: 44970, 2016: 20945, 2017: 18210, 2018: 24025, 2019: 25260,
              2020: 15320, 2021: 26555, 2022: 37060, 2023: 39755, 2024: 33515}
EU27_ASY_APP_SUM = {2023: 1130865, 2024: 997425}  # no published EU27_2020 held for these
# Published by Eurostat in the bulk download of 2024-01-18 (the sum of the 27 would be
# 594,730 / 1,283,065 / 1,221,485: the published aggregate wins over our sum).
EU27_ASY_APP_PUBLISHED = {2014: 594725, 2015: 1283075, 2016: 1221480, 2022: 955940}
NL_ILLEGAL_2025 = {2014: 2645, 2015: 3150, 2016: 2760, 2019: 3565, 2023: 6530}
EU27_REFUSED = {2014: 270565, 2019: 670795, 2023: 123260}


@pytest.fixture(scope="module")
def parsed(shared_data) -> dict[str, es.Parsed]:
    folder = shared_data / "eurostat"
    return {name: es.parse((folder / name).read_bytes(), file_name=name) for name in FILES}


def total_rows(frame: pd.DataFrame, **where) -> pd.DataFrame:
    sel = frame[(frame["sex"] == "T") & frame["detail"].isna()]
    for col, value in where.items():
        sel = sel[sel[col] == value]
    return sel


def by_year(frame: pd.DataFrame) -> dict[int, float]:
    return {int(y): v for y, v in zip(frame["year"], frame["value"])}


def csv_value(path: Path, encoding: str, **match) -> int | None:
    """One Value of a Data Explorer CSV, read with the csv module (independent of the parser)."""
    with path.open(encoding=encoding, newline="") as fh:
        for row in csv.DictReader(fh):
            if all(row[k] == v for k, v in match.items()):
                return None if row["Value"] == ":" else int(row["Value"].replace(",", ""))
    raise AssertionError(f"no row {match}")


# ----------------------------------------------------------------------------- real files
def test_every_file_kind_and_documented_vintage(parsed):
    kinds = {name: (p.kind, p.dataset_code, p.vintage.isoformat()) for name, p in parsed.items()}
    assert kinds["dw2017_migr_eiord_1_Data.csv"] == ("dw_csv", "migr_eiord", "2018-03-27")
    assert kinds["migr_eipre_sdmxcsv1_labels.csv"] == ("sdmx_csv1", "migr_eipre", "2025-03-31")
    assert kinds["migr_asyappctza_sdmxcsv2_TOTAL_UA_2008-2024.csv"] == (
        "sdmx_csv2", "migr_asyappctza", "2025-05-21")
    assert kinds["gdidata_eu_asyapp.rda"] == ("rda", "migr_asyappctza", "2025-05-26")
    rows = {name: len(p.frame) for name, p in parsed.items()}
    # SOURCES.md row counts: one staging row per data line
    assert rows["dw2017_migr_eiord_Data_allcitizens.csv"] == 28_545
    assert rows["dw2017_migr_asyappctza_allcitizenships.csv"] == 34_680
    assert rows["migr_eipre_sdmxcsv1_labels.csv"] == 2_535
    assert rows["gdidata_eu_asyapp.rda"] == 43_896


def test_nl_ordered_and_returned(parsed):
    f = parsed["dw2017_migr_eiord_1_Data.csv"].frame
    assert by_year(total_rows(f, geo="NL", citizenship_iso3="TOTAL")) == NL_ORDERED
    r = parsed["dw2017_migr_eirtn_1_Data.csv"].frame
    assert by_year(total_rows(r, geo="NL", measure="returned")) == NL_RETURNED
    third = by_year(total_rows(r, geo="NL", measure="returned_third_country"))
    assert {y: third[y] for y in NL_RETURNED_THIRD} == NL_RETURNED_THIRD


def test_allcitizens_totals_equal_the_total_files(parsed, shared_data):
    small = total_rows(parsed["dw2017_migr_eiord_1_Data.csv"].frame, citizenship_iso3="TOTAL")
    big = total_rows(parsed["dw2017_migr_eiord_Data_allcitizens.csv"].frame,
                     citizenship_iso3="TOTAL")
    merged = small.merge(big, on=["geo", "year"], suffixes=("_s", "_b"))
    assert len(merged) == len(big) > 150
    assert (merged["value_s"].fillna(-1) == merged["value_b"].fillna(-1)).all()
    # single citizenships sum to less than the total (SOURCES.md: NL 2016 31,875 / 11,480)
    one = parsed["dw2017_migr_eiord_Data_allcitizens.csv"].frame
    nl16 = one[(one.geo == "NL") & (one.year == 2016) & (one.citizenship_iso3 != "TOTAL")]
    assert nl16["value"].sum() == 31_875
    ret = parsed["dw2017_migr_eirtn_Data_allcitizens.csv"].frame
    nl16r = ret[(ret.geo == "NL") & (ret.year == 2016) & (ret.citizenship_iso3 != "TOTAL")]
    assert nl16r["value"].sum() == 11_480


def test_latin1_file_and_labels_to_iso3(parsed, shared_data):
    path = shared_data / "eurostat" / "dw2017_migr_eiord_Data_allcitizens.csv"
    assert "Côte d'Ivoire".encode("latin-1") in path.read_bytes()
    expected = csv_value(path, "latin-1", TIME="2016", GEO="France", CITIZEN="Côte d'Ivoire")
    f = parsed["dw2017_migr_eiord_Data_allcitizens.csv"].frame
    got = f[(f.geo == "FR") & (f.year == 2016) & (f.citizenship_iso3 == "CIV")]
    assert got["value"].tolist() == [expected] and got["citizenship_label"].iat[0]
    greece = f[(f.geo == "EL") & (f.citizenship_iso3 == "SYR")]
    assert set(greece["geo_label"]) == {"Greece"} and len(greece) == 5


def test_missing_is_null_and_flags_kept(parsed, shared_data):
    f = parsed["dw2017_migr_eiord_1_Data.csv"].frame
    at14 = total_rows(f, geo="AT", year=2014)
    assert at14["value"].isna().all()  # ":" in the file, never 0
    path = shared_data / "eurostat" / "dw2017_migr_eiord_1_Data.csv"
    assert csv_value(path, "ascii", TIME="2014", GEO="Austria", CITIZEN="Total") is None
    eipre = parsed["migr_eipre_sdmxcsv1_labels.csv"].frame
    nl15 = total_rows(eipre, geo="NL", year=2015)
    assert nl15[["value", "flag"]].values.tolist() == [[3150, "b"]]
    refused = parsed["migr_eirfs_sdmxcsv1_labels.csv"].frame
    eu23 = total_rows(refused, geo="EU27_2020", year=2023)
    assert eu23[["value", "flag"]].values.tolist() == [[123260, "e"]]


def test_aggregates_keep_their_meaning(parsed):
    """The 2017 files' 'European Union (27 countries)' is the 2007–2013 EU27, not EU27_2020."""
    for name in FILES:
        frame = parsed[name].frame
        if name.startswith("dw2017_"):
            assert "EU27_2020" not in set(frame["geo"]), name
    eiord = parsed["dw2017_migr_eiord_1_Data.csv"].frame
    labels = dict(zip(eiord["geo"], eiord["geo_label"]))
    assert labels["EU27_2007"] == "European Union - 27 countries (2007-2013)"
    assert labels["EU28"] == "European Union - 28 countries (2013-2020)"
    eu27_2007 = by_year(total_rows(eiord, geo="EU27_2007"))
    assert eu27_2007[2010] == 540_080  # the file's "European Union (27 countries)" row
    sdmx1 = parsed["migr_eipre_sdmxcsv1_labels.csv"].frame
    assert {"EU27_2020", "EU28"} <= set(sdmx1["geo"])


def test_asylum_all_and_first_time_are_distinct(parsed):
    sdmx2 = parsed["migr_asyappctza_sdmxcsv2_TOTAL_UA_2008-2024.csv"].frame
    assert set(sdmx2["applicant_type"]) == {"all"}
    nl = by_year(total_rows(sdmx2, geo="NL", citizenship_iso3="TOTAL"))
    assert {y: nl[y] for y in NL_ASY_APP} == NL_ASY_APP
    ua = by_year(total_rows(sdmx2, geo="NL", citizenship_iso3="UKR"))
    assert (ua[2014], ua[2015], ua[2022], ua[2023], ua[2024]) == (265, 760, 1075, 600, 280)
    dw = parsed["dw2017_migr_asyappctza_allcitizenships.csv"].frame
    assert set(dw["applicant_type"]) == {"first_time"}
    assert "TOTAL" not in set(dw["citizenship_iso3"])  # the file has no Total citizen row
    nl15 = dw[(dw.geo == "NL") & (dw.year == 2015)]
    assert nl15["value"].sum() == 43_020
    # the file's GEO "Total" (all reporting countries) is neither EU28 nor EU27_2020
    syr = dw[(dw.year == 2015) & (dw.citizenship_iso3 == "SYR")].set_index("geo")["value"]
    assert (syr["TOTAL"], syr["EU28"]) == (377_910, 362_730)


def test_gdidata_rda_is_all_applicants_by_sex(parsed, shared_data):
    g = parsed["gdidata_eu_asyapp.rda"].frame
    assert set(g["sex"]) == {"F", "M", "UNK"} and set(g["applicant_type"]) == {"all"}
    sums = g.groupby(["geo", "year"])["value"].sum()
    assert (sums["NL", 2014], sums["NL", 2015], sums["NL", 2016]) == (24_440, 44_940, 20_910)
    assert sums["EU27_2020", 2015] == 1_282_830  # gdidata's "EU27"
    # cross-check against the hand conversion beside it
    conv = pd.read_csv(shared_data / "eurostat" / "gdidata_eu_asyapp.csv")
    assert conv["n"].sum() == g["value"].sum() and len(conv) == len(g)
    assert set(g.loc[g.citizenship_label.str.contains("Stateless"), "citizenship_iso3"]) == {"XXA"}


def test_recognises_only_our_files(shared_data):
    folder = shared_data / "eurostat"
    assert sorted(p.name for p in folder.iterdir() if es.recognises(p)) == sorted(FILES + EXTRACTS)
    others = [p for d in ("remittances", "frontex") for p in (shared_data / d).iterdir()]
    assert not [p.name for p in others if es.recognises(p)]


@pytest.mark.parametrize("name", FILES)
def test_committed_staging_equals_a_fresh_parse(name, parsed):
    p = parsed[name]
    target = staging.file_for(es.DATASET, p.vintage.isoformat(), part=es.part_name(name))
    committed = pd.read_parquet(target)
    pd.testing.assert_frame_equal(committed, p.frame, check_dtype=False)
    side = staging.read_sidecar(target)
    assert side["sha256"] == p.frame["snapshot_sha256"].iat[0] and side["rows"] == len(p.frame)
    assert side["dataset_code"] == p.dataset_code and side["vintage_basis"]


# ----------------------------------------------------------------------------- marts
@pytest.fixture(scope="module")
def mart(tmp_path_factory):
    """The warehouse built from the committed Eurostat staging files only."""
    con = committed_mart(tmp_path_factory.mktemp("es"), es.DATASET)
    yield con
    con.close()


def q(con, sql, *params):
    return con.execute(sql, list(params)).fetchall()


def test_return_gap_nl(mart):
    rows = q(mart, """SELECT year, ordered_to_leave, returned_total, returned_to_third_country,
                             return_rate_total, return_rate_lagged, vintage
                      FROM return_gap WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL'
                      ORDER BY year""")
    assert {r[0]: r[1] for r in rows if r[1] is not None} == NL_ORDERED
    assert {r[0]: r[2] for r in rows if r[2] is not None} == NL_RETURNED
    assert {r[0]: r[3] for r in rows if r[0] >= 2014} == NL_RETURNED_THIRD_2024
    by = {r[0]: r for r in rows}
    assert by[2016][4] == pytest.approx(11_750 / 32_950)
    assert by[2016][5] == pytest.approx(11_750 / ((23_765 + 32_950) / 2))
    assert by[2010][5] is None  # no 2009 orders in the bundled data
    # orders and returns to any country after 2016 only through a live fetch: missing, no rate
    assert by[2019][1] is None and by[2019][2] is None and by[2019][4] is None
    assert max(rows)[0] == 2023


def test_return_gap_eu27_2020_is_computed_or_missing(mart):
    rows = {r[0]: r[1:] for r in q(mart, """
        SELECT year, ordered_to_leave, returned_total, is_computed FROM return_gap
        WHERE geo = 'EU27_2020' AND citizenship_iso3 = 'TOTAL'""")}
    # sum of the 27 member states; SOURCES.md's EU28 − UK proxy is 463,375 (rounding)
    assert rows[2015] == (463_380, 176_210, True)
    assert rows[2016] == (433_895, 202_210, True)
    assert rows[2014][0] is None  # Austria 2014 is ":" → no sum of 27, no guess
    eu27_2007 = q(mart, """SELECT ordered_to_leave, is_computed FROM return_gap
                           WHERE geo = 'EU27_2007' AND citizenship_iso3 = 'TOTAL'
                           AND year = 2010""")
    assert eu27_2007 == [(540_080, False)]


def test_asylum_mart(mart):
    nl = dict(q(mart, """SELECT year, applicants FROM asylum_applications
                         WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL'
                         AND applicant_type = 'all'"""))
    assert {y: nl[y] for y in NL_ASY_APP} == NL_ASY_APP
    eu = {r[0]: r[1:] for r in q(mart, """SELECT year, applicants, basis FROM asylum_applications
                         WHERE geo = 'EU27_2020' AND citizenship_iso3 = 'TOTAL'
                         AND applicant_type = 'all'""")}
    for year, value in EU27_ASY_APP_SUM.items():
        assert eu[year] == (value, "sum of the 27 member states")
    for year, value in EU27_ASY_APP_PUBLISHED.items():
        assert eu[year] == (value, "published")
    first = dict(q(mart, """SELECT year, applicants FROM asylum_applications
                            WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL'
                            AND applicant_type = 'first_time'"""))
    assert (first[2019], first[2022]) == (22_540, 35_530)  # SOURCES.md §5.1
    assert 2023 not in first  # the bulk download of 2024-01-18 ends in 2022
    syr = dict(q(mart, """SELECT applicant_type, applicants FROM asylum_applications
                          WHERE geo = 'NL' AND citizenship_iso3 = 'SYR' AND year = 2015"""))
    assert syr["first_time"] == 18_640  # DW 2017 file
    assert syr["all"] == 18_690  # IOM extract, sum over sex, newer vintage


def test_illegally_present_latest_vintage_wins(mart):
    rows = {r[0]: r[1:] for r in q(mart, """SELECT year, persons, vintage FROM illegally_present
                                           WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL'""")}
    assert {y: rows[y][0] for y in NL_ILLEGAL_2025} == NL_ILLEGAL_2025
    assert str(rows[2015][1]) == "2025-03-31"
    # both vintages stay side by side in staging (the 2017 export said 2,340 for 2015)
    both = dict(q(mart, """SELECT CAST(vintage AS VARCHAR), value FROM stg_eurostat__migr
                           WHERE measure = 'illegally_present' AND geo = 'NL' AND year = 2015
                           AND citizenship_iso3 = 'TOTAL' AND detail IS NULL"""))
    assert both == {"2018-03-27": 2_340, "2025-03-31": 3_150}


def test_refused_entry_mart(mart):
    eu = dict(q(mart, """SELECT year, persons FROM refused_entry
                         WHERE geo = 'EU27_2020' AND citizenship_iso3 = 'TOTAL'"""))
    assert {y: eu[y] for y in EU27_REFUSED} == EU27_REFUSED


def test_coverage_says_what_is_missing(mart):
    cov = {(r[0], r[1]): r[2:] for r in q(mart, """SELECT dataset, geo, first_year, last_year,
                                                  loaded, fetch_command FROM coverage""")}
    assert cov["migr_eiord", "NL"][:3] == (2010, 2016, True)
    assert cov["migr_asyappctza", "NL"][:2] == (2008, 2024)
    assert cov["migr_eiord1", None] == (None, None, False, "python -m etl fetch eurostat")
    assert cov["84809NED", None][2] is False


# ----------------------------------------------------------------------------- bad input
def lines_of(shared_data, name, n=4, encoding="utf-8") -> list[str]:
    text = (shared_data / "eurostat" / name).read_text(encoding=encoding)
    return text.splitlines(keepends=True)[:n]


def dw_file(shared_data, edit=None) -> bytes:
    lines = lines_of(shared_data, "dw2017_migr_eiord_1_Data.csv", 6)
    if edit:
        lines = edit(lines)
    return "".join(lines).encode("utf-8")


BAD_DW = {
    "unexpected header": (lambda ls: [ls[0].replace('"UNIT"', '"UNITS"')] + ls[1:],
                          "line 1: unexpected header"),
    "unknown geo label": (lambda ls: ls[:2] + [ls[2].replace("European Union (27 countries)",
                                                             "Europe")] + ls[3:],
                          "line 3: unknown geo 'Europe'"),
    "unknown citizenship": (lambda ls: ls[:3] + [ls[3].replace('"Total"', '"Atlantis"')] + ls[4:],
                            "line 4: unknown citizenship 'Atlantis'"),
    "non-numeric value": (lambda ls: ls[:2] + [ls[2].replace('"540,080"', '"n/a"')] + ls[3:],
                          "line 3: Value is not a number or ':': 'n/a'"),
    "negative count": (lambda ls: ls[:2] + [ls[2].replace('"540,080"', '"-5"')] + ls[3:],
                       "line 3: negative count '-5'"),
    "duplicate key": (lambda ls: ls + [ls[2]], "duplicate key"),
    "unknown period": (lambda ls: ls[:2] + [ls[2].replace('"2010"', '"2010M01"', 1)] + ls[3:],
                       "line 3: unknown period '2010M01'"),
}


@pytest.mark.parametrize("case", sorted(BAD_DW))
def test_bad_data_explorer_csv(shared_data, case):
    edit, message = BAD_DW[case]
    with pytest.raises(es.ParseError) as err:
        es.parse(dw_file(shared_data, edit), file_name="migr_eiord_synthetic.csv",
                 vintage=__import__("datetime").date(2017, 5, 1))
    assert message in str(err.value) and "migr_eiord_synthetic.csv" in str(err.value)


def test_bad_sdmx_csv(shared_data):
    lines = lines_of(shared_data, "migr_eirfs_sdmxcsv1_labels.csv", 4)
    wrong_encoding = "".join(lines).replace("Austria", "Österreich").encode("latin-1")
    with pytest.raises(es.ParseError, match=r"x\.csv: line 2: not UTF-8 \(wrong encoding\)"):
        es.parse(wrong_encoding, file_name="x.csv")
    neg = "".join(lines[:2]) + lines[2].replace(",560,", ",-560,")
    with pytest.raises(es.ParseError, match=r"x\.csv: line 3: negative count '-560'"):
        es.parse(neg.encode(), file_name="x.csv")
    text = "".join(lines[:2]) + lines[2].replace(",560,", ",five hundred,")
    with pytest.raises(es.ParseError, match="OBS_VALUE is not a number: 'five hundred'"):
        es.parse(text.encode(), file_name="x.csv")
    header = lines[0].replace("OBS_VALUE", "VALUE") + "".join(lines[1:])
    with pytest.raises(es.ParseError, match="line 1: unexpected SDMX-CSV 1.0 header"):
        es.parse(header.encode(), file_name="x.csv")
    undated = "".join(lines)
    with pytest.raises(es.ParseError, match="states no vintage"):
        es.parse(undated.encode(), file_name="x.csv")


def test_failed_import_leaves_staging_untouched(tmp_path, shared_data):
    bad = tmp_path / "migr_eiord_broken.csv"
    bad.write_bytes(dw_file(shared_data, BAD_DW["unknown geo label"][0]))
    snap = pipeline.import_file(es, bad, raw_dir=tmp_path / "raw",
                          vintage=__import__("datetime").date(2017, 5, 1))
    with pytest.raises(es.ParseError):
        pipeline.stage(es, snap, staging_dir=tmp_path / "stg")
    assert not (tmp_path / "stg").exists()


# ----------------------------------------------------------------------------- API formats
def test_api_tsv_wire_format():
    content = gzip.compress((FIXTURES / "migr_eiord.tsv").read_bytes())
    p = es.parse(content, file_name="migr_eiord.tsv.gz",
                 vintage=__import__("datetime").date(2026, 4, 24))
    f = p.frame
    assert p.kind == "tsv" and len(f) == 18
    el = f[(f.geo == "EL") & (f.citizenship_iso3 == "AFG")].set_index("year")
    assert el.loc[2023, ["value", "flag"]].tolist() == [135, "p"]
    assert pd.isna(el.loc[2024, "value"])
    assert set(f.loc[f.citizenship_label == "United Kingdom", "citizenship_iso3"]) == {"GBR"}


def test_api_sdmx_csv_with_codes_states_its_vintage():
    p = es.parse((FIXTURES / "migr_eiord_sdmxcsv_codes.csv").read_bytes(),
                 file_name="migr_eiord.csv")
    assert p.vintage.isoformat() == "2026-04-24" and p.vintage_basis.startswith("the file's")
    nl = total_rows(p.frame, geo="NL", citizenship_iso3="TOTAL")
    assert by_year(nl) == {2022: 200, 2023: 210}


# ----------------------------------------------------------------------------- fetch
BASE = es.SOURCE_PAGE
ASYNC = "https://ec.europa.eu/eurostat/api/dissemination/1.0/async/"
KEY = "0f2c1a7e-synthetic-key"
TOC_URL = BASE + "dataflow/ESTAT/{code}?format=JSON&compressed=true&lang=en"
DATA_URL = BASE + "data/migr_eiord/..TOTAL.T.PER.?format=TSV&compressed=true"


def serve_catalogue(rs, codes=("migr_eiord",)):
    for code in ("migr_eiord", "migr_eiord1"):
        if code in codes:
            body = gzip.compress((FIXTURES / "dataflow_migr_eiord.json").read_bytes())
            rs.get(TOC_URL.format(code=code), body=body)
        else:
            rs.get(TOC_URL.format(code=code), status=404, body=b"Not Found")
    rs.get(BASE + "dataflow/ESTAT/migr_eiord/latest",
           body=(FIXTURES / "dataflow_migr_eiord.xml").read_bytes())
    rs.get(BASE + "datastructure/ESTAT/MIGR_EIORD/latest",
           body=(FIXTURES / "datastructure_migr_eiord.xml").read_bytes())


def test_fetch_resolves_codes_and_follows_an_async_answer(rs, tmp_path):
    serve_catalogue(rs)
    rs.get(DATA_URL, body=(FIXTURES / "async_submitted.xml").read_bytes())
    rs.get(ASYNC + f"status/{KEY}", body=(FIXTURES / "async_processing.xml").read_bytes())
    rs.get(ASYNC + f"status/{KEY}", body=(FIXTURES / "async_available.xml").read_bytes())
    tsv = gzip.compress((FIXTURES / "migr_eiord.tsv").read_bytes())
    rs.get(ASYNC + f"data/{KEY}", body=tsv)
    waits = []
    [snap] = es.fetch(raw_dir=tmp_path / "raw", candidates={"ordered_to_leave": [
        "migr_eiord", "migr_eiord1"]}, sleep=waits.append)
    assert waits == [1.0]  # one wait while the answer was PROCESSING
    assert snap.meta["dataset_code"] == "migr_eiord"  # migr_eiord1: not in the catalogue
    assert snap.meta["vintage"] == "2026-04-24"  # the catalogue's last data update
    assert snap.meta["file_name"] == "migr_eiord.tsv.gz" and snap.path.read_bytes() == tsv
    [(target, written)] = pipeline.stage(es, snap, staging_dir=tmp_path / "stg")
    assert written and "dataset_code" in staging.read_sidecar(target)
    frame = pd.read_parquet(target)
    assert len(frame) == 18 and set(frame["vintage"].astype(str)) == {"2026-04-24"}


def test_fetch_http_error_stores_nothing(rs, tmp_path):
    serve_catalogue(rs)
    rs.get(DATA_URL, status=500, body=b"<html>Internal error</html>")
    with pytest.raises(http.FetchError, match="HTTP 500"):
        es.fetch(raw_dir=tmp_path / "raw", candidates={"ordered_to_leave": ["migr_eiord"]},
                 backoff=0)
    assert not (tmp_path / "raw").exists()


def test_fetch_refuses_when_the_catalogue_lists_no_code(rs, tmp_path):
    serve_catalogue(rs, codes=())
    with pytest.raises(http.FetchError, match="lists none of the codes"):
        es.fetch(raw_dir=tmp_path / "raw", candidates={"ordered_to_leave": [
            "migr_eiord", "migr_eiord1"]})


def test_fetch_refuses_a_cut_off_download(rs, tmp_path):
    serve_catalogue(rs)
    rs.get(DATA_URL, body=gzip.compress((FIXTURES / "migr_eiord.tsv").read_bytes())[:40])
    with pytest.raises(http.FetchError, match="not a complete gzip TSV"):
        es.fetch(raw_dir=tmp_path / "raw", candidates={"ordered_to_leave": ["migr_eiord"]})


@pytest.mark.network
def test_live_fetch_ordered_to_leave(tmp_path):
    snaps = es.fetch(raw_dir=tmp_path / "raw", candidates={"ordered_to_leave": [
        "migr_eiord", "migr_eiord1"]})
    assert snaps and all(s.meta["dataset_code"].startswith("migr_eiord") for s in snaps)
    for snap in snaps:
        [(target, _)] = pipeline.stage(es, snap, staging_dir=tmp_path / "stg")
        frame = pd.read_parquet(target)
        assert (frame[(frame.geo == "NL") & (frame.citizenship_iso3 == "TOTAL")]["year"]
                .max() >= 2023)


# ----------------------------------------------------------------------------- bop_rem6
BOP_DATA_URL = BASE + "data/bop_rem6/.....NL?format=TSV&compressed=true"


def serve_bop(rs):
    rs.get(TOC_URL.format(code="bop_rem6"),
           body=gzip.compress((FIXTURES / "dataflow_bop_rem6.json").read_bytes()))
    rs.get(BASE + "dataflow/ESTAT/bop_rem6/latest",
           body=(FIXTURES / "dataflow_bop_rem6.xml").read_bytes())
    rs.get(BASE + "datastructure/ESTAT/BOP_REM6/latest",
           body=(FIXTURES / "datastructure_bop_rem6.xml").read_bytes())
    rs.get(BOP_DATA_URL, body=gzip.compress((FIXTURES / "bop_rem6.tsv").read_bytes()))
    rs.get(BASE + es.BOP_CODELIST_URL,
           body=gzip.compress((FIXTURES / "codelist_bop_item.tsv").read_bytes()))


def test_bop_rem6_fetch_stage_and_mart(rs, tmp_path):
    serve_bop(rs)
    snaps = es.fetch(raw_dir=tmp_path / "raw",
                     candidates={"personal_transfers": ["bop_rem6"]})
    assert [s.meta["file_name"] for s in snaps] == ["bop_rem6.tsv.gz", es.BOP_CODELIST_FILE]
    assert {s.meta["dataset"] for s in snaps} == {es.BOP_DATASET}
    staged = [t for s in snaps for t in pipeline.stage(es, s, staging_dir=tmp_path / "stg")]
    [(target, written)] = staged  # the code list is a companion, not a staging file
    assert written and target.parent.name == es.BOP_DATASET
    side = staging.read_sidecar(target)
    assert side["companions"] == {es.BOP_CODELIST_FILE: snaps[1].sha256}
    frame = pd.read_parquet(target)
    assert set(frame["bop_item_label"]) == {"Personal transfers"}
    bal = frame[(frame.stk_flow == "BAL") & (frame.year == 2021)]
    assert bal["value"].tolist() == [-1200.5]  # balances may be negative
    out = tmp_path / "warehouse.duckdb"
    assert build.build(staging_dir=tmp_path / "stg", warehouse=out, force=True).built
    with warehouse.connect_readonly(out) as con:
        rows = con.execute("""SELECT year, value, flag FROM remittances_nl_by_partner
                              WHERE partner = 'EXT_EU27_2020' AND stk_flow = 'DEB'
                              ORDER BY year""").fetchall()
        assert rows == [(2021, 1500.5, None), (2022, 1620.0, "p")]
        cov = con.execute("""SELECT first_year, last_year, loaded FROM coverage
                             WHERE dataset = 'bop_rem6'""").fetchall()
        assert cov == [(2021, 2022, True)]
        # the seed claim R08 reads this mart: with synthetic data for 2022 only it is not
        # testable for 2023–2024, and says what is loaded
        from analysis import claims
        from analysis.claims_data import WarehouseSource

        r08 = next(c for c in claims.load(claims.CLAIM_SETS / "seed.yml") if c.id == "R08")
        with warehouse.cursor(con) as cur:
            v = claims.evaluate(r08, WarehouseSource(cur))
        assert v.verdict == "not_testable"
        assert "bop_rem6 is loaded for NL 2021–2022, not for 2024" in v.results[0].explanation


def test_bop_rem6_refuses_unexpected_dimensions():
    text = (FIXTURES / "bop_rem6.tsv").read_text().replace("stk_flow", "flow_kind")
    with pytest.raises(es.ParseError, match="bop_rem6 dimensions"):
        es.parse(text.encode(), file_name="bop_rem6.tsv",
                 vintage=__import__("datetime").date(2026, 4, 24))
