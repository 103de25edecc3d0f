"""World Bank: personal remittances paid and received, and GDP (World Development Indicators).

Three file kinds, all staged into the one dataset ``worldbank_wdi`` (one staging file per
source file, ``part=`` named after it, vintages side by side):

- the bulk-download CSV ``API_<indicator>_DS2_en_csv_v2_<n>.csv`` (UTF-8 with BOM, four
  metadata lines whose third is ``"Last Updated Date","<date>",`` — the vintage —, then a
  header ``Country Name, Country Code, Indicator Name, Indicator Code, 1960 … , ``; every line
  ends with a comma). One row per economy or aggregate × year; an empty cell is staged as a
  row with a NULL value.
- IOM's WDI extract ``wdi.rda`` (R data file, a long table ``geo, var, t, v``), read with
  ``pyreadr``. Only the remittance and GDP variables are staged (``remin``, ``remout``,
  ``gdp``); it lists only values that exist, so a missing value there is a missing row. It
  states no vintage: the vintage is the documented date of the IOM commit that last changed
  these exact bytes (``etl/reference/documented_vintages.csv``), or one given on import.
- World Bank API v2 JSON pages, ``[page-info, rows]``, as ``fetch`` stores them (one raw file
  per page); the vintage is the page info's ``lastupdated``; a ``null`` value is staged as a
  row with a NULL value, ``obs_status`` as ``flag``.

Aggregates (regions, income groups, …) are told from economies by
``etl/reference/worldbank_aggregates.csv`` (``is_aggregate``).

Modules: ``wdi`` parses the three kinds, ``api`` fetches the API pages; this package is the
source interface ``etl.pipeline`` calls.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from core import metadata
from etl import errors, http, pipeline, snapshots, staging, vintages
from etl.formats import rfiles, text
from etl.sources.worldbank.api import API_URL, PER_PAGE, check_api_page, fetch  # noqa: F401
from etl.sources.worldbank.wdi import (  # noqa: F401
    GDIDATA_COLUMNS, GDIDATA_VARS, GDP, INDICATORS, PAID, RECEIVED, RECEIVED_PCT_GDP,
    STAGING_COLUMNS, aggregates, iso_date, parse_api_json, parse_bulk_csv, parse_rda,
    read_bulk_vintage)

PUBLISHER = "worldbank"
DATASET = "worldbank_wdi"
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]
ParseError = errors.ParseError
part_name = staging.part_name


def kind_of(content: bytes) -> str | None:
    """``bulk_csv``, ``rda`` or ``api_json`` from the first bytes; None for anything else."""
    if rfiles.is_r_file(content):
        return "rda"
    head = content[:256].removeprefix(text.BOM).lstrip()
    if head.startswith(b'"Data Source"'):
        return "bulk_csv"
    if head.startswith(b"["):
        return "api_json"
    return None


def looks_like_gdidata_wdi(content: bytes) -> bool:
    """True if an .rda holds a ``geo, var, t, v`` table with the remittance variables."""
    return rfiles.holds_strings(content, (*GDIDATA_COLUMNS, "remin", "remout", "gdp"))


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None) -> pipeline.Parsed:
    """Parse any of the three file kinds into the tidy staging frame."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    check(content, file_name)
    parser = {"bulk_csv": parse_bulk_csv, "api_json": parse_api_json,
              "rda": parse_rda}[kind_of(content)]
    parsed = parser(content, file_name=file_name, sha256=sha256, vintage=vintage)
    if parsed.frame.empty:
        raise ParseError(f"{file_name}: no rows for {', '.join(INDICATORS)}")
    return parsed


def read_vintage(content: bytes, file_name: str = "") -> dt.date | None:
    """The vintage the file states (bulk CSV, API page) or that is documented for its bytes."""
    if found := stated_vintage(content, file_name):
        return found.date
    documented = vintages.documented(snapshots.sha256_bytes(content))
    return documented.date if documented else None


# ----------------------------------------------------------------------------- interface
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


def check(content: bytes, file_name: str) -> None:
    if kind_of(content) is None:
        text.decode(content, file_name)  # a wrong encoding is said as such
        raise ParseError(f"{file_name}: not a World Bank bulk CSV, API JSON page or WDI .rda "
                         f"(starts with {content[:40]!r})")


def stated_vintage(content: bytes, file_name: str) -> vintages.Vintage | None:
    """The vintage a bulk CSV or an API page states (an .rda states none)."""
    kind = kind_of(content)
    if kind == "bulk_csv":
        return vintages.Vintage(read_bulk_vintage(content, file_name), None)
    if kind == "api_json":
        try:
            found = iso_date(json.loads(text.decode(content, file_name))[0]["lastupdated"])
        except (json.JSONDecodeError, KeyError, IndexError, TypeError):
            return None
        return vintages.Vintage(found, None) if found else None
    return None


def target(snapshot: snapshots.Snapshot) -> tuple[str, str]:
    """One staging file per source file."""
    return DATASET, part_name(snapshot.meta["file_name"])
