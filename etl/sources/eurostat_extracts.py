"""Eurostat tables that reach us through someone else's hands, read as they are.

* R ``eurostat``-package caches (``.rds``) of two complete **bulk** downloads made on
  2024-01-18: ``migr_asyappctza`` (asylum applicants: all, first-time, subsequent, by geo ×
  citizenship × sex × age, 2008–2022; 6.3 M rows) and ``demo_pjan`` (population on 1 January,
  1960–2022). The package dropped Eurostat's flags. Only the published totals over sex and
  age are staged (``sex = T``, ``age = TOTAL``): 201,046 asylum rows, not 6.3 M.
* A third-party **processed** CSV of ``migr_eirtn`` (returned to a third country, by
  citizenship × geo, 2014–2023, vintage 20 Sep 2024), whose author removed zeros, flags and
  the EU aggregates, and whose value column is mislabelled "Third Country Nationals Ordered
  to Leave". Its ``Asia`` rows overlap the Asian countries listed beside them and are not
  staged (a sum over citizenships would count those people twice).

Files are recognised by their exact bytes (sha256, ``DOCUMENTED``): their vintage is not in
the file, so an unknown file of the same shape is refused rather than given a guessed date.
``.rds`` and ``.rda`` are read with pyreadr (librdata): the 6.3 M-row cache takes ~40 s,
against more than 15 minutes with the pure-Python ``rdata``.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import reference
from etl import errors
from etl.sources import eurostat

RCACHE_BASIS = ("download date recorded by the R eurostat package in its cache index "
                "(cache_list.json: source bulk, keepFlags false, download_date 2024-01-18) "
                "in bgautijonsson/asylum, data-raw/, commit 9f5cccaf497d60b0aa62737e59ff65126f4ad9b9; "
                "Eurostat's own last-update date is not recorded; flags were dropped")
NATIX_BASIS = ("LAST UPDATE 20/09/24 of the raw migr_eirtn file, as printed by the "
               "preprocessing notebook of natix-x/Data-mining-in-Migration-Analysis "
               "(processed_data/third_country_nationals_ordered_to_leave.csv, commit "
               "a9f9a52d26aae85b21428fb8ef8822a63e1f0969); third-party extract of migr_eirtn "
               "(vintage 20 Sep 2024); zeros and flags removed by its author")

# sha256 of the exact bytes → (what the file is, vintage).
DOCUMENTED = {
    "4e0d5730f69a4e891e9edebcd706e19554b5feb606f5b83f6bb32fa1feb19b94":
        ("rcache_asylum", dt.date(2024, 1, 18)),
    "61f2fedf8428111df3a7bc604078cba39d87bd9137f66618e5cc2a07172b1076":
        ("rcache_population", dt.date(2024, 1, 18)),
    "e20aa05f75aa21aefdb34b6b3b58da1e039f1ef6d6f1d326a517515a1229dc36":
        ("natix_thrd", dt.date(2024, 9, 20)),
}
NATIX_HEADER = ["citizen", "geo", "year", "Third Country Nationals Ordered to Leave"]
RCACHE_ASYLUM_COLUMNS = ["freq", "citizen", "sex", "unit", "age", "asyl_app", "geo",
                         "TIME_PERIOD", "values"]
RCACHE_POPULATION_COLUMNS = ["freq", "unit", "age", "sex", "geo", "TIME_PERIOD", "values"]
APPLICANT_TYPES = {"ASY_APP": "all", "NASY_APP": "first_time", "SSEQ": "subsequent"}
# Citizenship groups Eurostat publishes beside the countries; they are sums of other rows.
CITIZEN_GROUPS = {"EU27_2020", "EXT_EU27_2020"}
NATIX_OVERLAPPING = {"Asia"}
POPULATION_COLUMNS = ["source_dataset", "geo", "geo_label", "year", "value", "vintage",
                      "source_file", "snapshot_sha256", "source_row"]


class ParseError(errors.ParseError):
    """The file does not have the content we expect; the message names file, row, value."""


@dataclass(frozen=True)
class Parsed:
    frame: pd.DataFrame
    vintage: dt.date
    dataset_code: str
    vintage_basis: str
    staging_dataset: str  # eurostat_migr or eurostat_population


def identify(content: bytes) -> tuple[str, dt.date] | None:
    """What these exact bytes are (kind, vintage), or None."""
    import hashlib

    return DOCUMENTED.get(hashlib.sha256(content).hexdigest())


def read_r(content: bytes, file_name: str) -> pd.DataFrame:
    """The one table in an R ``.rds`` or ``.rda`` file (pyreadr needs a file path)."""
    import pyreadr

    suffix = ".rds" if file_name.lower().endswith(".rds") else ".rda"
    fd, tmp = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        try:
            tables = pyreadr.read_r(tmp)
        except Exception as exc:  # pyreadr raises its own kinds for damaged streams
            raise ParseError(f"{file_name}: not a readable R data file: {exc}") from exc
    finally:
        os.unlink(tmp)
    frames = [t for t in tables.values() if isinstance(t, pd.DataFrame)]
    if len(frames) != 1:
        raise ParseError(f"{file_name}: expected one table, found {len(frames)}")
    return frames[0]


def _columns(table: pd.DataFrame, expected: list[str], file_name: str) -> None:
    if list(table.columns) != expected:
        raise ParseError(f"{file_name}: expected columns {expected}, found {list(table.columns)}")


def _years(periods: pd.Series, file_name: str, rows: np.ndarray) -> np.ndarray:
    """``YYYY-01-01`` (the cache's annual dates) → year; anything else is refused."""
    text = periods.astype("string")
    ok = text.str.fullmatch(r"\d{4}-01-01").fillna(False)
    if not ok.all():
        i = int(np.flatnonzero(~ok.to_numpy())[0])
        raise ParseError(f"{file_name}: row {rows[i]}: period {text.iloc[i]!r} is not an "
                         "annual date (YYYY-01-01)")
    return text.str[:4].astype(int).to_numpy(dtype="int32")


def _counts(values: pd.Series, file_name: str, rows: np.ndarray, column: str) -> np.ndarray:
    """Non-negative whole numbers, or missing (NaN / empty); the message names row and value."""
    text = values.astype("string").str.strip()
    text = text.mask(text == "")
    number = pd.to_numeric(text, errors="coerce").astype("float64").to_numpy()
    nan = np.isnan(number)
    bad = (nan & text.notna().to_numpy()) | (~nan & ((number < 0) | ~np.isfinite(number)
                                                     | (number != np.round(number))))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ParseError(f"{file_name}: row {rows[i]}, column {column}: {values.iloc[i]!r} is "
                         "not a count of persons")
    return number


def _geos(codes_or_labels: pd.Series, file_name: str, rows: np.ndarray):
    lookup = eurostat._geo_lookup()
    unknown = sorted(set(codes_or_labels) - set(lookup))
    if unknown:
        i = int(np.flatnonzero(codes_or_labels.isin(unknown).to_numpy())[0])
        raise ParseError(f"{file_name}: row {rows[i]}: unknown geo {unknown[0]!r} (not in "
                         "etl/reference/eurostat_geo.csv)")
    pairs = codes_or_labels.map(lookup)
    return pairs.str[0].astype("string"), pairs.str[1].astype("string")


def _citizenships(values: pd.Series, lookup: dict, file_name: str, rows: np.ndarray):
    unknown = sorted(set(values) - set(lookup))
    if unknown:
        i = int(np.flatnonzero(values.isin(unknown).to_numpy())[0])
        raise ParseError(f"{file_name}: row {rows[i]}: unknown citizenship {unknown[0]!r} "
                         "(not in etl/reference/countries.csv)")
    pairs = values.map(lookup)
    return pairs.str[0].astype("string"), pairs.str[1].astype("string")


def _migr_frame(*, code, measure, applicant_type, geo, geo_label, iso3, cit_label, year,
                value, rows, vintage, file_name, sha256) -> pd.DataFrame:
    n = len(rows)

    def const(v):
        return pd.Series([v] * n, dtype="string")

    frame = pd.DataFrame({
        "source_dataset": const(code), "measure": const(measure),
        "applicant_type": (applicant_type if isinstance(applicant_type, pd.Series)
                           else const(applicant_type)).reset_index(drop=True),
        "geo": geo.reset_index(drop=True), "geo_label": geo_label.reset_index(drop=True),
        "citizenship_iso3": iso3.reset_index(drop=True),
        "citizenship_label": cit_label.reset_index(drop=True),
        "sex": const("T"), "detail": const(None), "freq": const("A"),
        "year": year, "quarter": pd.array([pd.NA] * n, dtype="Int8"), "value": value,
        "flag": const(None), "vintage": np.datetime64(vintage, "D"),
        "source_file": const(file_name), "snapshot_sha256": const(sha256),
        "source_row": rows.astype("int32"),
    })
    eurostat._refuse_duplicates(frame, file_name, "rda")
    return frame[eurostat.STAGING_COLUMNS]


def parse_rcache_asylum(table: pd.DataFrame, *, file_name, sha256, vintage) -> pd.DataFrame:
    _columns(table, RCACHE_ASYLUM_COLUMNS, file_name)
    rows = np.arange(1, len(table) + 1)
    keep = ((table["sex"] == "T") & (table["age"] == "TOTAL")
            & ~table["citizen"].isin(CITIZEN_GROUPS)).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    for column, allowed in (("freq", {"A"}), ("unit", {"PER"}), ("asyl_app", set(APPLICANT_TYPES))):
        odd = sorted(set(t[column]) - allowed)
        if odd:
            raise ParseError(f"{file_name}: unexpected {column} {odd[0]!r}")
    _, by_code = eurostat._citizen_lookup()
    geo, geo_label = _geos(t["geo"], file_name, rows)
    iso3, cit_label = _citizenships(t["citizen"], by_code, file_name, rows)
    return _migr_frame(
        code="migr_asyappctza", measure="asylum_applicants",
        applicant_type=t["asyl_app"].map(APPLICANT_TYPES).astype("string"), geo=geo,
        geo_label=geo_label, iso3=iso3, cit_label=cit_label,
        year=_years(t["TIME_PERIOD"], file_name, rows),
        value=_counts(t["values"], file_name, rows, "values"), rows=rows, vintage=vintage,
        file_name=file_name, sha256=sha256)


def parse_rcache_population(table: pd.DataFrame, *, file_name, sha256, vintage) -> pd.DataFrame:
    """Population on 1 January, totals over sex and age, for the geos the project reports
    on (etl/reference/eurostat_geo.csv); other geos of demo_pjan are not staged."""
    _columns(table, RCACHE_POPULATION_COLUMNS, file_name)
    rows = np.arange(1, len(table) + 1)
    known = set(eurostat._geo_lookup())
    keep = ((table["sex"] == "T") & (table["age"] == "TOTAL") & table["geo"].isin(known)).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    odd = sorted(set(t["unit"]) - {"NR"})
    if odd:
        raise ParseError(f"{file_name}: unexpected unit {odd[0]!r} (expected NR)")
    geo, geo_label = _geos(t["geo"], file_name, rows)
    frame = pd.DataFrame({
        "source_dataset": pd.Series(["demo_pjan"] * len(t), dtype="string"),
        "geo": geo.reset_index(drop=True), "geo_label": geo_label.reset_index(drop=True),
        "year": _years(t["TIME_PERIOD"], file_name, rows),
        "value": _counts(t["values"], file_name, rows, "values"),
        "vintage": np.datetime64(vintage, "D"),
        "source_file": pd.Series([file_name] * len(t), dtype="string"),
        "snapshot_sha256": pd.Series([sha256] * len(t), dtype="string"),
        "source_row": rows.astype("int32"),
    })
    dup = frame.duplicated(["geo", "year"], keep=False)
    if dup.any():
        first = frame.loc[dup].iloc[0]
        raise ParseError(f"{file_name}: duplicate population for {first.geo} {first.year}")
    return frame[POPULATION_COLUMNS]


def parse_natix_thrd(content: bytes, *, file_name, sha256, vintage) -> pd.DataFrame:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{file_name}: not UTF-8 text: {exc}") from exc
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    _columns(table, NATIX_HEADER, file_name)
    rows = np.arange(2, len(table) + 2)  # line numbers (line 1 is the header)
    keep = ~table["citizen"].isin(NATIX_OVERLAPPING).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    years = t["year"]
    if not years.str.fullmatch(r"\d{4}").all():
        i = int(np.flatnonzero(~years.str.fullmatch(r"\d{4}").to_numpy())[0])
        raise ParseError(f"{file_name}: line {rows[i]}: year {years.iloc[i]!r}")
    by_label, _ = eurostat._citizen_lookup()
    geo, geo_label = _geos(t["geo"], file_name, rows)
    citizen = t["citizen"].map(reference.clean_label)  # Kosovo*, Palestine* (footnotes)
    iso3, cit_label = _citizenships(citizen, by_label, file_name, rows)
    value = _counts(t[NATIX_HEADER[3]], file_name, rows, NATIX_HEADER[3])
    return _migr_frame(
        code="migr_eirtn", measure="returned_third_country", applicant_type=None, geo=geo,
        geo_label=geo_label, iso3=iso3, cit_label=cit_label,
        year=years.astype(int).to_numpy(dtype="int32"), value=value, rows=rows,
        vintage=vintage, file_name=file_name, sha256=sha256)


def parse(content: bytes, *, file_name: str, sha256: str) -> Parsed:
    found = identify(content)
    if found is None:
        raise ParseError(f"{file_name}: not one of the documented Eurostat extracts (R cache "
                         "or processed migr_eirtn CSV); its vintage is unknown")
    kind, vintage = found
    if kind == "natix_thrd":
        frame = parse_natix_thrd(content, file_name=file_name, sha256=sha256, vintage=vintage)
        return Parsed(frame, vintage, "migr_eirtn", NATIX_BASIS, "eurostat_migr")
    table = read_r(content, file_name)
    if kind == "rcache_asylum":
        frame = parse_rcache_asylum(table, file_name=file_name, sha256=sha256, vintage=vintage)
        return Parsed(frame, vintage, "migr_asyappctza", RCACHE_BASIS, "eurostat_migr")
    frame = parse_rcache_population(table, file_name=file_name, sha256=sha256, vintage=vintage)
    return Parsed(frame, vintage, "demo_pjan", RCACHE_BASIS, "eurostat_population")
