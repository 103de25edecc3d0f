"""Parser tests on the two real Frontex workbooks in ../shared/data/frontex.

Expected figures come from the publisher file itself, summed independently with openpyxl
(documented in ../shared/data/frontex/SOURCES.md, section 4), not from our parser.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.sources import frontex

TOTALS_2025 = {
    2009: 104_503, 2010: 103_991, 2011: 140_989, 2012: 72_382, 2013: 107_339,
    2014: 282_873, 2015: 1_822_102, 2016: 511_047, 2017: 204_654, 2018: 149_036,
    2019: 141_741, 2020: 126_310, 2021: 202_119, 2022: 326_217, 2023: 381_319,
    2024: 240_021, 2025: 50_226,
}
TOTALS_2018 = {
    2009: 104_599, 2010: 104_060, 2011: 141_051, 2012: 72_437, 2013: 107_365,
    2014: 282_933, 2015: 1_822_177, 2016: 511_047, 2017: 204_654, 2018: 46_677,
}
ROUTES_2025 = {  # route code: (2015, 2016, 2023, 2024)
    "BSR": (0, 1, 41, 0), "CMR": (153_946, 181_376, 158_026, 66_855),
    "CAG": (8_932, 5_121, 651, 548), "EBR": (1_920, 1_349, 5_748, 17_260),
    "EMR": (885_386, 182_277, 61_296, 69_954), "OTH": (7, 1, 5, 2),
    "WAR": (874, 671, 39_673, 46_820), "WBR": (764_033, 130_261, 99_002, 21_525),
    "WMR": (7_004, 9_990, 16_877, 17_057),
}
ROUTES_2018 = {  # route code: (2015, 2016)
    "BSR": (68, 1), "CMR": (153_946, 181_376), "CAG": (8_932, 5_121), "EBR": (1_927, 1_349),
    "EMR": (885_386, 182_277), "OTH": (2, 1), "WAR": (874, 671), "WBR": (764_038, 130_261),
    "WMR": (7_004, 9_990),
}


@pytest.fixture(scope="module")
def p2025(ibc_2025_bytes):
    return frontex.parse(ibc_2025_bytes, file_name="ibc.xlsx")


@pytest.fixture(scope="module")
def p2018(ibc_2018_bytes):
    return frontex.parse(ibc_2018_bytes, file_name="Detections_of_IBC_2018_07_06.xlsx")


def yearly(frame: pd.DataFrame, by=()) -> pd.Series:
    return frame.groupby([*by, frame["month"].dt.year])["detections"].sum()


def test_2025_shape_and_vintage(p2025):
    assert p2025.vintage == dt.date(2025, 6, 3)
    assert (p2025.rows, p2025.months) == (885, 196)
    assert len(p2025.frame) == 885 * 196
    assert p2025.frame["month"].min() == pd.Timestamp("2009-01-01")
    assert p2025.frame["month"].max() == pd.Timestamp("2025-04-01")
    assert p2025.frame["nationality_label"].nunique() == 161


def test_2018_shape_and_vintage(p2018):
    assert p2018.vintage == dt.date(2018, 7, 6)
    assert (p2018.rows, p2018.months) == (745, 113)
    assert p2018.frame["month"].max() == pd.Timestamp("2018-05-01")
    assert p2018.frame["nationality_label"].nunique() == 146


def test_2025_yearly_totals(p2025):
    assert yearly(p2025.frame).to_dict() == TOTALS_2025
    assert p2025.frame["detections"].sum() == 4_966_869
    apr = p2025.frame[p2025.frame["month"] == pd.Timestamp("2025-04-01")]
    assert apr["detections"].sum() == 15_133


def test_2018_yearly_totals(p2018):
    assert yearly(p2018.frame).to_dict() == TOTALS_2018
    assert p2018.frame["detections"].sum() == 3_397_000


@pytest.mark.parametrize("code", sorted(ROUTES_2025))
def test_2025_route_totals(p2025, code):
    by_route = yearly(p2025.frame, by=["route_code"])
    assert tuple(by_route.loc[code].reindex([2015, 2016, 2023, 2024]).tolist()) == ROUTES_2025[code]


@pytest.mark.parametrize("code", sorted(ROUTES_2018))
def test_2018_route_totals(p2018, code):
    by_route = yearly(p2018.frame, by=["route_code"])
    assert tuple(by_route.loc[code].reindex([2015, 2016]).tolist()) == ROUTES_2018[code]


def test_route_renames_map_to_one_canonical_list(p2025, p2018):
    pairs = pd.concat([p2025.frame, p2018.frame])[["route_label", "route_code", "route"]]
    mapping = pairs.drop_duplicates().set_index("route_label")["route_code"].to_dict()
    assert mapping["Eastern Land Borders"] == mapping["Eastern Borders Route"] == "EBR"
    assert mapping["Western Balkans"] == mapping["Western Balkan Route"] == "WBR"
    assert mapping["Black Sea"] == mapping["Black Sea Route"] == "BSR"
    assert mapping["Circular Route from Albania to Greece"] == "CAG"
    # Both vintages end up with the same nine codes and one canonical name per code.
    assert set(p2025.frame["route_code"]) == set(p2018.frame["route_code"]) == set(ROUTES_2025)
    assert pairs.groupby("route_code")["route"].nunique().max() == 1


def test_route_row_counts_as_in_the_file(p2025):
    rows = p2025.frame.drop_duplicates("source_row").groupby("route_label").size().to_dict()
    assert rows == {
        "Central Mediterranean Route": 100, "Eastern Borders Route": 102,
        "Eastern Mediterranean Route": 243, "Western Balkan Route": 138,
        "Western African Route": 60, "Western Mediterranean Route": 128,
        "Circular Route from Albania to Greece": 73, "Black Sea Route": 18, "Other": 23,
    }


def test_nationality_labels_and_codes(p2025, p2018):
    both = pd.concat([p2025.frame, p2018.frame])
    codes = both.drop_duplicates("nationality_label").set_index("nationality_label")["nationality_iso3"]
    assert codes["Kosovo*"] == codes["Kosovo"] == "XKX"
    assert codes["Palestine^"] == codes["Palestine"] == "PSE"
    assert codes["Türkiye"] == codes["Turkey"] == "TUR"
    assert codes["the former Yugoslav Republic of Macedonia"] == codes["North Macedonia"] == "MKD"
    assert codes["Congo (Kinshasa)"] == codes["Congo (D.R.)"] == "COD"
    assert codes["Congo (Brazzaville)"] == codes["Congo"] == "COG"
    # Non-country labels keep distinct, explicit codes.
    assert {codes[x] for x in ["Unknown", "Stateless", "Third-country", "Not specified",
                               "Other and stateless", "Unspecified sub-Saharan nationals"]} == {
        "XXX", "XXA", "XTC", "XNS", "XOS", "XSS"}


def test_matches_iom_cleaned_copy_cell_by_cell(p2025, shared_data):
    """IOM's gdidata table (converted from frontex.rda) holds the non-zero cells of the
    same June 2025 workbook; it merges Third-country into Unknown (OOO)."""
    iom = pd.read_csv(shared_data / "frontex" / "frontex_rda.csv", parse_dates=["t"])
    ours = p2025.frame.copy()
    ours["nat"] = ours["nationality_iso3"].replace(
        {"XXX": "OOO", "XTC": "OOO", "XSS": "OOS", "XXA": "STL"})
    ours = ours.groupby(["route", "border_type", "nat", "month"])["detections"].sum()
    ours = ours[ours > 0]
    theirs = iom.set_index(["route", "type", "nat", "t"])["n"]
    theirs.index.names = ours.index.names
    assert len(theirs) == 34_273
    assert ours.sort_index().to_dict() == theirs.sort_index().astype("int64").to_dict()


def test_provenance_columns(p2025, ibc_2025_bytes):
    import hashlib

    f = p2025.frame
    assert set(f["vintage"]) == {pd.Timestamp("2025-06-03")}
    assert set(f["snapshot_sha256"]) == {hashlib.sha256(ibc_2025_bytes).hexdigest()}
    assert set(f["source_file"]) == {"ibc.xlsx"}
    first = f[f["source_row"] == 2].iloc[0]
    assert (first["route_label"], first["border_type"]) == ("Central Mediterranean Route", "Sea")
