"""CBS observation files → staging rows: StatLine CSV, OData v4 observations CSV, OData v3
``TypedDataSet`` pages; each refuses unknown periods, non-numbers, duplicates, negatives."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd

from etl import errors
from etl.formats.text import csv_rows, records
from etl.sources.cbs.companions import Companions, odata_value
from etl.sources.cbs.kinds import (CODE_RE, DIMENSION_TYPES, NUMBER_RE, OBSERVATION_FIXED,
                                   OBSERVATION_LAYOUTS, PERIOD_RE, STATLINE_CSV_LAYOUTS)

ParseError = errors.ParseError
STAGING_COLUMNS = [
    "table_id", "measure", "measure_label", "unit", "dimensions", "dimension_labels",
    "period_code", "period_type", "period_start", "year", "value", "flag", "vintage",
    "source_file", "snapshot_sha256", "source_row",
]
_ROW_FIELDS = [c for c in STAGING_COLUMNS if c not in ("vintage", "source_file",
                                                      "snapshot_sha256", "table_id")]


class _Rows:
    """Staging rows of one file; refuses unknown periods, non-numbers, duplicates, negatives."""

    def __init__(self, file_name: str, table_id: str, companions: Companions):
        self.file_name, self.table_id, self.comp = file_name, table_id, companions
        self.out: dict[str, list] = {k: [] for k in _ROW_FIELDS}
        self.seen: dict[tuple, str] = {}

    def add(self, where: str, row: int, measure: str, dims: dict[str, str], period: str, raw,
            *, unit=None, measure_label=None, flag=None) -> None:
        loc = f"{self.file_name}: {where}"
        m = PERIOD_RE.match(period)
        if not m:
            raise ParseError(f"{loc}: unknown period format {period!r} (expected YYYYJJ00, "
                             "YYYYMMnn or YYYYKWnn)")
        for name, code in dims.items():
            if not CODE_RE.match(code):
                raise ParseError(f"{loc}: not a {name} code: {code!r}")
        key = (measure, tuple(dims.values()), period)
        if key in self.seen:
            raise ParseError(f"{self.file_name}: {self.seen[key]} and {where}: duplicate key "
                             f"({measure!r}, {', '.join(map(repr, dims.values()))}, {period!r})")
        self.seen[key] = where
        value = _number(raw, f"{loc}, {measure} {period}")
        if self.comp.measures:
            if measure not in self.comp.measures:
                raise ParseError(f"{loc}: unknown measure {measure!r} (not in the measure list)")
            measure_label, unit = self.comp.measures[measure]
        if value < 0 and "saldo" not in f"{measure} {measure_label or ''}".lower():
            raise ParseError(f"{loc}, {measure} {period}: negative count {raw!r}")
        year, month, quarter = int(m[1]), m[2], m[3]
        first = int(month) if month else 3 * int(quarter) - 2 if quarter else 1
        labels = {name: self.comp.label(name, code, loc) for name, code in dims.items()}
        for k, v in (("measure", measure), ("measure_label", measure_label), ("unit", unit),
                     ("dimensions", json.dumps(dims, ensure_ascii=False)),
                     ("dimension_labels", json.dumps(labels, ensure_ascii=False)),
                     ("period_code", period),
                     ("period_type", "month" if month else "quarter" if quarter else "year"),
                     ("period_start", dt.date(year, first, 1)), ("year", year), ("value", value),
                     ("flag", flag), ("source_row", row)):
            self.out[k].append(v)

    def frame(self, vintage: dt.date, sha256: str) -> pd.DataFrame:
        if not self.seen:
            raise ParseError(f"{self.file_name}: no observations")
        n = len(self.out["measure"])
        strings = {k: pd.Series(self.out[k], dtype="string") for k in (
            "measure", "measure_label", "unit", "dimensions", "dimension_labels", "period_code",
            "period_type", "flag")}
        frame = pd.DataFrame({
            "table_id": pd.Series([self.table_id] * n, dtype="string"), **strings,
            "period_start": pd.to_datetime(pd.Series(self.out["period_start"])).astype("datetime64[s]"),
            "year": np.asarray(self.out["year"], dtype="int32"),
            "value": np.asarray(self.out["value"], dtype="float64"),
            "vintage": np.datetime64(vintage, "D"),
            "source_file": pd.Series([self.file_name] * n, dtype="string"),
            "snapshot_sha256": pd.Series([sha256] * n, dtype="string"),
            "source_row": np.asarray(self.out["source_row"], dtype="int32"),
        })
        return frame[STAGING_COLUMNS]


def _number(raw, where: str) -> float:
    """A value as a float; NaN for CBS's missing marker "." (or JSON null, v4 empty Value)."""
    if raw is None:
        return math.nan
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw):
        return float(raw)
    text = raw.strip() if isinstance(raw, str) else None
    if text == ".":
        return math.nan
    if text is not None and NUMBER_RE.match(text):
        return float(text)
    raise ParseError(f"{where}: not a number: {raw!r}")



def parse_statline_csv(text: str, file_name: str, comp: Companions) -> _Rows:
    header = next(iter(csv_rows(text, delimiter=";")), (1, []))[1]
    known = STATLINE_CSV_LAYOUTS.get(tuple(header))
    if known is None:
        raise ParseError(f"{file_name}: line 1: unexpected header {header!r} (expected one of "
                         f"{[list(h) for h in STATLINE_CSV_LAYOUTS]!r})")
    (table, unit), dimension, measure = known, header[1], header[3]
    rows = _Rows(file_name, table, comp)
    for line, (row_id, code, period, value) in records(text, file_name, header, delimiter=";"):
        if not row_id.strip().isdigit():
            raise ParseError(f"{file_name}: line {line}: ID is not a row number: {row_id!r}")
        rows.add(f"line {line}", line, measure, {dimension: code.strip()}, period.strip(),
                 value, unit=unit)
    return rows


def parse_observations_csv(text: str, file_name: str, comp: Companions) -> _Rows:
    header = text.split("\n", 1)[0].rstrip("\r").split(",")
    table = OBSERVATION_LAYOUTS.get(tuple(header[len(OBSERVATION_FIXED):]))
    if header[:len(OBSERVATION_FIXED)] != OBSERVATION_FIXED or table is None:
        raise ParseError(f"{file_name}: line 1: unexpected header {header!r} (expected "
                         f"{OBSERVATION_FIXED} + one of {[list(k) for k in OBSERVATION_LAYOUTS]})")
    dims, rows = header[len(OBSERVATION_FIXED):-1], _Rows(file_name, table, comp)
    for line, row in records(text, file_name, header, delimiter=","):
        obs_id, measure, attribute, value, string_value, *codes, period = (c.strip() for c in row)
        if not obs_id.isdigit():
            raise ParseError(f"{file_name}: line {line}: Id is not a number: {obs_id!r}")
        if string_value:
            raise ParseError(f"{file_name}: line {line}: not a number: StringValue "
                             f"{string_value!r}")
        rows.add(f"line {line}", line, measure, dict(zip(dims, codes)), period,
                 value if value else None, flag=None if attribute == "None" else attribute or None)
    return rows


def parse_typed_dataset(text: str, file_name: str, comp: Companions, table: str) -> _Rows:
    if not comp.properties:
        raise ParseError(f"{file_name}: no DataProperties of {table} in the raw store: dimensions "
                         "and topics cannot be told apart")
    kinds = {p.get("Key"): p.get("Type") for p in comp.properties}
    dims = [k for k, t in kinds.items() if t in DIMENSION_TYPES]
    times = [k for k, t in kinds.items() if t == "TimeDimension"]
    if len(times) != 1:
        raise ParseError(f"{file_name}: DataProperties of {table} name {len(times)} time "
                         "dimensions, expected 1")
    time_dim = times[0]
    rows = _Rows(file_name, table, comp)
    for i, row in enumerate(odata_value(text, file_name), 1):
        if not isinstance(row, dict) or any(k not in row for k in ("ID", *dims, time_dim)):
            raise ParseError(f"{file_name}: row {i}: expected ID, {dims} and {time_dim!r}, got "
                             f"{list(row) if isinstance(row, dict) else row!r}")
        codes = {d: str(row[d]).strip() for d in dims}
        period = str(row[time_dim]).strip()
        for key, value in row.items():
            if key in ("ID", time_dim, *dims):
                continue
            if kinds.get(key) != "Topic":
                raise ParseError(f"{file_name}: row {i}: unknown key {key!r} (not a Topic in "
                                 "DataProperties)")
            status = comp.status.get(period)
            rows.add(f"row {i}", i, key, codes, period, value,
                     flag=status if status and status != "Definitief" else None)
    return rows

