"""World Bank: personal remittances paid and received, and GDP (World Development Indicators).

Three file kinds, all staged into the one dataset ``worldbank_wdi`` (one staging file per
source file, ``part=`` named after it, vintages side by side):

- the bulk-download CSV ``API_<indicator>_DS2_en_csv_v2_<n>.csv`` (UTF-8 with BOM, four
  metadata lines whose third is ``"Last Updated Date","<date>",`` — the vintage —, then a
  header ``Country Name, Country Code, Indicator Name, Indicator Code, 1960 … , ``; every line
  ends with a comma). One row per economy or aggregate × year; an empty cell is staged as a
  row with a NULL value.
- IOM's WDI extract ``wdi.rda`` (R data file, a long table ``geo, var, t, v``), read with
  ``rdata``. Only the remittance and GDP variables are staged (``remin``, ``remout``,
  ``gdp``); it lists only values that exist, so a missing value there is a missing row. It
  states no vintage: the vintage is the documented date of the IOM commit that last changed
  these exact bytes (``DOCUMENTED_VINTAGES``), or one passed to ``import_file``.
- World Bank API v2 JSON pages, ``[page-info, rows]``, as ``fetch`` stores them (one raw file
  per page); the vintage is the page info's ``lastupdated``; a ``null`` value is staged as a
  row with a NULL value, ``obs_status`` as ``flag``.

Aggregates (regions, income groups, …) are told from economies by
``etl/reference/worldbank_aggregates.csv`` (``is_aggregate``).
"""
from __future__ import annotations

import bz2
import csv
import datetime as dt
import gzip
import io
import json
import lzma
import math
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import requests

from core import metadata, paths
from etl import errors, http, snapshots

PUBLISHER = "worldbank"
DATASET = "worldbank_wdi"
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]
API_URL = ("https://api.worldbank.org/v2/country/all/indicator/{indicator}"
           "?format=json&per_page={per_page}&page={page}")
PER_PAGE = 20_000  # one indicator is about 17,500 rows (266 codes × 1960–latest): one page
MAX_PAGES = 500

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
# Vintages documented for exact bytes of files that state none (sha256 → date, basis).
DOCUMENTED_VINTAGES = {
    "6b11d0e1851dccdc113350340fcab6329b8f640541df04168efd0e9eff500d64": (
        dt.date(2025, 2, 7),
        "IOM gdidata data/wdi.rda (git blob 17e46637) as last changed in commit "
        "1267fd377f3362f8108ba8ddd1455c49a7976369 of 2025-02-07; the file states no date"),
}

BULK_ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
BULK_SOURCE_LINE = ["Data Source", "World Development Indicators"]
CODE_RE = re.compile(r"^[A-Z0-9]{3}$")
YEAR_RE = re.compile(r"^\d{4}$")
NUMBER_RE = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$")
RDA_MAGIC = (b"BZh", b"\x1f\x8b", b"\xfd7zXZ", b"RDX2\n", b"RDX3\n")
STAGING_COLUMNS = [
    "country_iso3", "country_name", "is_aggregate", "indicator", "year", "value", "flag",
    "vintage", "source_file", "snapshot_sha256", "source_row",
]


class ParseError(errors.ParseError):
    """The file does not have the content we expect; the message names file, row, value."""


@cache
def aggregates() -> pd.DataFrame:
    """World Bank aggregate codes (regions, income groups, …): iso3, name, group_type."""
    return pd.read_csv(paths.REFERENCE_DIR / "worldbank_aggregates.csv", dtype=str,
                       keep_default_na=False)


def part_name(file_name: str) -> str:
    """The staging ``part`` of a source file: its name without extension, as a plain word."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", Path(file_name).stem).strip("_") or "file"


# ----------------------------------------------------------------------------- file kinds
def kind_of(content: bytes) -> str | None:
    """``bulk_csv``, ``rda`` or ``api_json`` from the first bytes; None for anything else."""
    head = content[:256]
    if head.startswith(RDA_MAGIC):
        return "rda"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b'"Data Source"'):
        return "bulk_csv"
    if text.startswith(b"["):
        return "api_json"
    return None


def _rda_bytes(content: bytes) -> bytes:
    """The uncompressed R serialisation stream of an .rda (for a cheap content sniff)."""
    for magic, opener in ((b"BZh", bz2.decompress), (b"\x1f\x8b", gzip.decompress),
                          (b"\xfd7zXZ", lzma.decompress)):
        if content.startswith(magic):
            return opener(content)
    return content


def _r_string(text: str) -> bytes:
    """How R's XDR serialisation writes a string's length and bytes (CHARSXP body)."""
    data = text.encode("ascii")
    return len(data).to_bytes(4, "big") + data


def looks_like_gdidata_wdi(content: bytes) -> bool:
    """True if an .rda holds a ``geo, var, t, v`` table with the remittance variables."""
    try:
        raw = _rda_bytes(content)
    except (OSError, EOFError, ValueError, lzma.LZMAError):
        return False
    if not raw.startswith((b"RDX2\nX\n", b"RDX3\nX\n")):
        return False
    return all(_r_string(s) in raw for s in (*GDIDATA_COLUMNS, "remin", "remout", "gdp"))


# ----------------------------------------------------------------------------- API pages
def _iso_date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        return None


def _api_message(data) -> str | None:
    """The text of an API error answer ``[{"message": [{"id", "key", "value"}]}]``."""
    if (isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict)
            and "message" in data[0]):
        parts = data[0]["message"] if isinstance(data[0]["message"], list) else [data[0]["message"]]
        return "; ".join(
            f"{m.get('id', '?')} {m.get('key', '')}: {m.get('value', '')}".strip()
            if isinstance(m, dict) else str(m) for m in parts)
    return None


def _int(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def check_api_page(content: bytes, url: str, indicator: str | None = None,
                   page: int | None = None) -> tuple[dict, list]:
    """Raise FetchError unless ``content`` is one API v2 JSON page with data rows.

    Returns (page info, rows). The API answers errors with HTTP 200 and a one-element array
    ``[{"message": [...]}]``; that, HTML, an empty or cut-off body, a page other than the
    one asked for and rows of another indicator are all refused.
    """
    if not content.strip():
        raise http.FetchError(url, "empty body, expected World Bank API JSON")
    head = content[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise http.FetchError(url, "got an HTML/XML page instead of World Bank API JSON")
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise http.FetchError(url, f"not JSON, or cut off ({len(content)} bytes): {exc}") from exc
    if (message := _api_message(data)) is not None:
        raise http.FetchError(url, f"World Bank API error: {message}")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)):
        raise http.FetchError(url, "unexpected JSON: expected a 2-element array [page info, rows]")
    info, rows = data
    numbers = {k: _int(info.get(k)) for k in ("page", "pages", "per_page", "total")}
    if missing := [k for k, v in numbers.items() if v is None]:
        raise http.FetchError(url, f"page info without a number for {missing}: {info}")
    if not rows or not isinstance(rows, list):
        raise http.FetchError(url, f"no data rows (page info: {info})")
    if _iso_date(info.get("lastupdated")) is None:
        raise http.FetchError(url, f"page info 'lastupdated' is not a date: "
                                   f"{info.get('lastupdated')!r}")
    if page is not None and numbers["page"] != page:
        raise http.FetchError(url, f"asked for page {page}, got page {numbers['page']}")
    if indicator is not None:
        for i, row in enumerate(rows, 1):
            got = (row.get("indicator") or {}).get("id") if isinstance(row, dict) else None
            if got != indicator:
                raise http.FetchError(url, f"row {i}: indicator {got!r}, expected {indicator!r}")
    return info, rows


def _indicator_pages(indicator: str, session: requests.Session, per_page: int,
                     http_options: dict) -> list[tuple[bytes, str, str, dict]]:
    """Every page of one indicator, checked: [(content, url, file name, page info)]."""
    pages: list[tuple[bytes, str, str, dict]] = []
    page, last_page, received, first = 1, 1, 0, None
    while page <= last_page:
        url = API_URL.format(indicator=indicator, per_page=per_page, page=page)
        content = http.get(url, session=session, **http_options).content
        info, rows = check_api_page(content, url, indicator, page)
        if first is None:
            first = info
            last_page = _int(info["pages"])
            if last_page > MAX_PAGES:
                raise http.FetchError(url, f"{last_page} pages of {per_page} rows: too many")
        else:
            for key in ("pages", "total", "lastupdated"):
                if str(info.get(key)) != str(first.get(key)):
                    raise http.FetchError(url, f"page info {key!r} changed between pages: "
                                               f"{first.get(key)!r} then {info.get(key)!r}")
        received += len(rows)
        pages.append((content, url, f"API_{indicator}_page{page}.json", info))
        page += 1
    if received != _int(first["total"]):
        raise http.FetchError(pages[-1][1], f"{received} rows over {last_page} page(s), "
                                            f"page info says total {first['total']}")
    return pages


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          indicators=tuple(INDICATORS), per_page: int = PER_PAGE,
          **http_options) -> list[snapshots.Snapshot]:
    """Download every page of each indicator from the API into the raw store.

    Nothing is stored unless every page of every indicator passed the checks.
    """
    session = session or requests.Session()
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise ValueError(f"not an indicator this source knows: {unknown}")
    downloaded = [p for code in indicators
                  for p in _indicator_pages(code, session, per_page, http_options)]
    licence = metadata.dataset(DATASET)["licence"]
    return [
        snapshots.store(content, publisher=PUBLISHER, dataset=DATASET, file_name=name,
                        source_url=url, licence=licence,
                        vintage=dt.date.fromisoformat(info["lastupdated"]), raw_dir=raw_dir)
        for content, url, name, info in downloaded
    ]


# ----------------------------------------------------------------------------- parse
@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame
    vintage: dt.date
    kind: str
    vintage_basis: str


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


def _check_value(value: float, indicator: str, where: str) -> None:
    if not math.isfinite(value):
        raise ParseError(f"{where}: not a finite number: {value!r}")
    if value < 0:
        raise ParseError(f"{where}: negative value {value!r} ({INDICATORS[indicator]} "
                         "cannot be negative)")


def _decode(content: bytes, file_name: str) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ParseError(f"{file_name}: line {line}: not UTF-8 (wrong encoding): byte "
                         f"{content[exc.start:exc.start + 1]!r} at offset {exc.start}") from exc


def _bulk_rows(content: bytes, file_name: str) -> list[tuple[int, list[str]]]:
    """The bulk CSV's records with their line numbers."""
    reader = csv.reader(io.StringIO(_decode(content, file_name), newline=""))
    return [(reader.line_num, row) for row in reader]


def _bulk_vintage(rows: list[tuple[int, list[str]]], file_name: str) -> dt.date:
    first = rows[0][1] if rows else []
    if first[:2] != BULK_SOURCE_LINE:
        raise ParseError(f"{file_name}: line 1: expected {BULK_SOURCE_LINE}, got {first[:2]!r}")
    third = rows[2][1] if len(rows) > 2 else []
    if len(third) < 2 or third[0] != "Last Updated Date":
        raise ParseError(f"{file_name}: line 3: no \"Last Updated Date\" line (got {third!r})")
    if (found := _iso_date(third[1])) is None:
        raise ParseError(f"{file_name}: line 3: \"Last Updated Date\" is not a date: "
                         f"{third[1]!r}")
    return found


def read_bulk_vintage(content: bytes, file_name: str = "") -> dt.date:
    """The bulk CSV's ``"Last Updated Date"`` (line 3)."""
    return _bulk_vintage(_bulk_rows(content, file_name), file_name)


def parse_bulk_csv(content: bytes, *, file_name: str, sha256: str,
                   vintage: dt.date | None = None) -> Parsed:
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
            out["country_iso3"].append(code)
            out["country_name"].append(name)
            out["indicator"].append(indicator)
            out["year"].append(year)
            out["value"].append(value)
            out["source_row"].append(line)
    if not seen:
        raise ParseError(f"{file_name}: no data lines after the header")
    vintage = vintage or file_vintage
    return Parsed(_frame(out, vintage=vintage, file_name=file_name, sha256=sha256),
                  vintage, "bulk_csv", f"the file's \"Last Updated Date\" ({file_vintage})")


def parse_api_json(content: bytes, *, file_name: str, sha256: str,
                   vintage: dt.date | None = None) -> Parsed:
    """One World Bank API v2 JSON page ``[page info, rows]`` → long staging rows."""
    try:
        data = json.loads(_decode(content, file_name))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{file_name}: not JSON: {exc}") from exc
    if (message := _api_message(data)) is not None:
        raise ParseError(f"{file_name}: a World Bank API error answer, not data: {message}")
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], dict)
            and isinstance(data[1], list)):
        raise ParseError(f"{file_name}: unexpected JSON: expected [page info, rows]")
    info, rows = data
    if not rows:
        raise ParseError(f"{file_name}: no data rows")
    if (stated := _iso_date(info.get("lastupdated"))) is None:
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
        out["country_iso3"].append(code)
        out["country_name"].append(name)
        out["indicator"].append(indicator)
        out["year"].append(year)
        out["value"].append(value)
        out["flag"].append(row.get("obs_status") or None)
        out["source_row"].append(i)
    vintage = vintage or stated
    return Parsed(_frame(out, vintage=vintage, file_name=file_name, sha256=sha256),
                  vintage, "api_json", f"the API page info's 'lastupdated' ({stated})")


def _read_rda(content: bytes, file_name: str) -> pd.DataFrame:
    import rdata

    try:
        parsed = rdata.parser.parse_data(content)
        with warnings.catch_warnings():
            # tibbles (class tbl_df) are read as plain data frames; rdata says so each time
            warnings.filterwarnings("ignore", message="Missing constructor for R class")
            objects = rdata.conversion.convert(parsed)
    except Exception as exc:  # rdata raises many kinds of errors for a file it cannot read
        raise ParseError(f"{file_name}: not a readable R data file: {exc}") from exc
    if not isinstance(objects, dict) or len(objects) != 1:
        raise ParseError(f"{file_name}: expected one R object, got "
                         f"{list(objects) if isinstance(objects, dict) else type(objects)}")
    (name, table), = objects.items()
    if not isinstance(table, pd.DataFrame):
        raise ParseError(f"{file_name}: object {name!r} is a {type(table).__name__}, "
                         "not a data frame")
    if list(table.columns) != GDIDATA_COLUMNS:
        raise ParseError(f"{file_name}: object {name!r}: unexpected columns "
                         f"{list(table.columns)!r} (expected {GDIDATA_COLUMNS!r})")
    return table.reset_index(drop=True)


def parse_rda(content: bytes, *, file_name: str, sha256: str,
              vintage: dt.date | None = None) -> Parsed:
    """IOM's WDI extract (``geo, var, t, v``) → long staging rows (remittances and GDP)."""
    documented = DOCUMENTED_VINTAGES.get(sha256)
    if vintage is None and documented is None:
        raise ParseError(f"{file_name}: the file states no vintage and none is documented for "
                         "these bytes: import it with an explicit vintage")
    basis = (documented[1] if documented and (vintage is None or vintage == documented[0])
             else "given at import")
    vintage = vintage or documented[0]
    table = _read_rda(content, file_name)
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
    return Parsed(_frame(out, vintage=vintage, file_name=file_name, sha256=sha256),
                  vintage, "rda", basis)


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None) -> Parsed:
    """Parse any of the three file kinds into the tidy staging frame."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    kind = kind_of(content)
    parser = {"bulk_csv": parse_bulk_csv, "api_json": parse_api_json, "rda": parse_rda}.get(kind)
    if parser is None:
        _decode(content, file_name)
        raise ParseError(f"{file_name}: not a World Bank bulk CSV, API JSON page or WDI .rda "
                         f"(starts with {content[:40]!r})")
    parsed = parser(content, file_name=file_name, sha256=sha256, vintage=vintage)
    if parsed.frame.empty:
        raise ParseError(f"{file_name}: no rows for {', '.join(INDICATORS)}")
    return parsed


def read_vintage(content: bytes, file_name: str = "") -> dt.date | None:
    """The vintage the file states (bulk CSV, API page) or that is documented for its bytes."""
    kind = kind_of(content)
    if kind == "bulk_csv":
        return read_bulk_vintage(content, file_name)
    if kind == "api_json":
        try:
            info = json.loads(_decode(content, file_name))[0]
            return dt.date.fromisoformat(info["lastupdated"])
        except (json.JSONDecodeError, KeyError, IndexError, TypeError, ValueError):
            return None
    if kind == "rda":
        documented = DOCUMENTED_VINTAGES.get(snapshots.sha256_bytes(content))
        return documented[0] if documented else None
    return None


# ----------------------------------------------------------------------------- import
def recognises(path: Path) -> bool:
    """True for a WDI bulk CSV or API page of our indicators, or IOM's WDI .rda."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".rda", ".rdata", ".json"}:
        return False
    content = path.read_bytes()
    kind = kind_of(content)
    if suffix == ".csv" and kind == "bulk_csv":
        head = content[:8192]
        return any(f'"{code}"'.encode() in head for code in INDICATORS)
    if suffix in {".rda", ".rdata"} and kind == "rda":
        return looks_like_gdidata_wdi(content)
    if suffix == ".json" and kind == "api_json":
        try:
            info, rows = check_api_page(content, path.name)
        except http.FetchError:
            return False
        return (rows[0].get("indicator") or {}).get("id") in INDICATORS
    return False


def stage(snapshot: snapshots.Snapshot, *, staging_dir: Path | None = None,
          force: bool = False) -> list[tuple[Path, bool]]:
    """Parse a raw snapshot into its staging file (one per source file, ``part=``).

    Skips (written False) when staging already holds a file derived from these bytes.
    """
    from etl import staging

    meta = snapshot.meta
    vintage = meta.get("vintage")
    part = part_name(meta["file_name"])
    if vintage and not force and staging.is_current(DATASET, vintage, snapshot.sha256,
                                                    staging_dir, part):
        return [(staging.file_for(DATASET, vintage, staging_dir, part), False)]
    parsed = parse(snapshot.path.read_bytes(), file_name=meta["file_name"],
                   sha256=snapshot.sha256,
                   vintage=dt.date.fromisoformat(vintage) if vintage else None)
    provenance = staging.provenance_of(meta, parsed.vintage.isoformat(),
                                       vintage_basis=parsed.vintage_basis, file_kind=parsed.kind)
    target = staging.write(parsed.frame, dataset=DATASET, vintage=parsed.vintage.isoformat(),
                           provenance=provenance, staging_dir=staging_dir, part=part)
    return [(target, True)]


def import_file(path: Path, *, raw_dir: Path | None = None,
                vintage: dt.date | None = None) -> snapshots.Snapshot:
    """Snapshot a local file (no network) into the raw store.

    ``vintage`` is needed only for an .rda whose vintage is not documented in
    ``DOCUMENTED_VINTAGES``; a file that states its own date keeps that date.
    """
    content = path.read_bytes()
    if kind_of(content) is None:
        _decode(content, path.name)
        raise ParseError(f"{path.name}: not a World Bank bulk CSV, API JSON page or WDI .rda")
    stated = read_vintage(content, path.name)
    if stated and vintage and stated != vintage:
        raise ParseError(f"{path.name}: the file states vintage {stated}, not {vintage}")
    return snapshots.store(
        content, publisher=PUBLISHER, dataset=DATASET, file_name=path.name,
        source_url=f"imported from {path.name}", licence=metadata.dataset(DATASET)["licence"],
        vintage=stated or vintage, raw_dir=raw_dir,
    )
