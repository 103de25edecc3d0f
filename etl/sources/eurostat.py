"""Eurostat: ordered to leave, returned, found illegally present, refused entry, asylum applicants.

Datasets ``migr_eiord``, ``migr_eirtn``, ``migr_eipre``, ``migr_eirfs``, ``migr_asyappctza``
(and the quarterly successors the catalogue names), all staged into the one dataset
``eurostat_migr``: one staging file per source file (``part=`` named after it), vintages side
by side. File kinds, told apart by their first bytes:

- ``dw_csv``: the old Data Explorer (appsso) CSV export, e.g. ``"TIME","GEO","CITIZEN",…,
  "Value","Flag and Footnotes"``: English labels, every field quoted, ``"540,080"`` with a
  thousands comma, ``":"`` missing, flags ``d``/``p``/``b``. UTF-8 or, as in the 2017
  exports, Latin-1. The file holds no dataset code: it comes from the file name
  (``migr_eiord_…``) and must agree with the header.
- ``sdmx_csv1``: SDMX-CSV 1.0 (``DATAFLOW,LAST UPDATE,freq,…,TIME_PERIOD,OBS_VALUE,OBS_FLAG``),
  with codes (API) or labels (databrowser "labels" export).
- ``sdmx_csv2``: SDMX-CSV 2.0 (``STRUCTURE,STRUCTURE_ID,…``), each dimension a code column
  followed by its label column.
- ``tsv``: the API's TSV (``freq,citizen,…,geo\\TIME_PERIOD`` then one column per period,
  cells ``"12750 "``, ``": "``, ``"1234 p"``), gzip-compressed as the API sends it or not.
- ``rda``: IOM gdidata's ``eu_asyapp.rda`` (``geo, t, nat, sex, n``; ISO-3 codes, ``EU27``),
  read with ``rdata``. Its totals match all applicants (ASY_APP), not first-time ones.

Harmonised staging: ``geo`` is Eurostat's code (ISO-2 as Eurostat uses it, ``EL``, ``UK``;
aggregates ``EU27_2020``, ``EU28``, ``EU27_2007`` — the "European Union (27 countries)" of the
2017 exports is the 2007–2013 EU27 with the UK and without Croatia, never EU27_2020);
citizenship goes through the project's one mapping ``etl/reference/countries.csv`` to ISO-3
(``TOTAL`` for all citizenships, X-codes for stateless/unknown). ``measure`` names the series;
breakdowns other than the totals (sex, age, reason, apprehension place, border) are kept and
described in ``detail`` (NULL for the total row).
"""
from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
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

PUBLISHER = "eurostat"
DATASET = "eurostat_migr"
BOP_DATASET = "eurostat_bop"  # bop_rem6: personal transfers by partner, its own staging shape
SOURCE_PAGE = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/"

# Series → dataset codes to look up in Eurostat's catalogue, annual first. The quarterly
# successors (Regulation (EU) 2020/851, from reference year 2024) are fetched when the
# catalogue lists them; which codes were found is recorded in each snapshot's sidecar.
CANDIDATES = {
    "ordered_to_leave": ["migr_eiord", "migr_eiord1"],
    "returned": ["migr_eirtn", "migr_eirtn1"],
    "illegally_present": ["migr_eipre"],
    "refused_entry": ["migr_eirfs"],
    "asylum_applicants": ["migr_asyappctza"],
    "personal_transfers": ["bop_rem6"],
}
# Filters applied at fetch time (dimension → codes; '+' joins several), so a download holds
# the totals over age and sex plus every citizenship and geo.
FETCH_FILTERS = {"sex": "T", "age": "TOTAL", "unit": "PER"}
FETCH_FILTERS_BY_CODE = {"migr_asyappctza": {"asyl_app": "ASY_APP+NASY_APP"},
                         "bop_rem6": {"geo": "NL"}}
DATASET_CODE_RE = re.compile(r"migr_(eiord1?|eirtn1?|eipre|eirfs|asyappctza)|bop_rem6", re.I)
# bop_rem6 dimensions, kept as Eurostat's codes (no label is invented; the codes are
# Eurostat's balance-of-payments code lists).
BOP_DIMS = ("freq", "currency", "bop_item", "stk_flow", "partner", "geo")
BOP_COLUMNS = ["source_dataset", "geo", "partner", "currency", "bop_item", "bop_item_label",
               "stk_flow", "freq", "year", "quarter", "value", "flag", "vintage", "source_file",
               "snapshot_sha256", "source_row"]
# Eurostat's BOP_ITEM code list (code<TAB>label), fetched with bop_rem6 and stored beside it
# so staged rows carry Eurostat's own item labels.
BOP_CODELIST_URL = "codelist/ESTAT/BOP_ITEM/latest?format=TSV&compressed=true&lang=en"
BOP_CODELIST_FILE = "bop_rem6_codelist_bop_item.tsv.gz"

MEASURE_OF = {"migr_eiord": "ordered_to_leave", "migr_eiord1": "ordered_to_leave",
              "migr_eipre": "illegally_present", "migr_eirfs": "refused_entry",
              "migr_asyappctza": "asylum_applicants"}
# Measure-defining dimensions: value (code or label) → (measure, applicant_type).
RETURN_KINDS = {
    # 2017 Data Explorer INDIC_MG labels
    "Total number of persons returned": "returned",
    "Persons returned to a third country": "returned_third_country",
    # c_dest (destination) of the current migr_eirtn / migr_eirtn1: codes and labels
    "TOTAL": "returned", "Total": "returned",
    "THRD": "returned_third_country", "Third countries": "returned_third_country",
}
APPLICANT_TYPES = {
    "ASY_APP": "all", "Asylum applicant": "all",
    "NASY_APP": "first_time", "First time applicant": "first_time",
    "SASY_APP": "subsequent", "Subsequent applicant": "subsequent",
}
TOTAL_WORDS = {"T", "TOTAL", "Total"}
UNIT_WORDS = {"PER", "Person", "NR", "Number"}
SEX = {"T": "T", "Total": "T", "F": "F", "Females": "F", "female": "F", "M": "M",
       "Males": "M", "male": "M", "UNK": "UNK", "Unknown": "UNK", "unknown": "UNK"}
FREQ = {"A": "A", "Annual": "A", "Q": "Q", "Quarterly": "Q"}
# Dimensions kept as a breakdown (``detail``) when not their total.
DETAIL_DIMS = ("age", "reason", "apprehen", "border")
MISSING = {":", ""}
GROUPED_INT_RE = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
NUMBER_RE = re.compile(r"^\d+(\.\d+)?$")
YEAR_RE = re.compile(r"^(\d{4})$")
QUARTER_RE = re.compile(r"^(\d{4})-?Q([1-4])$")
GDIDATA_COLUMNS = ["geo", "t", "nat", "sex", "n"]
GDIDATA_NAT = {"STL": "XXA"}  # gdidata's stateless code → the project's code
GDIDATA_GEO = {"EU27": "EU27_2020"}  # gdidata's EU27 is EU27_2020 (from 2013)

# Vintages documented for exact bytes of files that state none (sha256 → date, basis).
_DW = ("Deutsche Welle's 2017 Data Explorer export, as committed to "
       "dw-data/quantify-europe_asylum-seekers in 57bbef82a1d298f4d0f9c5506540c204e14a6f92 "
       "(2018-03-27, the only commit holding the file; sibling files carry 2017-04/05 dates): "
       "the commit date is the latest date the values can be from")
_NATIX = ("Eurostat databrowser export committed to natix-x/Data-mining-in-Migration-Analysis "
          "in {commit} ({date}); the file states no extraction date, the commit date is the "
          "latest it can be")
DOCUMENTED_VINTAGES = {
    **{sha: (dt.date(2018, 3, 27), _DW) for sha in (
        "2ae81c47e53c8ba09b87508e02fe4cd6acb4ce61d3164f93b72fdc2f534d811c",
        "937a442c8782122b5666a77dc060298deb456f6e3bd197babbe0d6957ac5bb17",
        "a41b94928a80349a48640a8b534caa55deafbcaee32f0054cc9f335975f5416e",
        "37e3105b9b3a1cb5b7c17970a98184a7cb3f5b2155f23c82b4e903ae3e1580d4",
        "ba5b7b8a51c3c7c31a727e617bb5ea890eba8735d78e791979987975f1569200",
        "526e0521894f400afdbf9143b94208a314f696adae3f4a1df28441c6007283ac",
        "74c9118677b02573814525c6564a7c36fb64cf94da1ef01268afda572d4f86b2")},
    "4728b1cadb26e56a86e8bb541f76f29a498b813b8ff3ae02534d7cbc6991c8e0": (
        dt.date(2025, 5, 21), _NATIX.format(commit="6943df20ec2e16d2f5c34591b18581af25547731",
                                            date="2025-05-21")),
    **{sha: (dt.date(2025, 3, 31), _NATIX.format(
        commit="2503752c62eefdbe17c054ac31626ec7ed8a6454", date="2025-03-31")) for sha in (
        "e43305575a69174a4dba75295df9feae80a5b0dee1d4b1feb8dff1fbc4f66c4b",
        "f17ac089258e647d56efb0b89d0f05c000fe69d1d305e15df52a57033e9c8212")},
    "7c9b55c303a0de8d783d3ad4d9f4cdd79cafba0343c5f5b75ca8c9d17fcc3085": (
        dt.date(2025, 5, 26), "IOM gdidata data/eu_asyapp.rda (commit ecebde065c1b183cfa97f5d2"
        "828b7baf31afe434, 2025-06-04), whose documentation says the Eurostat data were "
        "'Last updated 26 May 2025'"),
}

STAGING_COLUMNS = [
    "source_dataset", "measure", "applicant_type", "geo", "geo_label", "citizenship_iso3",
    "citizenship_label", "sex", "detail", "freq", "year", "quarter", "value", "flag",
    "vintage", "source_file", "snapshot_sha256", "source_row",
]


class ParseError(errors.ParseError):
    """The file does not have the content we expect; the message names file, row, value."""


# ----------------------------------------------------------------------------- reference
@cache
def geo_table() -> pd.DataFrame:
    """Eurostat reporting geographies: label (every spelling seen) → code, name, kind."""
    return pd.read_csv(paths.REFERENCE_DIR / "eurostat_geo.csv", dtype=str,
                       keep_default_na=False)


@cache
def _geo_lookup() -> dict[str, tuple[str, str]]:
    table = geo_table()
    found = {r.label: (r.geo, r.name) for r in table.itertuples()}
    found.update({r.geo: (r.geo, r.name) for r in table.itertuples()})
    return found


@cache
def _citizen_lookup() -> tuple[dict, dict]:
    """(label → (iso3, name), Eurostat 2-letter/aggregate code → (iso3, name))."""
    table = pd.read_csv(paths.REFERENCE_DIR / "countries.csv", dtype=str, keep_default_na=False)
    by_label = {r.label: (r.iso3, r.name) for r in table.itertuples()}
    by_code = {r.iso2: (r.iso3, r.name) for r in table.itertuples() if r.iso2}
    return by_label, by_code


@cache
def _iso3_names() -> dict[str, str]:
    table = pd.read_csv(paths.REFERENCE_DIR / "countries.csv", dtype=str, keep_default_na=False)
    return dict(zip(table["iso3"], table["name"]))


@cache
def eu27_2020_members() -> tuple[str, ...]:
    table = geo_table()
    return tuple(sorted(set(table.loc[table["eu27_2020"] == "true", "geo"])))


# ----------------------------------------------------------------------------- file kinds
def _gunzip(content: bytes) -> bytes:
    return gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content


def _rda_stream(content: bytes) -> bytes:
    """The uncompressed R serialisation stream of an .rda (gzip, bzip2, xz or none)."""
    import bz2
    import lzma

    try:
        if content[:3] == b"BZh":
            return bz2.decompress(content)
        if content[:5] == b"\xfd7zXZ":
            return lzma.decompress(content)
        return _gunzip(content)
    except (OSError, EOFError, ValueError, lzma.LZMAError):
        return b""


def kind_of(content: bytes) -> str | None:
    """``dw_csv``, ``sdmx_csv1``, ``sdmx_csv2``, ``tsv`` or ``rda``; None for anything else."""
    if content.startswith((b"RDX2\n", b"RDX3\n", b"BZh", b"\xfd7zXZ")):
        return "rda"
    if content[:2] == b"\x1f\x8b":
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(content)).read(4096)
        except (OSError, EOFError):
            return None
        if head.startswith((b"RDX2\n", b"RDX3\n")):
            return "rda"
    else:
        head = content[:4096]
    head = head.removeprefix(b"\xef\xbb\xbf")
    first = head.split(b"\n", 1)[0]
    if first.startswith(b'"TIME","GEO"'):
        return "dw_csv"
    if first.startswith(b"DATAFLOW,"):
        return "sdmx_csv1"
    if first.startswith(b"STRUCTURE,STRUCTURE_ID,"):
        return "sdmx_csv2"
    if b"\\TIME_PERIOD" in first or b"\\time" in first:
        return "tsv"
    return None


def dataset_code(text: str) -> str | None:
    """The Eurostat dataset code a file name or DATAFLOW/STRUCTURE_ID names, lower case."""
    found = DATASET_CODE_RE.search(text or "")
    return found.group(0).lower() if found else None


# ----------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class Raw:
    """A file's observations as text, before harmonisation: one dict of dimension values
    (lower-case dimension ids) per observation, plus time, value and flag text."""
    code: str
    dims: list[dict]
    time: list[str]
    value: list[str]
    flag: list[str]
    row: list[int]
    last_update: str | None = None


def _decode(content: bytes, file_name: str, *, latin1_ok: bool = False) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if latin1_ok:
            return content.decode("cp1252", errors="strict") if _is_cp1252(content) \
                else content.decode("latin-1")
        line = content[: exc.start].count(b"\n") + 1
        raise ParseError(f"{file_name}: line {line}: not UTF-8 (wrong encoding): byte "
                         f"{content[exc.start:exc.start + 1]!r} at offset {exc.start}") from exc


def _is_cp1252(content: bytes) -> bool:
    try:
        content.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _csv_rows(text: str, **kwargs) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), **kwargs)
    out = []
    for row in reader:
        out.append((reader.line_num, row))
    return out


def _data_rows(rows: list[tuple[int, list[str]]], header: list[str], file_name: str):
    """The records after the header, blank lines skipped, each as wide as the header."""
    for line, row in rows[1:]:
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            raise ParseError(f"{file_name}: line {line}: {len(row)} fields, the header has "
                             f"{len(header)}")
        yield line, row


DW_HEADERS = {
    "migr_eiord": ["TIME", "GEO", "CITIZEN", "UNIT"],
    "migr_eirtn": ["TIME", "GEO", "CITIZEN", "INDIC_MG", "UNIT"],
    "migr_eipre": ["TIME", "GEO", "CITIZEN", "SEX", "AGE", "UNIT"],
    "migr_eirfs": ["TIME", "GEO", "REASON", "CITIZEN", "INDIC_MG", "UNIT"],
    "migr_asyappctza": ["TIME", "GEO", "CITIZEN", "SEX", "AGE", "ASYL_APP", "UNIT"],
}
DW_TAIL = ["Value", "Flag and Footnotes"]


def read_dw_csv(content: bytes, file_name: str) -> Raw:
    code = dataset_code(file_name)
    if code not in DW_HEADERS:
        raise ParseError(f"{file_name}: a Data Explorer CSV names no dataset; the file name "
                         f"must contain one of {', '.join(DW_HEADERS)}")
    rows = _csv_rows(_decode(content, file_name, latin1_ok=True))
    line, header = rows[0]
    expected = DW_HEADERS[code] + DW_TAIL
    if header != expected:
        raise ParseError(f"{file_name}: line {line}: unexpected header {header!r} for {code} "
                         f"(expected {expected!r})")
    dims_names = [h.lower() for h in DW_HEADERS[code] if h != "TIME"]
    raw = Raw(code, [], [], [], [], [])
    for line, row in _data_rows(rows, header, file_name):
        raw.dims.append(dict(zip(dims_names, row[1:-2])))
        raw.time.append(row[0])
        value = row[-2].strip()
        if value.startswith("-") and GROUPED_INT_RE.match(value[1:]):
            raise ParseError(f"{file_name}: line {line}: negative count {row[-2]!r}")
        if value not in MISSING and not GROUPED_INT_RE.match(value):
            raise ParseError(f"{file_name}: line {line}: Value is not a number or ':': "
                             f"{row[-2]!r}")
        raw.value.append(value.replace(",", ""))
        raw.flag.append(row[-1].strip())
        raw.row.append(line)
    return raw


SDMX1_FIXED = ["DATAFLOW", "LAST UPDATE"]
SDMX_TAIL = ["TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"]


def read_sdmx_csv1(content: bytes, file_name: str) -> Raw:
    rows = _csv_rows(_decode(content, file_name))
    line, header = rows[0]
    if header[:2] != SDMX1_FIXED or "TIME_PERIOD" not in header or "OBS_VALUE" not in header:
        raise ParseError(f"{file_name}: line {line}: unexpected SDMX-CSV 1.0 header {header!r}")
    t, v = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    f = header.index("OBS_FLAG") if "OBS_FLAG" in header else None
    dims_names = [h.lower() for h in header[2:t]]
    code = None
    raw = None
    for line, row in _data_rows(rows, header, file_name):
        this = dataset_code(row[0])
        if this is None or (code is not None and this != code):
            raise ParseError(f"{file_name}: line {line}: DATAFLOW {row[0]!r} is not one of this "
                             f"source's datasets" + (f" (earlier rows: {code})" if code else ""))
        if raw is None:
            code = this
            raw = Raw(code, [], [], [], [], [], last_update=row[1].strip() or None)
        raw.dims.append(dict(zip(dims_names, row[2:t])))
        raw.time.append(row[t])
        raw.value.append(_sdmx_value(row[v], file_name, line))
        raw.flag.append(row[f].strip() if f is not None else "")
        raw.row.append(line)
    if raw is None:
        raise ParseError(f"{file_name}: no data lines after the header")
    return raw


def _sdmx_value(cell: str, file_name: str, line: int) -> str:
    cell = cell.strip()
    if cell in MISSING or NUMBER_RE.match(cell):
        return cell
    if re.match(r"^-\d", cell):
        raise ParseError(f"{file_name}: line {line}: negative count {cell!r}")
    raise ParseError(f"{file_name}: line {line}: OBS_VALUE is not a number: {cell!r}")


def read_sdmx_csv2(content: bytes, file_name: str) -> Raw:
    rows = _csv_rows(_decode(content, file_name))
    line, header = rows[0]
    if header[:3] != ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME"] or \
            "TIME_PERIOD" not in header or "OBS_VALUE" not in header:
        raise ParseError(f"{file_name}: line {line}: unexpected SDMX-CSV 2.0 header {header!r}")
    t, v = header.index("TIME_PERIOD"), header.index("OBS_VALUE")
    f = header.index("OBS_FLAG") if "OBS_FLAG" in header else None
    # code column, label column, code column, … between STRUCTURE_NAME and TIME_PERIOD
    pairs = header[3:t]
    if len(pairs) % 2:
        raise ParseError(f"{file_name}: line {line}: dimension columns do not come in "
                         f"code/label pairs: {pairs!r}")
    dim_cols = [(3 + i, pairs[i].lower()) for i in range(0, len(pairs), 2)]
    raw = None
    for line, row in _data_rows(rows, header, file_name):
        code = dataset_code(row[1])
        if code is None or (raw is not None and code != raw.code):
            raise ParseError(f"{file_name}: line {line}: STRUCTURE_ID {row[1]!r} is not one of "
                             "this source's datasets, or changes within the file")
        if raw is None:
            raw = Raw(code, [], [], [], [], [])
        raw.dims.append({name: row[i] for i, name in dim_cols})
        raw.time.append(row[t])
        raw.value.append(_sdmx_value(row[v], file_name, line))
        raw.flag.append(row[f].strip() if f is not None else "")
        raw.row.append(line)
    if raw is None:
        raise ParseError(f"{file_name}: no data lines after the header")
    return raw


TSV_CELL_RE = re.compile(r"^(?P<value>:|\d+(\.\d+)?)(\s+(?P<flag>[a-z]+))?$")
# balance-of-payments amounts can be negative (balances, corrections)
TSV_SIGNED_CELL_RE = re.compile(r"^(?P<value>:|-?\d+(\.\d+)?)(\s+(?P<flag>[a-z]+))?$")


def read_tsv(content: bytes, file_name: str) -> Raw:
    code = dataset_code(file_name)
    if code is None:
        raise ParseError(f"{file_name}: an API TSV names no dataset; the file name must "
                         "contain the dataset code (e.g. migr_eiord.tsv.gz)")
    try:
        content = _gunzip(content)
    except (OSError, EOFError) as exc:
        raise ParseError(f"{file_name}: gzip stream is damaged or cut off: {exc}") from exc
    rows = _csv_rows(_decode(content, file_name), delimiter="\t")
    line, header = rows[0]
    if not header or "\\" not in header[0]:
        raise ParseError(f"{file_name}: line {line}: unexpected TSV header {header[:2]!r}")
    dims_part, _ = header[0].split("\\", 1)
    dims_names = [d.strip().lower() for d in dims_part.split(",")]
    periods = [p.strip() for p in header[1:]]
    raw = Raw(code, [], [], [], [], [])
    for line, row in _data_rows(rows, header, file_name):
        keys = row[0].split(",")
        if len(keys) != len(dims_names):
            raise ParseError(f"{file_name}: line {line}: key {row[0]!r} does not match "
                             f"dimensions {dims_names}")
        dims = dict(zip(dims_names, (k.strip() for k in keys)))
        for period, cell in zip(periods, row[1:]):
            cell = cell.strip()
            match = (TSV_SIGNED_CELL_RE if code == "bop_rem6" else TSV_CELL_RE).match(cell)
            if not match:
                what = "negative count" if cell.startswith("-") else "not a number or ':'"
                raise ParseError(f"{file_name}: line {line}, period {period}: {what}: {cell!r}")
            raw.dims.append(dims)
            raw.time.append(period)
            raw.value.append(match["value"])
            raw.flag.append(match["flag"] or "")
            raw.row.append(line)
    return raw


def read_rda(content: bytes, file_name: str) -> Raw:
    import rdata

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tibble classes fall back to data.frame
            converted = rdata.conversion.convert(rdata.parser.parse_data(_rda_stream(content)))
    except Exception as exc:  # rdata raises several kinds for a damaged stream
        raise ParseError(f"{file_name}: not a readable R data file: {exc}") from exc
    tables = [v for v in converted.values() if isinstance(v, pd.DataFrame)]
    if len(tables) != 1 or list(tables[0].columns) != GDIDATA_COLUMNS:
        found = [list(t.columns) for t in tables]
        raise ParseError(f"{file_name}: expected one table with columns {GDIDATA_COLUMNS}, "
                         f"found {found}")
    table = tables[0]
    raw = Raw("migr_asyappctza", [], [], [], [], [])
    for i, rec in enumerate(table.itertuples(index=False), 1):
        raw.dims.append({"geo": rec.geo, "citizen": rec.nat, "sex": rec.sex,
                         "asyl_app": "ASY_APP", "_codes": "iso3"})
        t = rec.t
        raw.time.append("" if t is None or (isinstance(t, float) and math.isnan(t))
                        else (str(int(t)) if float(t).is_integer() else str(t)))
        n = rec.n
        raw.value.append("" if n is None or (isinstance(n, float) and math.isnan(n))
                         else (str(int(n)) if float(n).is_integer() and n >= 0 else str(n)))
        raw.flag.append("")
        raw.row.append(i)
    return raw


READERS = {"dw_csv": read_dw_csv, "sdmx_csv1": read_sdmx_csv1, "sdmx_csv2": read_sdmx_csv2,
           "tsv": read_tsv, "rda": read_rda}


# ----------------------------------------------------------------------------- harmonise
def _where(file_name: str, kind: str, row: int) -> str:
    return f"{file_name}: {'row' if kind == 'rda' else 'line'} {row}"


def harmonise(raw: Raw, *, file_name: str, kind: str) -> pd.DataFrame:
    """Map a file's codes or labels onto the staging columns; refuse anything unknown."""
    geo_lookup = _geo_lookup()
    by_label, by_code = _citizen_lookup()
    iso3_names = _iso3_names()
    iso3_to_geo = {i3: c for c, (i3, _) in by_code.items() if len(c) == 2}
    out = {c: [] for c in STAGING_COLUMNS if c not in ("vintage", "source_file",
                                                       "snapshot_sha256")}
    for dims, time, value, flag, row in zip(raw.dims, raw.time, raw.value, raw.flag, raw.row):
        where = _where(file_name, kind, row)
        dims = dict(dims)
        iso3_codes = dims.pop("_codes", None) == "iso3"
        # time
        if m := YEAR_RE.match(time.strip()):
            year, quarter = int(m[1]), None
        elif m := QUARTER_RE.match(time.strip()):
            year, quarter = int(m[1]), int(m[2])
        else:
            raise ParseError(f"{where}: unknown period {time!r} (expected YYYY or YYYY-Qn)")
        freq = FREQ.get(dims.pop("freq", "A" if quarter is None else "Q"))
        if freq is None or (freq == "Q") != (quarter is not None):
            raise ParseError(f"{where}: frequency does not match period {time!r}")
        # geo
        geo_text = dims.pop("geo", None)
        if iso3_codes:
            geo_text = GDIDATA_GEO.get(geo_text) or iso3_to_geo.get(geo_text, geo_text)
        if geo_text not in geo_lookup:
            raise ParseError(f"{where}: unknown geo {geo_text!r} (not in "
                             "etl/reference/eurostat_geo.csv)")
        geo, geo_label = geo_lookup[geo_text]
        # citizenship
        cit_text = dims.pop("citizen", "TOTAL")
        if iso3_codes:
            iso3 = GDIDATA_NAT.get(cit_text, cit_text)
            if iso3 not in iso3_names:
                raise ParseError(f"{where}: unknown citizenship code {cit_text!r}")
            cit = (iso3, iso3_names[iso3])
        else:
            cit = by_code.get(cit_text) or by_label.get(cit_text)
            if cit is None:
                raise ParseError(f"{where}: unknown citizenship {cit_text!r} (not in "
                                 "etl/reference/countries.csv)")
        # unit
        unit = dims.pop("unit", "PER")
        if unit not in UNIT_WORDS:
            raise ParseError(f"{where}: unexpected unit {unit!r} (expected persons)")
        # measure
        measure, applicant_type = MEASURE_OF.get(raw.code), None
        if raw.code in ("migr_eirtn", "migr_eirtn1"):
            kind_text = dims.pop("indic_mg", None) or dims.pop("c_dest", None)
            measure = RETURN_KINDS.get(kind_text)
            if measure is None:
                raise ParseError(f"{where}: unknown return indicator/destination {kind_text!r}")
        elif raw.code == "migr_eirfs":
            indic = dims.pop("indic_mg", "Persons refused entry")
            if indic not in ("Persons refused entry", "REF_ENT", "TOTAL"):
                raise ParseError(f"{where}: unknown indicator {indic!r}")
        if raw.code == "migr_asyappctza":
            applicant_type = APPLICANT_TYPES.get(dims.pop("asyl_app", None))
            if applicant_type is None:
                raise ParseError(f"{where}: unknown applicant type")
        sex_text = dims.pop("sex", "T")
        if sex_text not in SEX:
            raise ParseError(f"{where}: unknown sex {sex_text!r}")
        details = []
        for dim in DETAIL_DIMS:
            text = dims.pop(dim, "TOTAL")
            if text not in TOTAL_WORDS:
                details.append(f"{dim}={text}")
        if dims:
            raise ParseError(f"{where}: unexpected dimension(s) {sorted(dims)}")
        # value
        if value in MISSING:
            number = math.nan
        else:
            try:
                number = float(value)
            except ValueError:
                raise ParseError(f"{where}: not a number: {value!r}") from None
            if number < 0 or not math.isfinite(number):
                raise ParseError(f"{where}: negative or non-finite count {value!r}")
        out["source_dataset"].append(raw.code)
        out["measure"].append(measure)
        out["applicant_type"].append(applicant_type)
        out["geo"].append(geo)
        out["geo_label"].append(geo_label)
        out["citizenship_iso3"].append(cit[0])
        out["citizenship_label"].append(cit[1])
        out["sex"].append(SEX[sex_text])
        out["detail"].append("; ".join(details) or None)
        out["freq"].append(freq)
        out["year"].append(year)
        out["quarter"].append(quarter)
        out["value"].append(number)
        out["flag"].append(flag or None)
        out["source_row"].append(row)
    frame = pd.DataFrame({
        **{c: pd.Series(out[c], dtype="string") for c in (
            "source_dataset", "measure", "applicant_type", "geo", "geo_label",
            "citizenship_iso3", "citizenship_label", "sex", "detail", "freq", "flag")},
        "year": np.asarray(out["year"], dtype="int32"),
        "quarter": pd.array(out["quarter"], dtype="Int8"),
        "value": np.asarray(out["value"], dtype="float64"),
        "source_row": np.asarray(out["source_row"], dtype="int32"),
    })
    _refuse_duplicates(frame, file_name, kind)
    return frame


KEY = ["source_dataset", "measure", "applicant_type", "geo", "citizenship_iso3", "sex",
       "detail", "freq", "year", "quarter"]


def _refuse_duplicates(frame: pd.DataFrame, file_name: str, kind: str) -> None:
    dup = frame.duplicated(KEY, keep=False)
    if dup.any():
        rows = frame.loc[dup, "source_row"].head(2).tolist()
        first = frame.loc[dup].iloc[0]
        raise ParseError(
            f"{file_name}: {'rows' if kind == 'rda' else 'lines'} {rows[0]} and {rows[1]}: "
            f"duplicate key ({first['measure']}, geo {first['geo']}, citizenship "
            f"{first['citizenship_iso3']}, sex {first['sex']}, {first['year']}"
            f"{'' if pd.isna(first['quarter']) else f' Q{first.quarter}'})")


# ----------------------------------------------------------------------------- parse
@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame
    vintage: dt.date
    kind: str
    dataset_code: str
    vintage_basis: str


def read_vintage(content: bytes, file_name: str = "") -> tuple[dt.date, str] | None:
    """The vintage documented for these exact bytes, with its basis; None if undocumented."""
    return DOCUMENTED_VINTAGES.get(snapshots.sha256_bytes(content))


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None) -> Parsed:
    """Parse any of the five file kinds into the tidy staging frame."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    kind = kind_of(content)
    if kind is None:
        if content[:2] != b"\x1f\x8b":
            _decode(content[:4096], file_name)  # a wrong encoding is said as such
        raise ParseError(f"{file_name}: not a Eurostat Data Explorer CSV, SDMX-CSV, API TSV or "
                         f"gdidata .rda (starts with {content[:40]!r})")
    raw = READERS[kind](content, file_name)
    bop = raw.code == "bop_rem6"
    frame = (harmonise_bop if bop else harmonise)(raw, file_name=file_name, kind=kind)
    if frame.empty:
        raise ParseError(f"{file_name}: no observations")
    documented = DOCUMENTED_VINTAGES.get(sha256)
    stated = _iso_date(raw.last_update)
    if vintage is not None:
        basis = ("the date recorded when the file was fetched (the catalogue's last data "
                 "update) or given on import")
    elif stated is not None:
        vintage, basis = stated, "the file's LAST UPDATE column"
    elif documented is not None:
        vintage, basis = documented
    else:
        raise ParseError(f"{file_name}: the file states no vintage and none is documented for "
                         "its bytes; pass one (python -m etl import … with a fetched file)")
    frame["vintage"] = np.datetime64(vintage, "D")
    frame["source_file"] = pd.Series([file_name] * len(frame), dtype="string")
    frame["snapshot_sha256"] = pd.Series([sha256] * len(frame), dtype="string")
    return Parsed(frame[BOP_COLUMNS if bop else STAGING_COLUMNS], vintage, kind, raw.code,
                  basis)


def harmonise_bop(raw: Raw, *, file_name: str, kind: str) -> pd.DataFrame:
    """bop_rem6 rows with Eurostat's codes as they are (values can be negative: balances)."""
    out = {c: [] for c in ("geo", "partner", "currency", "bop_item", "stk_flow", "freq",
                           "year", "quarter", "value", "flag", "source_row")}
    for dims, time, value, flag, row in zip(raw.dims, raw.time, raw.value, raw.flag, raw.row):
        where = _where(file_name, kind, row)
        if set(dims) != set(BOP_DIMS):
            raise ParseError(f"{where}: bop_rem6 dimensions {sorted(dims)}, expected "
                             f"{sorted(BOP_DIMS)}")
        if m := YEAR_RE.match(time.strip()):
            year, quarter = int(m[1]), None
        elif m := QUARTER_RE.match(time.strip()):
            year, quarter = int(m[1]), int(m[2])
        else:
            raise ParseError(f"{where}: unknown period {time!r} (expected YYYY or YYYY-Qn)")
        if dims["geo"] not in _geo_lookup():
            raise ParseError(f"{where}: unknown geo {dims['geo']!r}")
        for dim in BOP_DIMS:
            out[dim].append(dims[dim])
        out["year"].append(year)
        out["quarter"].append(quarter)
        out["value"].append(math.nan if value in MISSING else float(value))
        out["flag"].append(flag or None)
        out["source_row"].append(row)
    frame = pd.DataFrame({
        "source_dataset": pd.Series([raw.code] * len(out["year"]), dtype="string"),
        **{c: pd.Series(out[c], dtype="string") for c in (*BOP_DIMS, "flag")},
        "bop_item_label": pd.Series([None] * len(out["year"]), dtype="string"),
        "year": np.asarray(out["year"], dtype="int32"),
        "quarter": pd.array(out["quarter"], dtype="Int8"),
        "value": np.asarray(out["value"], dtype="float64"),
        "source_row": np.asarray(out["source_row"], dtype="int32"),
    })
    key = ["geo", "partner", "currency", "bop_item", "stk_flow", "freq", "year", "quarter"]
    dup = frame.duplicated(key, keep=False)
    if dup.any():
        rows = frame.loc[dup, "source_row"].head(2).tolist()
        raise ParseError(f"{file_name}: lines {rows[0]} and {rows[1]}: duplicate key")
    return frame


def _iso_date(text) -> dt.date | None:
    """A date from ISO text (catalogue ``2026-04-24T23:00:00+0200``) or SDMX-CSV's
    ``LAST UPDATE`` (``24/04/26 23:00:00``, day/month/year)."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(text, "%d/%m/%y %H:%M:%S").date()
    except ValueError:
        return None


def part_name(file_name: str) -> str:
    name = Path(file_name).name
    for suffix in (".gz", ".tsv", ".csv", ".rda"):
        name = name.removesuffix(suffix)
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "file"


# ----------------------------------------------------------------------------- import
def recognises(path: Path) -> bool:
    """True for a Eurostat file of one of our datasets in a format this module reads.

    IOM's ``gdidata_eu_asyapp.csv`` is a hand conversion of the ``.rda`` beside it, so it is
    not read (the ``.rda`` is).
    """
    if path.suffix.lower() not in {".csv", ".tsv", ".gz", ".rda", ".rdata"}:
        return False
    content = path.read_bytes()
    kind = kind_of(content)
    if kind in ("dw_csv", "tsv"):
        return dataset_code(path.name) is not None
    if kind in ("sdmx_csv1", "sdmx_csv2"):
        second = _gunzip(content)[:8192].split(b"\n")[1:2]
        return bool(second) and dataset_code(second[0].decode("utf-8", "replace")) is not None
    if kind == "rda":
        raw = _rda_stream(content)
        return all(len(c).to_bytes(4, "big") + c.encode() in raw for c in GDIDATA_COLUMNS)
    return False


def import_file(path: Path, *, raw_dir: Path | None = None,
                vintage: dt.date | None = None) -> snapshots.Snapshot:
    """Snapshot a local file (no network) into the raw store, with its documented vintage."""
    content = path.read_bytes()
    if kind_of(content) is None:
        raise ParseError(f"{path.name}: not a Eurostat file this source reads")
    documented = read_vintage(content, path.name)
    if documented and vintage and documented[0] != vintage:
        raise ParseError(f"{path.name}: these bytes are documented as vintage {documented[0]}, "
                         f"not {vintage}")
    return snapshots.store(
        content, publisher=PUBLISHER, dataset=DATASET, file_name=path.name,
        source_url=f"imported from {path.name}", licence=metadata.dataset(DATASET)["licence"],
        vintage=vintage or (documented[0] if documented else None), raw_dir=raw_dir,
    )


def stage(snapshot: snapshots.Snapshot, *, staging_dir: Path | None = None,
          force: bool = False) -> list[tuple[Path, bool]]:
    """Parse a raw snapshot into its staging file (one per source file, ``part=``)."""
    from etl import staging

    meta = snapshot.meta
    if meta["file_name"].startswith("bop_rem6_codelist"):
        return []  # a companion: read when bop_rem6 itself is staged
    vintage = meta.get("vintage")
    part = part_name(meta["file_name"])
    dataset = BOP_DATASET if dataset_code(meta["file_name"]) == "bop_rem6" else DATASET
    if vintage and not force and staging.is_current(dataset, vintage, snapshot.sha256,
                                                    staging_dir, part):
        return [(staging.file_for(dataset, vintage, staging_dir, part), False)]
    content = snapshot.path.read_bytes()
    documented = DOCUMENTED_VINTAGES.get(snapshot.sha256)
    given = dt.date.fromisoformat(vintage) if vintage and not documented else None
    parsed = parse(content, file_name=meta["file_name"], sha256=snapshot.sha256, vintage=given)
    extra = {k: meta[k] for k in ("dataset_code", "catalogue") if k in meta}
    if dataset == BOP_DATASET:
        labels, companion = bop_item_labels(snapshot.path.parents[2])
        parsed.frame["bop_item_label"] = parsed.frame["bop_item"].map(labels).astype("string")
        if companion is not None:
            extra["companions"] = {companion.meta["file_name"]: companion.sha256}
    provenance = staging.provenance_of(meta, parsed.vintage.isoformat(),
                                       vintage_basis=parsed.vintage_basis, file_kind=parsed.kind,
                                       dataset_code=parsed.dataset_code, **{
                                           k: v for k, v in extra.items()
                                           if k != "dataset_code"})
    target = staging.write(parsed.frame, dataset=dataset, vintage=parsed.vintage.isoformat(),
                           provenance=provenance, staging_dir=staging_dir, part=part)
    return [(target, True)]


def bop_item_labels(raw_dir: Path) -> tuple[dict[str, str], snapshots.Snapshot | None]:
    """Eurostat's BOP_ITEM labels from the newest stored code list (empty if none)."""
    found = [(f, m) for f, m in snapshots.sidecars(PUBLISHER, raw_dir)
             if m.get("file_name") == BOP_CODELIST_FILE]
    if not found:
        return {}, None
    path, meta = found[-1]
    text = _gunzip(path.read_bytes()).decode("utf-8-sig")
    labels = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        code, sep, label = line.partition("\t")
        if not sep or not code.strip():
            raise ParseError(f"{path.name}: line {n}: expected 'code<TAB>label', got {line!r}")
        labels[code.strip()] = label.strip()
    return labels, snapshots.Snapshot(path, meta, created=False)


# ----------------------------------------------------------------------------- fetch
def _client():
    """The maintained ``eurostat`` client (PyPI), which follows the API's asynchronous
    answers for large requests and reads the catalogue."""
    import eurostat

    return eurostat


def catalogue_entry(code: str) -> dict | None:
    """The catalogue (dataflow) entry of one dataset code, or None if Eurostat has none."""
    client = _client()
    try:
        toc = client.get_toc(agency="EUROSTAT", dataset=code)
    except (requests.RequestException, ValueError, KeyError, OSError,
            UnboundLocalError) as exc:
        raise http.FetchError(f"{SOURCE_PAGE}dataflow/ESTAT/{code}",
                              f"catalogue lookup failed: {exc}") from exc
    if len(toc) < 2:
        return None
    entry = dict(zip(("title", "catalogue_id", "type", "last_update", "structure_change",
                      "data_start", "data_end"), toc[1]))
    return {"code": code, **entry}


def resolve_codes(candidates=CANDIDATES) -> dict[str, list[dict]]:
    """Series → the catalogue entries of the candidate codes Eurostat lists (none guessed)."""
    return {series: [e for code in codes if (e := catalogue_entry(code)) is not None]
            for series, codes in candidates.items()}


def _data_url(code: str) -> str:
    client = _client()
    _, provider, dims = client.eurostat.__get_dims_info__(code, detail="order")
    filters = {**FETCH_FILTERS, **FETCH_FILTERS_BY_CODE.get(code, {})}
    key = ".".join(filters.get(name.lower(), "") for _, name in
                   sorted(dims, key=lambda d: int(d[0])))
    return f"{SOURCE_PAGE}data/{code}/{key}?format=TSV&compressed=true"


def download(code: str) -> tuple[bytes, str]:
    """One dataset's TSV (gzip) through the client, which waits out asynchronous answers."""
    client = _client()
    url = _data_url(code)
    try:
        resp = client.eurostat.__get_resp__(url, provider="EUROSTAT")
    except (requests.RequestException, ConnectionError, OSError) as exc:
        raise http.FetchError(url, f"download failed: {exc}") from exc
    if resp is None:
        raise http.FetchError(url, "the API answered with a fault (no data)")
    if not resp.ok:
        raise http.FetchError(url, f"HTTP {resp.status_code}")
    content = resp.content
    try:
        text = gzip.decompress(content)[:4096]
    except (OSError, EOFError) as exc:
        raise http.FetchError(url, f"not a complete gzip TSV ({len(content)} bytes): {exc}") \
            from exc
    if b"\\TIME_PERIOD" not in text.split(b"\n", 1)[0]:
        raise http.FetchError(url, f"not an Eurostat TSV (starts with {text[:60]!r})")
    return content, url


def fetch(*, session: requests.Session | None = None, raw_dir: Path | None = None,
          candidates=CANDIDATES, timeout: float = 120.0, progress=None,
          **_http_options) -> list[snapshots.Snapshot]:
    """Resolve the dataset codes in Eurostat's catalogue and download each one found.

    Nothing is stored unless every download passed its checks. Each snapshot records the
    code used and the catalogue entry (title, last data update = vintage, coverage).
    """
    _client().set_requests_args(timeout=timeout)
    resolved = resolve_codes(candidates)
    missing = [s for s, found in resolved.items() if not found]
    if missing:
        raise http.FetchError(SOURCE_PAGE, f"the catalogue lists none of the codes for "
                                           f"{missing}: {[candidates[s] for s in missing]}")
    downloads = []
    entries = [e for found in resolved.values() for e in found]
    for i, entry in enumerate(entries, 1):
        if progress:
            progress(f"[{i}/{len(entries)}] {entry['code']} ({entry['title']})")
        downloads.append((entry, *download(entry["code"])))
    bop = next((e for e, _, _ in downloads if e["code"] == "bop_rem6"), None)
    if bop is not None:
        url = SOURCE_PAGE + BOP_CODELIST_URL
        resp = _client().eurostat.__get_resp__(url, provider="EUROSTAT")
        if resp is None or not resp.ok:
            raise http.FetchError(url, "the BOP_ITEM code list could not be read")
        downloads.append(({**bop, "code": "bop_rem6", "file_name": BOP_CODELIST_FILE},
                          resp.content, url))
    licence = metadata.dataset(DATASET)["licence"]
    return [
        snapshots.store(content, publisher=PUBLISHER,
                        dataset=BOP_DATASET if entry["code"] == "bop_rem6" else DATASET,
                        file_name=entry.get("file_name") or f"{entry['code']}.tsv.gz",
                        source_url=url, licence=licence,
                        vintage=_iso_date(entry["last_update"]), raw_dir=raw_dir,
                        extra={"dataset_code": entry["code"],
                               "catalogue": json.dumps(entry, default=str)})
        for entry, content, url in downloads
    ]
