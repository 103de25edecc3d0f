"""IOM Missing Migrants Project: the parser on the real file in ../shared/data/iom, the route
mapping, and the two marts against figures computed independently.

Expected dead and missing come from ../shared/data/iom/SOURCES.md and from the CSV copy of the
same table (read here with the csv module, not with our R reader); expected detections are
the Frontex workbook's route totals (tests/test_frontex_parse.py, summed with openpyxl).
"""
from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict

import pandas as pd
import pytest

from core import paths, warehouse
from etl import errors
from etl.sources import iom

# SOURCES.md: "Dead and missing per year on the four routes that meet Frontex's".
SOURCES_TOTALS = {
    ("Central Mediterranean Route", 2015): 3_149, ("Central Mediterranean Route", 2016): 4_574,
    ("Central Mediterranean Route", 2023): 2_526, ("Central Mediterranean Route", 2024): 1_810,
    ("Eastern Mediterranean Route", 2015): 806, ("Eastern Mediterranean Route", 2016): 395,
    ("Western African Atlantic Route", 2023): 959, ("Western African Atlantic Route", 2024): 1_215,
}
# Frontex 2025 workbook (FRAN data as of 3 Jun 2025), detections per route and year.
DETECTIONS = {("CMR", 2016): 181_376, ("CMR", 2023): 158_026, ("EMR", 2015): 885_386,
              ("WAR", 2024): 46_820, ("WMR", 2016): 9_990}
ROUTE_OF = {"CMR": "Central Mediterranean Route", "EMR": "Eastern Mediterranean Route",
            "WMR": "Western Mediterranean Route", "WAR": "Western African Atlantic Route"}


@pytest.fixture(scope="module")
def rda_bytes(shared_data) -> bytes:
    return (shared_data / "iom" / "gdidata_iom_mmp.rda").read_bytes()


@pytest.fixture(scope="module")
def parsed(rda_bytes):
    return iom.parse(rda_bytes, file_name="gdidata_iom_mmp.rda")


@pytest.fixture(scope="module")
def csv_totals(shared_data) -> dict[tuple[str, int], float]:
    totals: dict[tuple[str, int], float] = defaultdict(float)
    with open(shared_data / "iom" / "gdidata_iom_mmp.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            totals[row["route"], int(row["t"][:4])] += float(row["dead"])
    return dict(totals)


def test_shape_vintage_and_basis(parsed):
    frame = parsed.frame
    assert len(frame) == 19_669
    assert parsed.vintage == dt.date(2025, 6, 4)
    assert "ecebde065c1b183cfa97f5d2828b7baf31afe434" in parsed.vintage_basis
    assert list(frame.columns) == iom.STAGING_COLUMNS
    assert frame["month"].min() == pd.Timestamp("2014-01-01")
    assert frame["month"].max() == pd.Timestamp("2025-04-01")
    assert frame["incident_date"].max() == pd.Timestamp("2025-04-30")
    assert (frame["month"] == frame["incident_date"].dt.to_period("M").dt.to_timestamp()).all()


@pytest.mark.parametrize(("key", "expected"), SOURCES_TOTALS.items())
def test_sources_md_totals(parsed, key, expected):
    frame = parsed.frame
    route, year = key
    got = frame.loc[(frame["mmp_route"] == route) & (frame["incident_date"].dt.year == year),
                    "dead_and_missing"].sum()
    assert got == expected


def test_every_route_year_equals_the_csv_copy(parsed, csv_totals):
    frame = parsed.frame
    ours = frame.groupby(["mmp_route", frame["incident_date"].dt.year])["dead_and_missing"].sum()
    assert {(r, int(y)): float(v) for (r, y), v in ours.items()} == csv_totals


def test_negative_survivors_are_not_staged_as_counts(parsed):
    frame = parsed.frame
    flagged = frame[frame["flag"].notna()]
    assert len(flagged) == 5
    assert flagged["survivors"].isna().all()
    assert flagged["flag"].str.startswith("survivors negative in the file: -").all()
    assert (frame["survivors"].dropna() >= 0).all()


def test_every_mmp_route_is_in_the_mapping_and_four_are_mapped(parsed):
    mapping = pd.read_csv(paths.REFERENCE_DIR / "mmp_routes.csv", dtype=str,
                          keep_default_na=False)
    assert set(parsed.frame["mmp_route"]) == set(mapping["mmp_route"])
    mapped = mapping[mapping["route_code"] != ""]
    assert dict(zip(mapped["route_code"], mapped["mmp_route"])) == ROUTE_OF
    routes = set(pd.read_csv(paths.REFERENCE_DIR / "routes.csv")["route_code"])
    assert set(mapped["route_code"]) <= routes
    assert (mapping.loc[mapping["route_code"] == "", "basis"].str.startswith("unmapped")).all()


def test_recognises_the_rda_and_nothing_else(shared_data):
    assert iom.recognises(shared_data / "iom" / "gdidata_iom_mmp.rda")
    assert not iom.recognises(shared_data / "iom" / "gdidata_iom_mmp.csv")
    assert not iom.recognises(shared_data / "frontex" / "frontex.rda")


def test_not_an_r_file_is_refused():
    with pytest.raises(errors.ParseError, match="not an R data file"):
        iom.parse(b"t,m,type\n", file_name="mmp.csv")


def _synthetic(tmp_path, **changes) -> bytes:
    """A synthetic two-row MMP table written with pyreadr (labelled synthetic; not IOM's)."""
    import pyreadr

    frame = pd.DataFrame({
        "t": [dt.date(2016, 3, 2), dt.date(2016, 4, 9)], "m": [16861.0, 16892.0],
        "type": ["Incident", "Incident"], "route": ["Central Mediterranean Route"] * 2,
        "geo": ["LBY", "ITA"], "dead": [3.0, 1.0], "cause": ["Drowning"] * 2,
        "surv": [float("nan"), 2.0], "nat": ["UNK", "ERI,SDN"], "location": ["synthetic"] * 2,
        "lon": [13.0, 12.5], "lat": [33.0, 35.5]})
    for column, value in changes.items():
        frame[column] = value
    path = tmp_path / "synthetic.rda"
    pyreadr.write_rdata(str(path), frame, df_name="iom_mmp")
    return path.read_bytes()


def test_synthetic_file_parses_with_a_given_vintage(tmp_path):
    parsed = iom.parse(_synthetic(tmp_path), file_name="synthetic.rda",
                       vintage=dt.date(2020, 1, 1))
    assert parsed.frame["dead_and_missing"].tolist() == [3, 1]
    assert parsed.frame["origin_iso3"].tolist() == ["UNK", "ERI,SDN"]
    assert parsed.frame["month"].dt.strftime("%Y-%m").tolist() == ["2016-03", "2016-04"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"dead": [3.0, -1.0]}, "row 2: dead and missing is not a count"),
    ({"m": [16861.0, 16861.0]}, "row 2: month 'm' 2016-03-01 is not the month of 't'"),
    ({"type": ["Incident", "Accident"]}, "row 2: unknown incident type 'Accident'"),
    ({"geo": ["LBY", "Italy"]}, "row 2: country of incident is not an ISO-3 code"),
    ({"nat": ["UNK", "Eritrea"]}, "row 2: origin is not ISO-3 code"),
])
def test_bad_values_are_named_by_row(tmp_path, changes, message):
    with pytest.raises(errors.ParseError, match=message):
        iom.parse(_synthetic(tmp_path, **changes), file_name="synthetic.rda",
                  vintage=dt.date(2020, 1, 1))


def test_a_file_without_a_documented_vintage_needs_one(tmp_path):
    with pytest.raises(errors.ParseError, match="states no vintage"):
        iom.parse(_synthetic(tmp_path), file_name="synthetic.rda")


# ----------------------------------------------------------------------------- marts
@pytest.fixture(scope="module")
def con(built_warehouse):
    with warehouse.connect_readonly() as connection:
        yield connection


def test_monthly_mart_adds_up_to_the_sources_totals(con):
    for (route, year), expected in SOURCES_TOTALS.items():
        code = next(c for c, r in ROUTE_OF.items() if r == route)
        got = con.execute("SELECT sum(dead_and_missing) FROM missing_migrants_monthly "
                          "WHERE route_code = ? AND year(month) = ?", [code, year]).fetchone()[0]
        assert got == expected, (route, year)
    assert con.execute("SELECT DISTINCT route_code FROM missing_migrants_monthly "
                       "ORDER BY 1").fetchall() == [("CMR",), ("EMR",), ("WAR",), ("WMR",)]


@pytest.mark.parametrize("key", DETECTIONS)
def test_route_risk_ratio_computed_independently(con, csv_totals, key):
    code, year = key
    dead = csv_totals[ROUTE_OF[code], year]
    expected = dead / DETECTIONS[key] * 1000
    row = con.execute("SELECT dead_and_missing, detections, dead_and_missing_per_1000, "
                      "months_covered FROM route_risk_yearly WHERE route_code = ? AND year = ?",
                      [code, year]).fetchone()
    assert row[:2] == (dead, DETECTIONS[key])
    assert row[2] == pytest.approx(expected, rel=1e-12)
    assert row[3] == 12


def test_route_risk_pinned_ratios(con):
    got = dict(con.execute("SELECT route_code || year, round(dead_and_missing_per_1000, 2) "
                           "FROM route_risk_yearly").fetchall())
    assert got["CMR2016"] == 25.22  # 4,574 / 181,376
    assert got["EMR2015"] == 0.91   # 806 / 885,386
    assert got["WAR2024"] == 25.95  # 1,215 / 46,820


def test_route_risk_marks_the_partial_year(con):
    rows = con.execute("SELECT DISTINCT year, months_covered FROM route_risk_yearly "
                       "ORDER BY year").fetchall()
    assert rows[0] == (2014, 12)
    assert rows[-1] == (2025, 4)


# ----------------------------------------------------------------------------- fetch (offline)
def test_fetch_stores_the_file_with_its_documented_vintage(rs, raw_dir, rda_bytes):
    rs.get(iom.SOURCE_PAGE, body=rda_bytes, status=200)
    (snap,) = iom.fetch(raw_dir=raw_dir, sleep=lambda s: None)
    assert snap.meta["vintage"] == "2025-06-04"
    assert snap.meta["source_url"] == iom.SOURCE_PAGE
    assert snap.path.read_bytes() == rda_bytes


def test_fetch_of_new_bytes_takes_the_last_commit_date(rs, raw_dir, tmp_path):
    # A synthetic file (not IOM's bytes), so no vintage is documented for it; the commits
    # answer is a hand-made fixture in the GitHub API's shape.
    rs.get(iom.SOURCE_PAGE, body=_synthetic(tmp_path), status=200)
    rs.get(iom.COMMITS_URL, json=[{"sha": "0" * 40, "commit": {
        "committer": {"date": "2025-09-01T10:00:00Z"}}}], status=200)
    (snap,) = iom.fetch(raw_dir=raw_dir, sleep=lambda s: None)
    assert snap.meta["vintage"] == "2025-09-01"
    parsed = iom.parse(snap.path.read_bytes(), file_name="iom_mmp.rda",
                       vintage=dt.date(2025, 9, 1))
    assert parsed.vintage_basis == iom.GIVEN_BASIS


def test_fetch_refuses_an_html_page(rs, raw_dir):
    rs.get(iom.SOURCE_PAGE, body=b"<!DOCTYPE html><html>rate limited</html>", status=200)
    with pytest.raises(Exception, match="not the MMP R data file"):
        iom.fetch(raw_dir=raw_dir, sleep=lambda s: None)
    assert not any(raw_dir.rglob("*.rda"))
