"""Plausibility at parse time: counts whole, ≥ 0, below the ceiling; months in order."""
from __future__ import annotations

import datetime as dt

import pytest

from etl import errors, pipeline, plausible, staging
from etl.sources import eurostat, frontex
from inputs import EIRFS, IBC_2018, NATIONALITY, ROUTE, gdidata_rda, ibc_workbook, run_etl


def parse_ibc(content: bytes):
    return frontex.parse(content, file_name="synthetic_ibc.xlsx")


def test_a_good_synthetic_workbook_parses():
    parsed = parse_ibc(ibc_workbook())
    assert parsed.frame["detections"].tolist() == [1, 2, 3]


def test_frontex_cell_of_1e300_is_refused():
    """Broke #1: 1e300 became detections = −9,223,372,036,854,775,808."""
    content = ibc_workbook(rows=[[ROUTE, "Sea", NATIONALITY, 1, 1e300, 3]])
    with pytest.raises(errors.ParseError) as caught:
        parse_ibc(content)
    assert str(caught.value) == ("synthetic_ibc.xlsx: row 2, column FEB2016: above the ceiling "
                                 "of 10,000,000,000 for one cell: 1e+300")


def test_frontex_1e300_through_import_stages_nothing(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "synthetic_ibc.xlsx").write_bytes(
        ibc_workbook(rows=[[ROUTE, "Sea", NATIONALITY, 1, 1e300, 3]]))
    result = run_etl(["import", str(folder), "--no-build"], tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert "above the ceiling" in result.stderr and "Traceback" not in result.stderr
    assert not list((tmp_path / "data").rglob("*.parquet"))


@pytest.mark.parametrize("months, problem", [
    (("FEB2016", "JAN2016", "MAR2016"), "column 'JAN2016': month columns out of calendar order "
                                        "(after 'FEB2016')"),
    (("JAN2016", "MAR2016", "APR2016"), "column 'MAR2016': month columns a gap: Feb 2016 is "
                                        "missing (after 'JAN2016')"),
])
def test_frontex_month_headers_swapped_or_missing(months, problem):
    """Degraded: swapped months were accepted with the values swapped; a missing one too."""
    with pytest.raises(errors.ParseError) as caught:
        parse_ibc(ibc_workbook(months=months))
    assert str(caught.value) == f"synthetic_ibc.xlsx: row 1, {problem}"


def test_real_workbooks_pass_the_month_checks(shared_data):
    parsed = frontex.parse(IBC_2018.read_bytes(), file_name=IBC_2018.name)
    assert parsed.facts["months"] == 113  # Jan 2009 – May 2018, one column each
    assert parsed.frame["month"].nunique() == 113


@pytest.mark.parametrize("value", ["12.5", "1.234"])
def test_fractional_persons_in_sdmx_csv_are_refused(tmp_path, value, shared_data):
    """Degraded: 12.5 and 1.234 'persons' were accepted from SDMX-CSV."""
    lines = EIRFS.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    v = header.index("OBS_VALUE")
    cells = lines[5].split(",")
    cells[v] = value
    lines[5] = ",".join(cells)
    path = tmp_path / "synthetic_eirfs_altered.csv"  # a real file with one value altered
    path.write_text("".join(lines), encoding="utf-8")
    snap = pipeline.import_file(eurostat, path, raw_dir=tmp_path / "raw",
                                vintage=dt.date(2025, 3, 31))
    with pytest.raises(errors.ParseError) as caught:
        pipeline.stage(eurostat, snap, staging_dir=tmp_path / "stg")
    assert str(caught.value).startswith(f"synthetic_eirfs_altered.csv: row 6, column value")
    assert str(caught.value).endswith(f": not a whole number: {float(value)!r}")
    assert not (tmp_path / "stg").exists()


def test_fractional_persons_in_an_rda_are_refused(tmp_path):
    path = tmp_path / "synthetic_gdidata_eu_asyapp.rda"
    content = gdidata_rda(path, [10.0, 12.5, 3.0])
    snap = pipeline.import_file(eurostat, path, raw_dir=tmp_path / "raw",
                                vintage=dt.date(2025, 5, 26))
    with pytest.raises(errors.ParseError) as caught:
        pipeline.stage(eurostat, snap, staging_dir=tmp_path / "stg")
    assert "row 2, column value" in str(caught.value)
    assert str(caught.value).endswith("not a whole number: 12.5")
    assert content  # written


def test_cbs_thousands_may_have_decimals_but_persons_not():
    """The CBS rule: persons whole; 'x 1000' and balances (saldo) as published."""
    import pandas as pd

    from etl.sources import cbs

    rule = cbs.COUNTS[cbs.DATASET]
    frame = pd.DataFrame({"unit": ["x 1000", "aantal", "aantal"],
                          "measure": ["A", "Migratiesaldo_2", "Immigratie_1"],
                          "value": [1.5, -20.0, 1.234], "source_row": [1, 2, 3]})
    with pytest.raises(errors.ParseError) as caught:
        plausible.check_frame(frame, rule, file_name="synthetic_cbs.csv")
    assert str(caught.value) == ("synthetic_cbs.csv: row 3, column value: not a whole number: "
                                 "1.234")


def test_every_committed_staging_file_passes_the_checks():
    """The checks hold for the real data: none of the committed staging files is refused."""
    import pandas as pd

    from etl.sources import cbs

    rules = {**frontex.COUNTS, **eurostat.COUNTS, **cbs.COUNTS}
    checked = 0
    for f in staging.files():
        if f.parent.name in rules:
            plausible.check_frame(pd.read_parquet(f), rules[f.parent.name], file_name=f.name)
            checked += 1
    assert checked == 19
