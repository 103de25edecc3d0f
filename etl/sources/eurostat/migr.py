"""Eurostat migration statistics (``eurostat_migr``): a file's observations → staging rows.

Harmonised staging: ``geo`` is Eurostat's code (ISO-2 as Eurostat uses it, ``EL``, ``UK``;
aggregates ``EU27_2020``, ``EU28``, ``EU27_2007`` — the "European Union (27 countries)" of the
2017 exports is the 2007–2013 EU27 with the UK and without Croatia, never EU27_2020);
citizenship goes through the project's one mapping ``etl/reference/countries.csv`` to ISO-3
(``TOTAL`` for all citizenships, X-codes for stateless/unknown). ``measure`` names the series;
breakdowns other than the totals (sex, age, reason, apprehension place, border) are kept and
described in ``detail`` (NULL for the total row).
"""
from __future__ import annotations

import math
from functools import cache

import numpy as np
import pandas as pd

from core import reference
from etl import errors
from etl.formats.sdmx import MISSING, Raw
from etl.sources.eurostat.files import period_of, where

ParseError = errors.ParseError
STAGING_COLUMNS = [
    "source_dataset", "measure", "applicant_type", "geo", "geo_label", "citizenship_iso3",
    "citizenship_label", "sex", "detail", "freq", "year", "quarter", "value", "flag",
    "vintage", "source_file", "snapshot_sha256", "source_row",
]
MEASURE_OF = {"migr_eiord": "ordered_to_leave", "migr_eiord1": "ordered_to_leave",
              "migr_eipre": "illegally_present", "migr_eirfs": "refused_entry",
              "migr_asyappctza": "asylum_applicants"}
# The dimension that defines the measure, per dataset: dimension(s) → {value: measure}.
RETURN_KINDS = {
    # 2017 Data Explorer INDIC_MG labels
    "Total number of persons returned": "returned",
    "Persons returned to a third country": "returned_third_country",
    # c_dest (destination) of the current migr_eirtn / migr_eirtn1: codes and labels
    "TOTAL": "returned", "Total": "returned",
    "THRD": "returned_third_country", "Third countries": "returned_third_country",
}
REFUSED_ENTRY_INDICATORS = {"Persons refused entry", "REF_ENT", "TOTAL"}
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
GDIDATA_NAT = {"STL": "XXA"}  # gdidata's stateless code → the project's code
GDIDATA_GEO = {"EU27": "EU27_2020"}  # gdidata's EU27 is EU27_2020 (from 2013)
STRING_COLUMNS = ("source_dataset", "measure", "applicant_type", "geo", "geo_label",
                  "citizenship_iso3", "citizenship_label", "sex", "detail", "freq", "flag")
KEY = ["source_dataset", "measure", "applicant_type", "geo", "citizenship_iso3", "sex",
       "detail", "freq", "year", "quarter"]


@cache
def geo_lookup() -> dict[str, tuple[str, str]]:
    """Eurostat geo code or any label seen → (code, name), from ``eurostat_geo.csv``."""
    table = reference.eurostat_geo()
    found = {r.label: (r.geo, r.name) for r in table.itertuples()}
    found.update({r.geo: (r.geo, r.name) for r in table.itertuples()})
    return found


@cache
def _citizens() -> tuple[dict, dict, dict, dict]:
    """label → (iso3, name); Eurostat code → (iso3, name); iso3 → name; iso3 → 2-letter geo."""
    table = reference.countries()
    by_label = {r.label: (r.iso3, r.name) for r in table.itertuples()}
    by_code = {r.iso2: (r.iso3, r.name) for r in table.itertuples() if r.iso2}
    iso3_to_geo = {i3: c for c, (i3, _) in by_code.items() if len(c) == 2}
    return by_label, by_code, dict(zip(table["iso3"], table["name"])), iso3_to_geo


@cache
def _geo_of(text: str | None, iso3_codes: bool) -> tuple[str, str] | None:
    if iso3_codes:
        text = GDIDATA_GEO.get(text) or _citizens()[3].get(text, text)
    return geo_lookup().get(text)


@cache
def _citizenship_of(text: str, iso3_codes: bool) -> tuple[str, str] | None:
    by_label, by_code, names, _ = _citizens()
    if iso3_codes:
        iso3 = GDIDATA_NAT.get(text, text)
        return (iso3, names[iso3]) if iso3 in names else None
    return by_code.get(text) or by_label.get(text)


def _geo(text: str | None, iso3_codes: bool, at: str) -> tuple[str, str]:
    if (found := _geo_of(text, iso3_codes)) is None:
        if iso3_codes:
            text = GDIDATA_GEO.get(text) or _citizens()[3].get(text, text)
        raise ParseError(f"{at}: unknown geo {text!r} (not in etl/reference/eurostat_geo.csv)")
    return found


def _citizenship(text: str, iso3_codes: bool, at: str) -> tuple[str, str]:
    if (found := _citizenship_of(text, iso3_codes)) is None:
        if iso3_codes:
            raise ParseError(f"{at}: unknown citizenship code {text!r}")
        raise ParseError(f"{at}: unknown citizenship {text!r} (not in "
                         "etl/reference/countries.csv)")
    return found


def _measure(code: str, dims: dict, at: str) -> tuple[str | None, str | None]:
    """(measure, applicant_type), taking the measure-defining dimension out of ``dims``."""
    measure, applicant_type = MEASURE_OF.get(code), None
    if code in ("migr_eirtn", "migr_eirtn1"):
        kind_text = dims.pop("indic_mg", None) or dims.pop("c_dest", None)
        measure = RETURN_KINDS.get(kind_text)
        if measure is None:
            raise ParseError(f"{at}: unknown return indicator/destination {kind_text!r}")
    elif code == "migr_eirfs":
        indic = dims.pop("indic_mg", "Persons refused entry")
        if indic not in REFUSED_ENTRY_INDICATORS:
            raise ParseError(f"{at}: unknown indicator {indic!r}")
    if code == "migr_asyappctza":
        applicant_type = APPLICANT_TYPES.get(dims.pop("asyl_app", None))
        if applicant_type is None:
            raise ParseError(f"{at}: unknown applicant type")
    return measure, applicant_type


def count(value: str, at: str) -> float:
    """A count (NaN where the file marks it missing); never negative."""
    if value in MISSING:
        return math.nan
    try:
        number = float(value)
    except ValueError:
        raise ParseError(f"{at}: not a number: {value!r}") from None
    if number < 0 or not math.isfinite(number):
        raise ParseError(f"{at}: negative or non-finite count {value!r}")
    return number


def _row(code: str, dims: dict, time: str, value: str, flag: str, row: int, at: str) -> tuple:
    dims = dict(dims)
    iso3_codes = dims.pop("_codes", None) == "iso3"
    year, quarter = period_of(time, at)
    freq = FREQ.get(dims.pop("freq", "A" if quarter is None else "Q"))
    if freq is None or (freq == "Q") != (quarter is not None):
        raise ParseError(f"{at}: frequency does not match period {time!r}")
    geo, geo_label = _geo(dims.pop("geo", None), iso3_codes, at)
    cit_iso3, cit_label = _citizenship(dims.pop("citizen", "TOTAL"), iso3_codes, at)
    if (unit := dims.pop("unit", "PER")) not in UNIT_WORDS:
        raise ParseError(f"{at}: unexpected unit {unit!r} (expected persons)")
    measure, applicant_type = _measure(code, dims, at)
    if (sex := dims.pop("sex", "T")) not in SEX:
        raise ParseError(f"{at}: unknown sex {sex!r}")
    details = []
    for dim in DETAIL_DIMS:
        if (text := dims.pop(dim, "TOTAL")) not in TOTAL_WORDS:
            details.append(f"{dim}={text}")
    if dims:
        raise ParseError(f"{at}: unexpected dimension(s) {sorted(dims)}")
    return (code, measure, applicant_type, geo, geo_label, cit_iso3, cit_label, SEX[sex],
            "; ".join(details) or None, freq, flag or None, year, quarter, count(value, at), row)


def harmonise(raw: Raw, *, file_name: str, kind: str) -> pd.DataFrame:
    """Map a file's codes or labels onto the staging columns; refuse anything unknown."""
    rows = [_row(raw.code, dims, time, value, flag, row, where(file_name, kind, row))
            for dims, time, value, flag, row in zip(raw.dims, raw.time, raw.value, raw.flag,
                                                     raw.row)]
    columns = list(zip(*rows)) or [[] for _ in range(len(STRING_COLUMNS) + 4)]
    frame = pd.DataFrame({
        **{c: pd.Series(columns[i], dtype="string") for i, c in enumerate(STRING_COLUMNS)},
        "year": np.asarray(columns[11], dtype="int32"),
        "quarter": pd.array(list(columns[12]), dtype="Int8"),
        "value": np.asarray(columns[13], dtype="float64"),
        "source_row": np.asarray(columns[14], dtype="int32"),
    })
    _refuse_duplicates(frame, file_name, kind)
    return frame


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
