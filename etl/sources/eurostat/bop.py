"""Eurostat bop_rem6 (``eurostat_bop``): personal transfers and workers' remittances by
partner, rows with Eurostat's codes as they are (values can be negative: balances), and the
item labels from Eurostat's ``BOP_ITEM`` code list, a companion fetched beside it."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from etl import errors, snapshots
from etl.formats import text
from etl.formats.sdmx import MISSING, Raw
from etl.sources.eurostat.files import period_of, where
from etl.sources.eurostat.migr import geo_lookup

ParseError = errors.ParseError
PUBLISHER = "eurostat"
BOP_DIMS = ("freq", "currency", "bop_item", "stk_flow", "partner", "geo")
BOP_COLUMNS = ["source_dataset", "geo", "partner", "currency", "bop_item", "bop_item_label",
               "stk_flow", "freq", "year", "quarter", "value", "flag", "vintage", "source_file",
               "snapshot_sha256", "source_row"]
BOP_KEY = ["geo", "partner", "currency", "bop_item", "stk_flow", "freq", "year", "quarter"]
# Eurostat's BOP_ITEM code list (code<TAB>label), fetched with bop_rem6 and stored beside it
# so staged rows carry Eurostat's own item labels.
BOP_CODELIST_URL = "codelist/ESTAT/BOP_ITEM/latest?format=TSV&compressed=true&lang=en"
BOP_CODELIST_FILE = "bop_rem6_codelist_bop_item.tsv.gz"


def harmonise_bop(raw: Raw, *, file_name: str, kind: str,
                  labels: dict[str, str] | None = None) -> pd.DataFrame:
    """bop_rem6 rows; ``labels`` maps BOP_ITEM codes to Eurostat's labels."""
    rows = []
    for dims, time, value, flag, row in zip(raw.dims, raw.time, raw.value, raw.flag, raw.row):
        at = where(file_name, kind, row)
        if set(dims) != set(BOP_DIMS):
            raise ParseError(f"{at}: bop_rem6 dimensions {sorted(dims)}, expected "
                             f"{sorted(BOP_DIMS)}")
        year, quarter = period_of(time, at)
        if dims["geo"] not in geo_lookup():
            raise ParseError(f"{at}: unknown geo {dims['geo']!r}")
        rows.append((*(dims[d] for d in BOP_DIMS), flag or None, year, quarter,
                     math.nan if value in MISSING else float(value), row))
    columns = list(zip(*rows)) or [[] for _ in range(len(BOP_DIMS) + 5)]
    n = len(rows)
    frame = pd.DataFrame({
        "source_dataset": pd.Series([raw.code] * n, dtype="string"),
        **{c: pd.Series(columns[i], dtype="string") for i, c in enumerate((*BOP_DIMS, "flag"))},
        "year": np.asarray(columns[7], dtype="int32"),
        "quarter": pd.array(list(columns[8]), dtype="Int8"),
        "value": np.asarray(columns[9], dtype="float64"),
        "source_row": np.asarray(columns[10], dtype="int32"),
    })
    frame["bop_item_label"] = frame["bop_item"].map(labels or {}).astype("string")
    dup = frame.duplicated(BOP_KEY, keep=False)
    if dup.any():
        lines = frame.loc[dup, "source_row"].head(2).tolist()
        raise ParseError(f"{file_name}: lines {lines[0]} and {lines[1]}: duplicate key")
    return frame


def bop_item_labels(raw_dir: Path) -> tuple[dict[str, str], snapshots.Snapshot | None]:
    """Eurostat's BOP_ITEM labels from the newest stored code list (empty if none)."""
    found = [(f, m) for f, m in snapshots.sidecars(PUBLISHER, raw_dir)
             if m.get("file_name") == BOP_CODELIST_FILE]
    if not found:
        return {}, None
    path, meta = found[-1]
    labels = {}
    for n, line in enumerate(text.decode(text.gunzip(path.read_bytes()), path.name)
                             .splitlines(), 1):
        if not line.strip():
            continue
        code, sep, label = line.partition("\t")
        if not sep or not code.strip():
            raise ParseError(f"{path.name}: line {n}: expected 'code<TAB>label', got {line!r}")
        labels[code.strip()] = label.strip()
    return labels, snapshots.Snapshot(path, meta, created=False)
