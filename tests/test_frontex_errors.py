"""``frontex.parse`` on small synthetic workbooks: error messages and layout variants.

Every workbook here is synthetic: built with openpyxl in the test's tmp folder, with made-up
counts. None of them is a Frontex file. Only the truncation test uses real publisher bytes
(../shared/data/frontex/ibc.xlsx, through the ``ibc_2025_bytes`` fixture).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from etl import http
from etl.sources import frontex

HEADER_2025 = ("Route", "Border type or inland", "Nationality", "JAN2009", "FEB2009")
HEADER_2018 = ("Route", "BorderLocation", "NationalityLong",
               dt.datetime(2009, 1, 1), dt.datetime(2009, 2, 1))
NOTES_2025 = "Source: FRAN data as of 03JUN25"
NOTES_2018 = "Source: Frontex data as of 06 July 2018."

# Three valid data rows (Excel rows 2-4 when the header is on row 1).
GOOD_ROWS = [
    ("Central Mediterranean Route", "Sea", "Tunisia", 5, 7),
    ("Western Balkan Route", "Land", "Kosovo*", 1, 0),
    ("Eastern Mediterranean Route", "Sea", "Palestine^", 0, 2),
]


def build_workbook(tmp_path: Path, rows, *, header=HEADER_2025, above=(),
                   notes: str | None = NOTES_2025, name: str = "synthetic.xlsx") -> bytes:
    """Save a synthetic IBC workbook: optional rows above the header, header, data, Notes."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = frontex.DATA_SHEET
    for row in above:
        ws.append(list(row))
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    if notes is not None:
        wb.create_sheet(frontex.NOTES_SHEET).append([notes])
    path = tmp_path / name
    wb.save(path)
    return path.read_bytes()


def parse_error(content: bytes, file_name: str) -> str:
    with pytest.raises(frontex.ParseError) as caught:
        frontex.parse(content, file_name=file_name)
    return str(caught.value)


# ----------------------------------------------------------------------------- errors
def test_unknown_route_label(tmp_path):
    """Synthetic workbook whose 4th data row (Excel row 5) has a made-up route."""
    content = build_workbook(tmp_path, GOOD_ROWS + [("Atlantis Route", "Sea", "Tunisia", 1, 1)])
    message = parse_error(content, "bad_route.xlsx")
    assert message.startswith("bad_route.xlsx: row 5: unknown route label 'Atlantis Route'")
    assert "etl/reference/routes.csv" in message


def test_unknown_nationality_label(tmp_path):
    """Synthetic workbook whose Excel row 5 has a made-up nationality."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Narnia", 1, 1)])
    message = parse_error(content, "bad_nationality.xlsx")
    assert message.startswith("bad_nationality.xlsx: row 5: unknown nationality label 'Narnia'")
    assert "etl/reference/countries.csv" in message


def test_duplicate_key(tmp_path):
    """Synthetic workbook repeating (CMR, Sea, Tunisia) of Excel row 2 on Excel row 5."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Tunisia", 1, 1)])
    message = parse_error(content, "duplicate.xlsx")
    assert message == ("duplicate.xlsx: rows 2 and 5: duplicate key "
                       "('Central Mediterranean Route', 'Sea', 'Tunisia')")


def test_negative_count(tmp_path):
    """Synthetic workbook with -3 detections in FEB2009 on Excel row 5."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Syria", 1, -3)])
    message = parse_error(content, "negative.xlsx")
    assert message == "negative.xlsx: row 5, column FEB2009: negative count: -3"


def test_non_integer_count(tmp_path):
    """Synthetic workbook with 1.5 detections in JAN2009 on Excel row 5."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Syria", 1.5, 3)])
    message = parse_error(content, "fraction.xlsx")
    assert message == "fraction.xlsx: row 5, column JAN2009: not a whole number: 1.5"


def test_text_in_count_cell(tmp_path):
    """Synthetic workbook with the text 'approx. 4' in JAN2009 on Excel row 5."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Syria", "approx. 4", 3)])
    message = parse_error(content, "text.xlsx")
    assert message == "text.xlsx: row 5, column JAN2009: not a count: 'approx. 4'"


def test_na_like_text_in_count_cell_is_named(tmp_path):
    """Synthetic workbook with the text 'n/a' in JAN2009 on Excel row 5."""
    content = build_workbook(
        tmp_path, GOOD_ROWS + [("Central Mediterranean Route", "Sea", "Syria", "n/a", 3)])
    message = parse_error(content, "na_text.xlsx")
    assert message == "na_text.xlsx: row 5, column JAN2009: not a count: 'n/a'"


def test_error_row_numbers_count_blank_rows(tmp_path):
    """Synthetic workbook with a blank row (Excel row 3) inside the data: the bad value on
    Excel row 4 is reported as row 4, not as the 2nd data row."""
    content = build_workbook(tmp_path, [GOOD_ROWS[0], (), ("Other", "Land", "Syria", 1, -2)])
    message = parse_error(content, "gap.xlsx")
    assert message == "gap.xlsx: row 4, column FEB2009: negative count: -2"


def test_truncated_real_workbook(ibc_2025_bytes):
    """Half of the real June 2025 workbook: check_xlsx rejects it with a FetchError, and
    parse with a known vintage (as ``stage`` calls it) raises ParseError naming the file."""
    half = ibc_2025_bytes[: len(ibc_2025_bytes) // 2]
    with pytest.raises(http.FetchError) as caught:
        frontex.check_xlsx(half, "ibc_half.xlsx")
    assert caught.value.url == "ibc_half.xlsx"
    assert caught.value.problem.startswith(f"truncated or damaged xlsx ({len(half)} bytes)")

    with pytest.raises(frontex.ParseError) as caught:
        frontex.parse(half, file_name="ibc_half.xlsx", vintage=dt.date(2025, 6, 3))
    assert str(caught.value).startswith("ibc_half.xlsx: cannot read the workbook")


def test_truncated_real_workbook_without_vintage(ibc_2025_bytes):
    half = ibc_2025_bytes[: len(ibc_2025_bytes) // 2]
    with pytest.raises(frontex.ParseError, match=r"^ibc_half\.xlsx: "):
        frontex.parse(half, file_name="ibc_half.xlsx")


# ----------------------------------------------------------------------------- layouts
@pytest.mark.parametrize("above", [
    pytest.param([()], id="blank-row"),
    pytest.param([("Monthly detections of IBC (broken formula)", None, None, "#REF!")],
                 id="junk-row"),
])
def test_header_on_excel_row_2(tmp_path, above):
    """Synthetic workbook with one blank or junk row above the header (as reported for
    newer vintages): the header is found on row 2 and data rows keep their Excel numbers."""
    parsed = frontex.parse(build_workbook(tmp_path, GOOD_ROWS, above=above),
                           file_name="synthetic.xlsx")
    assert (parsed.rows, parsed.months) == (3, 2)
    rows = parsed.frame.drop_duplicates("source_row").set_index("source_row")
    assert rows["nationality_label"].to_dict() == {3: "Tunisia", 4: "Kosovo*", 5: "Palestine^"}
    assert parsed.frame["detections"].tolist() == [5, 7, 1, 0, 0, 2]


def test_month_headers_as_dates_and_as_text_agree(tmp_path):
    """Two synthetic workbooks with the same counts: 2018 layout (date-cell month headers,
    BorderLocation/NationalityLong, old route names) and 2025 layout (JAN2009 text)."""
    old = build_workbook(tmp_path, [("Central Mediterranean", "Sea", "Tunisia", 5, 7),
                                    ("Western Balkans", "Land", "Kosovo", 1, 0)],
                         header=HEADER_2018, notes=NOTES_2018, name="synthetic_2018.xlsx")
    new = build_workbook(tmp_path, [("Central Mediterranean Route", "Sea", "Tunisia", 5, 7),
                                    ("Western Balkan Route", "Land", "Kosovo*", 1, 0)],
                         name="synthetic_2025.xlsx")
    p_old = frontex.parse(old, file_name="synthetic_2018.xlsx")
    p_new = frontex.parse(new, file_name="synthetic_2025.xlsx")

    expected_months = [pd.Timestamp("2009-01-01"), pd.Timestamp("2009-02-01")] * 2
    assert p_old.frame["month"].tolist() == p_new.frame["month"].tolist() == expected_months
    cols = ["route_code", "border_type", "nationality_iso3", "month", "detections"]
    pd.testing.assert_frame_equal(p_old.frame[cols], p_new.frame[cols])
    assert p_new.frame["route_code"].tolist() == ["CMR", "CMR", "WBR", "WBR"]


def test_footnote_markers_are_stripped(tmp_path):
    """Synthetic workbook with `Kosovo*` and `Palestine^`: labels kept, codes XKX and PSE."""
    parsed = frontex.parse(build_workbook(tmp_path, GOOD_ROWS), file_name="synthetic.xlsx")
    nat = parsed.frame.drop_duplicates("nationality_label").set_index("nationality_label")
    assert nat.loc["Kosovo*", ["nationality_iso3", "nationality"]].tolist() == ["XKX", "Kosovo"]
    assert nat.loc["Palestine^", ["nationality_iso3", "nationality"]].tolist() == [
        "PSE", "Palestine"]


@pytest.mark.parametrize(("notes", "vintage"), [
    (NOTES_2025, dt.date(2025, 6, 3)),
    (NOTES_2018, dt.date(2018, 7, 6)),
])
def test_vintage_from_notes_sheet(tmp_path, notes, vintage):
    """Synthetic workbook whose Notes sheet carries the 'data as of' line; the date in the
    file name (2020_01_01) is ignored when the Notes sheet has one."""
    content = build_workbook(tmp_path, GOOD_ROWS, notes=notes)
    assert frontex.read_vintage(content, "synthetic.xlsx") == vintage
    parsed = frontex.parse(content, file_name="Monthly_detections_of_IBC_2020_01_01.xlsx")
    assert parsed.vintage == vintage
    assert set(parsed.frame["vintage"]) == {pd.Timestamp(vintage)}


def test_vintage_falls_back_to_file_name(tmp_path):
    """Synthetic workbook without a Notes sheet: the date in the file name is the vintage."""
    content = build_workbook(tmp_path, GOOD_ROWS, notes=None)
    parsed = frontex.parse(content, file_name="Monthly_detections_of_IBC_2025_06_03.xlsx")
    assert parsed.vintage == dt.date(2025, 6, 3)
    with pytest.raises(frontex.ParseError, match=r"^synthetic\.xlsx: no 'data as of' date"):
        frontex.parse(content, file_name="synthetic.xlsx")
