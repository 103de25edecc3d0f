"""World Bank WDI files → the tidy staging rows: the bulk-download CSV, one API v2 JSON
page, IOM's WDI extract (``.rda``). See the package doc for the three kinds."""
from __future__ import annotations

import datetime as dt
import json
import math
import re
from functools import cache

import numpy as np
import pandas as pd

from core import paths
from etl import errors, pipeline, vintages
from etl.formats import rfiles, text

ParseError = errors.ParseError

PAID, RECEIVED, RECEIVED_PCT_GDP, GDP = (
    "BM.TRF.PWKR.CD.DT", "BX.TRF.PWKR.CD.DT", "BX.TRF.PWKR.DT.GD.ZS", "NY.GDP.MKTP.CD")
INDICATORS = {
    PAID: "Personal remittances, paid (current US$)",
    RECEIVED: "Personal remittances, received (current US$)",
    RECEIVED_PCT_GDP: "Personal remittances, received (% of GDP)",
    GDP: "GDP (current US$)",
}
# IOM gdidata ``wdi`` variables (package docs, R/wdi.R): the staged ones → World Bank code.
GDIDATA_VARS = {"remin": RECEIVED, "remout": PAID, "gdp": GDP}
GDIDATA_OTHER_VARS = {"birth", "depend", "fdiin", "fdiout", "income", "inf", "nmig", "polstb",
                      "pop", "unem"}
GDIDATA_COLUMNS = ["geo", "var", "t", "v"]
BULK_ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
BULK_SOURCE_LINE = ["Data Source", "World Development Indicators"]
CODE_RE = re.compile(r"^[A-Z0-9]{3}$")
YEAR_RE = re.compile(r"^\d{4}$")
NUMBER_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
STAGING_COLUMNS = [
    "country_iso3", "country_name", "is_aggregate", "indicator", "year", "value", "flag",
    "vintage", "source_file", "snapshot_sha256", "source_row",
]


@cache
@cache
def aggregates() -> pd.DataFrame:
    """World Bank aggregate codes (regions, income groups, …): iso3, name, group_type."""
    return pd.read_csv(paths.REFERENCE_DIR / "worldbank_aggregates.csv", dtype=str,
                       keep_default_na=False)


def iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def api_message(data) -> str | None:
    """The text of an API error answer ``[{"message": [{"id", "key", "value"}]}]``."""
    if (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)
            and "message" in data[0]):
        parts = data[0]["message"] if isinstance(data[0]["message"], list) else [data[0]["message"]]
        return "; ".join(
            f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}".strip()
            if isinstance(m, dict) else str(m) for m in parts)
    return None


def _frame(records: dict, *, vintage: dt.date, file_name: str, sha256: str) -> pd.DataFrame:
    codes = pd.Series(records["country_iso3"], dtype="string")
    names = pd.Series(records["country_name"], dtype="string")
    flags = pd.Series(records.get("flag", [None] * len(codes)), dtype="string")
    frame = pd.DataFrame({
        "country_iso3": codes,
        "country_name": names,
        "is_aggregate": codes.isin(set(aggregates()["iso3"])).astype(bool),
        "indicator": pd.Series(records["indicator"], dtype="string"),
        "year": np.asarray(records["year"], dtype="int32"),
        "value": np.asarray(records["value"], dtype="float64"),
        "flag": flags,
        "vintage": np.datetime64(vintage, "D"),
        "source_file": pd.Series([file_name] * len(codes), dtype="string"),
        "snapshot_sha256": pd.Series([sha256] * len(codes), dtype="string"),
        "source_row": np.asarray(records["source_row"], dtype="int32"),
    })
    return frame[STAGING_COLUMNS]


def _add(out: dict[str, list], **values) -> None:
    for key, value in values.items():
        out[key].append(value)


def _parsed(out: dict, kind: str, file_name: str, sha256: str, given: dt.date | None,
            stated: vintages.Vintage) -> pipeline.Parsed:
    found = vintages.resolve(file_name, sha256=sha256, given=given, stated=stated)
    return pipeline.Parsed(_frame(out, vintage=found.date, file_name=file_name, sha256=sha256),
                           found.date, found.basis, kind)


def _check_value(value: float, indicator: str, where: str) -> None:
    if not math.isfinite(value):
        raise ParseError(f"{where}: not a finite number: {value!r}")
    if value < 0:
        raise ParseError(f"{where}: negative value {value!r} ({INDICATORS[indicator]} "
                         "cannot be negative)")


def _bulk_rows(content: bytes, file_name: str) -> list[tuple[int, list[str]]]:
    """The bulk CSV's records with their line numbers."""
    return text.csv_rows(text.decode(content, file_name))


def _bulk_vintage(rows: list[tuple[int, list[str]]], file_name: str) -> dt.date:
    first = rows[0][1] if rows else []
    if first[:2] != BULK_SOURCE_LINE:
        raise ParseError(f"{file_name}: line 1: expected {BULK_SOURCE_LINE}, got {first[:2]!r}")
    third = rows[2][1] if len(rows) > 2 else []
    if len(third) < 2 or third[0] != "Last Updated Date":
        raise ParseError(f"{file_name}: line 3: no \"Last Updated Date\" line (got {third!r})")
    if (found := iso_date(third[1])) is None:
        raise ParseError(f"{file_name}: line 3: \"Last Updated Date\" is not a date: "
                         f"{third[1]!r}")
    return found


def read_bulk_vintage(content: bytes, file_name: str = "") -> dt.date:
    """The bulk CSV's ``"Last Updated Date"`` (line 3)."""
    return _bulk_vintage(_bulk_rows(content, file_name), file_name)


def parse_bulk_csv(content: bytes, *, file_name: str, sha256: str,
                   vintage: dt.date | None = None) -> pipeline.Parsed:
    """A World Bank bulk-download CSV (wide by year) → long staging rows."""
    rows = _bulk_rows(content, file_name)
    file_vintage = _bulk_vintage(rows, file_name)
    for n in (1, 3):
        if len(rows) > n and rows[n][1] and any(cell.strip() for cell in rows[n][1]):
            raise ParseError(f"{file_name}: line {rows[n][0]}: expected a blank line, "
                             f"got {rows[n][1]!r}")
    if len(rows) < 5:
        raise ParseError(f"{file_name}: no header line (line 5)")
    header_line, header = rows[4]
    if header[:4] != BULK_ID_COLUMNS:
        raise ParseError(f"{file_name}: line {header_line}: unexpected header {header[:4]!r} "
                         f"(expected {BULK_ID_COLUMNS!r})")
    trailing = header[-1] == ""
    year_cells = header[4:-1] if trailing else header[4:]
    for cell in year_cells:
        if not YEAR_RE.match(cell):
            raise ParseError(f"{file_name}: line {header_line}: unexpected column header "
                             f"{cell!r} (expected a year)")
    years = [int(c) for c in year_cells]
    if not years:
        raise ParseError(f"{file_name}: line {header_line}: no year columns")
    if years != list(range(years[0], years[0] + len(years))):
        raise ParseError(f"{file_name}: line {header_line}: year columns not consecutive "
                         f"({years[0]}…{years[-1]}, {len(years)} columns)")

    out: dict[str, list] = {k: [] for k in (
        "country_iso3", "country_name", "indicator", "year", "value", "source_row")}
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows[5:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise ParseError(f"{file_name}: line {line}: {len(row)} fields, the header has "
                             f"{len(header)}")
        if trailing and row[-1] != "":
            raise ParseError(f"{file_name}: line {line}: unexpected value {row[-1]!r} after "
                             "the last year column")
        name, code, _, indicator = (c.strip() for c in row[:4])
        if not CODE_RE.match(code):
            raise ParseError(f"{file_name}: line {line}: unknown country code {code!r}")
        if indicator not in INDICATORS:
            raise ParseError(f"{file_name}: line {line}: unknown indicator code {indicator!r} "
                             f"(known: {', '.join(INDICATORS)})")
        if (code, indicator) in seen:
            raise ParseError(f"{file_name}: lines {seen[code, indicator]} and {line}: duplicate "
                             f"key ({code!r}, {indicator!r})")
        seen[code, indicator] = line
        for year, cell in zip(years, row[4:4 + len(years)]):
            cell = cell.strip()
            if cell == "":
                value = math.nan
            elif NUMBER_RE.match(cell):
                value = float(cell)
                _check_value(value, indicator, f"{file_name}: line {line}, {code} {year}")
            else:
                raise ParseError(f"{file_name}: line {line}, column {year}: not a number: "
                                 f"{cell!r}")
            _add(out, country_iso3=code, country_name=name, indicator=indicator, year=year,
                 value=value, source_row=line)
    if not seen:
        raise ParseError(f"{file_name}: no data lines after the header")
    return _parsed(out, "bulk_csv", file_name, sha256, vintage, vintages.Vintage(
        file_vintage, f"the file's \"Last Updated Date\" ({file_vintage})"))


def parse_api_json(content: bytes, *, file_name: str, sha256: str,
                   vintage: dt.date | None = None) -> pipeline.Parsed:
    """One World Bank API v2 JSON page ``[page info, rows]`` → long staging rows."""
    try:
        data = json.loads(text.decode(content, file_name))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{file_name}: not JSON: {exc}") from exc
    if (message := api_message(data)) is not None:
        raise ParseError(f"{file_name}: a World Bank API error answer, not data: {message}")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)
            and isinstance(data[1], list)):
        raise ParseError(f"{file_name}: unexpected JSON: expected [page info, rows]")
    info, rows = data
    if not rows:
        raise ParseError(f"{file_name}: no data rows")
    if (stated := iso_date(info.get("lastupdated"))) is None:
        raise ParseError(f"{file_name}: page info 'lastupdated' is not a date: "
                         f"{info.get('lastupdated')!r}")
    names = dict(zip(aggregates()["name"], aggregates()["iso3"]))
    out: dict[str, list] = {k: [] for k in (
        "country_iso3", "country_name", "indicator", "year", "value", "flag", "source_row")}
    seen: dict[tuple[str, str, int], int] = {}
    for i, row in enumerate(rows, 1):
        where = f"{file_name}: row {i}"
        if not isinstance(row, dict):
            raise ParseError(f"{where}: expected an object, got {row!r}")
        indicator = (row.get("indicator") or {}).get("id")
        if indicator not in INDICATORS:
            raise ParseError(f"{where}: unknown indicator code {indicator!r}")
        name = (row.get("country") or {}).get("value")
        code = (row.get("countryiso3code") or "").strip() or names.get(name, "")
        if not CODE_RE.match(code):
            raise ParseError(f"{where}: unknown country code {row.get('countryiso3code')!r} "
                             f"(country {name!r})")
        year_text = str(row.get("date", ""))
        if not YEAR_RE.match(year_text):
            raise ParseError(f"{where}: 'date' is not a year: {row.get('date')!r}")
        year = int(year_text)
        if (code, indicator, year) in seen:
            raise ParseError(f"{file_name}: rows {seen[code, indicator, year]} and {i}: "
                             f"duplicate key ({code!r}, {indicator!r}, {year})")
        seen[code, indicator, year] = i
        raw = row.get("value")
        if raw is None:
            value = math.nan
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = float(raw)
            _check_value(value, indicator, f"{where}, {code} {year}")
        else:
            raise ParseError(f"{where}, {code} {year}: not a number: {raw!r}")
        _add(out, country_iso3=code, country_name=name, indicator=indicator, year=year,
             value=value, flag=row.get("obs_status") or None, source_row=i)
    return _parsed(out, "api_json", file_name, sha256, vintage, vintages.Vintage(
        stated, f"the API page info's 'lastupdated' ({stated})"))


def parse_rda(content: bytes, *, file_name: str, sha256: str,
              vintage: dt.date | None = None) -> pipeline.Parsed:
    """IOM's WDI extract (``geo, var, t, v``) → long staging rows (remittances and GDP)."""
    found = vintages.resolve(file_name, sha256=sha256, given=vintage)
    table = rfiles.read_table(content, file_name, GDIDATA_COLUMNS, numbers=("t", "v"))
    rows = np.arange(1, len(table) + 1)  # R's row numbers

    def fail_at(mask: np.ndarray, problem) -> None:
        if mask.any():
            i = int(np.flatnonzero(mask)[0])
            raise ParseError(f"{file_name}: row {rows[i]}: {problem(i)}")

    geo = table["geo"].astype("string")
    var = table["var"].astype("string")
    fail_at(geo.isna().to_numpy() | ~geo.fillna("").str.match(CODE_RE.pattern).to_numpy(),
            lambda i: f"unknown country code {table['geo'].iat[i]!r}")
    known = set(GDIDATA_VARS) | GDIDATA_OTHER_VARS
    fail_at(~var.isin(known).fillna(False).to_numpy(dtype=bool),
            lambda i: f"unknown variable {table['var'].iat[i]!r} (known: {sorted(known)})")
    years = pd.to_numeric(table["t"], errors="coerce")
    fail_at(years.isna().to_numpy() | (years.fillna(0) % 1 != 0).to_numpy(),
            lambda i: f"year 't' is not a whole number: {table['t'].iat[i]!r}")
    if pd.api.types.is_numeric_dtype(table["v"]) and not pd.api.types.is_bool_dtype(table["v"]):
        values = table["v"].astype("float64")
    else:
        values = pd.to_numeric(table["v"], errors="coerce")
        fail_at((values.isna() & table["v"].notna()).to_numpy(),
                lambda i: f"value 'v' is not a number: {table['v'].iat[i]!r}")
    keep = var.isin(set(GDIDATA_VARS)).to_numpy(dtype=bool)
    v = values.to_numpy(dtype="float64")
    fail_at(keep & ~np.isnan(v) & ~np.isfinite(v), lambda i: f"not a finite number: {float(v[i])!r}")
    fail_at(keep & (v < 0), lambda i: f"negative value {float(v[i])!r} for {table['var'].iat[i]!r} "
                                      f"({INDICATORS[GDIDATA_VARS[table['var'].iat[i]]]})")
    key = pd.DataFrame({"geo": geo, "var": var, "t": years})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        first = key[dup].iloc[0]
        same = np.flatnonzero(dup & (key == first).all(axis=1).to_numpy())
        raise ParseError(f"{file_name}: rows {rows[same[0]]} and {rows[same[1]]}: duplicate key "
                         f"({first['geo']!r}, {first['var']!r}, {int(first['t'])})")
    out = {
        "country_iso3": geo[keep].to_numpy(dtype=object),
        "country_name": [None] * int(keep.sum()),  # the extract carries codes only
        "indicator": var[keep].map(GDIDATA_VARS).to_numpy(dtype=object),
        "year": years[keep].to_numpy(dtype="int32"),
        "value": v[keep],
        "source_row": rows[keep],
    }
    return pipeline.Parsed(_frame(out, vintage=found.date, file_name=file_name, sha256=sha256),
                           found.date, found.basis, "rda")

