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

Population (demo_pjan) is staged in the same long shape, as measure ``population``
(citizenship TOTAL), for the geographies of ``etl/reference/eurostat_geo.csv``.

Recognised by content (the R table's column names, the CSV's header); none of the three
states its vintage, which comes from ``etl/reference/documented_vintages.csv`` for their exact
bytes: an unknown file of the same shape is refused rather than given a guessed date. The R
files are read by the shared reader (``etl.formats.rfiles``).
"""
from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd

from core import reference
from etl import errors
from etl.formats import rfiles
from etl.sources.eurostat import migr

NATIX_HEADER = ["citizen", "geo", "year", "Third Country Nationals Ordered to Leave"]
RCACHE_ASYLUM_COLUMNS = ["freq", "citizen", "sex", "unit", "age", "asyl_app", "geo",
                         "TIME_PERIOD", "values"]
RCACHE_POPULATION_COLUMNS = ["freq", "unit", "age", "sex", "geo", "TIME_PERIOD", "values"]
APPLICANT_TYPES = {"ASY_APP": "all", "NASY_APP": "first_time", "SSEQ": "subsequent"}
# Citizenship groups Eurostat publishes beside the countries; they are sums of other rows.
CITIZEN_GROUPS = {"EU27_2020", "EXT_EU27_2020"}
NATIX_OVERLAPPING = {"Asia"}


ParseError = errors.ParseError
DATASET_OF = {"rcache_asylum": "migr_asyappctza", "rcache_population": "demo_pjan",
              "natix_thrd": "migr_eirtn"}


def kind_of(content: bytes) -> str | None:
    """``rcache_asylum``, ``rcache_population``, ``natix_thrd`` or None (a cheap sniff)."""
    if rfiles.is_r_file(content):
        if rfiles.holds_strings(content, RCACHE_ASYLUM_COLUMNS):
            return "rcache_asylum"
        if rfiles.holds_strings(content, RCACHE_POPULATION_COLUMNS):
            return "rcache_population"
        return None
    first = content[:512].split(b"\n", 1)[0].strip()
    return "natix_thrd" if first == ",".join(NATIX_HEADER).encode() else None


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


def _split(pairs: list[tuple[str, str]]) -> tuple[pd.Series, pd.Series]:
    """(code, name) pairs → two string columns."""
    return (pd.Series([p[0] for p in pairs], dtype="string"),
            pd.Series([p[1] for p in pairs], dtype="string"))


def _lookup(values: pd.Series, lookup: dict, what: str, reference: str, file_name: str,
            rows: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """(code, name) columns for each value; the first unknown value is refused by name."""
    unknown = sorted(set(values) - set(lookup))
    if unknown:
        i = int(np.flatnonzero(values.isin(unknown).to_numpy())[0])
        raise ParseError(f"{file_name}: row {rows[i]}: unknown {what} {unknown[0]!r} (not in "
                         f"etl/reference/{reference})")
    return _split([lookup[v] for v in values])


def _geos(codes_or_labels: pd.Series, file_name: str, rows: np.ndarray):
    return _lookup(codes_or_labels, migr.geo_lookup(), "geo", "eurostat_geo.csv", file_name, rows)


def _citizenships(values: pd.Series, lookup: dict, file_name: str, rows: np.ndarray):
    return _lookup(values, lookup, "citizenship", "countries.csv", file_name, rows)


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
    migr._refuse_duplicates(frame, file_name, "rda")
    return frame[migr.STAGING_COLUMNS]


def parse_rcache_asylum(table: pd.DataFrame, *, file_name, sha256, vintage) -> pd.DataFrame:
    rows = np.arange(1, len(table) + 1)
    keep = ((table["sex"] == "T") & (table["age"] == "TOTAL")
            & ~table["citizen"].isin(CITIZEN_GROUPS)).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    for column, allowed in (("freq", {"A"}), ("unit", {"PER"}), ("asyl_app", set(APPLICANT_TYPES))):
        odd = sorted(set(t[column]) - allowed)
        if odd:
            raise ParseError(f"{file_name}: unexpected {column} {odd[0]!r}")
    by_code = migr._citizens()[1]
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
    on (etl/reference/eurostat_geo.csv); demo_pjan's other geos are not staged."""
    rows = np.arange(1, len(table) + 1)
    keep = ((table["sex"] == "T") & (table["age"] == "TOTAL")
            & table["geo"].isin(set(migr.geo_lookup()))).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    odd = sorted(set(t["unit"]) - {"NR"}) + sorted(set(t["freq"]) - {"A"})
    if odd:
        raise ParseError(f"{file_name}: unexpected unit or frequency {odd[0]!r}")
    geo, geo_label = _geos(t["geo"], file_name, rows)
    n = len(t)
    return _migr_frame(
        code="demo_pjan", measure="population", applicant_type=None, geo=geo,
        geo_label=geo_label, iso3=pd.Series(["TOTAL"] * n, dtype="string"),
        cit_label=pd.Series(["All citizenships"] * n, dtype="string"),
        year=_years(t["TIME_PERIOD"], file_name, rows),
        value=_counts(t["values"], file_name, rows, "values"), rows=rows, vintage=vintage,
        file_name=file_name, sha256=sha256)


def parse_natix_thrd(content: bytes, *, file_name, sha256, vintage) -> pd.DataFrame:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{file_name}: not UTF-8 text: {exc}") from exc
    table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    rows = np.arange(2, len(table) + 2)  # line numbers (line 1 is the header)
    if list(table.columns) != NATIX_HEADER:
        raise ParseError(f"{file_name}: expected header {NATIX_HEADER}, found "
                         f"{list(table.columns)}")
    keep = ~table["citizen"].isin(NATIX_OVERLAPPING).to_numpy()
    t, rows = table.loc[keep], rows[keep]
    years = t["year"]
    if not years.str.fullmatch(r"\d{4}").all():
        i = int(np.flatnonzero(~years.str.fullmatch(r"\d{4}").to_numpy())[0])
        raise ParseError(f"{file_name}: line {rows[i]}: year {years.iloc[i]!r}")
    by_label = migr._citizens()[0]
    geo, geo_label = _geos(t["geo"], file_name, rows)
    citizen = t["citizen"].map(reference.clean_label)  # Kosovo*, Palestine* (footnotes)
    iso3, cit_label = _citizenships(citizen, by_label, file_name, rows)
    value = _counts(t[NATIX_HEADER[3]], file_name, rows, NATIX_HEADER[3])
    return _migr_frame(
        code="migr_eirtn", measure="returned_third_country", applicant_type=None, geo=geo,
        geo_label=geo_label, iso3=iso3, cit_label=cit_label,
        year=years.astype(int).to_numpy(dtype="int32"), value=value, rows=rows,
        vintage=vintage, file_name=file_name, sha256=sha256)


def frame(content: bytes, kind: str, *, file_name: str, sha256: str,
          vintage: dt.date) -> pd.DataFrame:
    """The staging frame of one of the three extracts (``kind`` from :func:`kind_of`)."""
    if kind == "natix_thrd":
        return parse_natix_thrd(content, file_name=file_name, sha256=sha256, vintage=vintage)
    columns = RCACHE_ASYLUM_COLUMNS if kind == "rcache_asylum" else RCACHE_POPULATION_COLUMNS
    table = rfiles.read_table(content, file_name, columns, numbers=("values",))
    parse_table = parse_rcache_asylum if kind == "rcache_asylum" else parse_rcache_population
    return parse_table(table, file_name=file_name, sha256=sha256, vintage=vintage)
