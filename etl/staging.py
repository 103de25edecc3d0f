"""Tidy staging tables, one Parquet file per dataset vintage, with a JSON provenance sidecar.

``data/staging/<dataset>/vintage=<YYYY-MM-DD>.parquet`` and ``….json`` (the raw snapshot's
sidecar plus row count and coverage). When one vintage of a dataset comes in several files
(e.g. two extractions on the same day), each gets a ``part``:
``vintage=<YYYY-MM-DD>.part=<name>.parquet``. These files are committed: they are the offline
default a fresh clone builds the warehouse from.
"""
from __future__ import annotations

import json
import re
import os
import tempfile
from pathlib import Path

import pandas as pd

from core import paths
from etl import snapshots


def dataset_dir(dataset: str, staging_dir: Path | None = None) -> Path:
    return (staging_dir or paths.STAGING_DIR) / dataset


def file_for(dataset: str, vintage: str, staging_dir: Path | None = None,
             part: str | None = None) -> Path:
    if part is not None and (not part or any(c in part for c in "/\\ .")):
        raise ValueError(f"a staging part is a plain word without dots or slashes: {part!r}")
    suffix = f".part={part}" if part else ""
    return dataset_dir(dataset, staging_dir) / f"vintage={vintage}{suffix}.parquet"


def sidecar_of(parquet: Path) -> Path:
    return parquet.with_suffix(".json")


def read_sidecar(parquet: Path) -> dict:
    return json.loads(sidecar_of(parquet).read_text(encoding="utf-8"))


def is_current(dataset: str, vintage: str, sha256: str, staging_dir: Path | None = None,
               part: str | None = None) -> bool:
    """True if the staging file for this vintage was derived from exactly these raw bytes."""
    target = file_for(dataset, vintage, staging_dir, part)
    if not (target.exists() and sidecar_of(target).exists()):
        return False
    return read_sidecar(target).get("sha256") == sha256


SNAPSHOT_FIELDS = ("publisher", "dataset", "file_name", "source_url", "retrieved_at", "sha256",
                   "size", "licence")


def provenance_of(snapshot_meta: dict, vintage: str, **extra) -> dict:
    """The staging sidecar's provenance: the raw snapshot's fields, the parsed vintage and
    any source-specific extras (e.g. how the vintage was established)."""
    return {**{k: snapshot_meta[k] for k in SNAPSHOT_FIELDS}, "vintage": vintage, **extra}


def write(frame: pd.DataFrame, *, dataset: str, vintage: str, provenance: dict,
          staging_dir: Path | None = None, part: str | None = None) -> Path:
    """Write one vintage (or one part of it) atomically; returns the Parquet path."""
    target = file_for(dataset, vintage, staging_dir, part)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".staging.", suffix=".parquet")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False, compression="zstd", row_group_size=len(frame) or 1)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    meta = dict(provenance)
    meta.update({"staging_file": target.name, "rows": int(len(frame)),
                 **coverage(frame)})
    snapshots.write_json_atomic(sidecar_of(target), meta)
    return target


def coverage(frame: pd.DataFrame) -> dict:
    """First and last period in a staging frame (``month`` dates or integer ``year``)."""
    if "month" in frame and len(frame):
        months = pd.to_datetime(frame["month"])
        return {"coverage_start": months.min().date().isoformat(),
                "coverage_end": months.max().date().isoformat()}
    if "year" in frame and len(frame):
        return {"coverage_start": f"{int(frame['year'].min())}-01-01",
                "coverage_end": f"{int(frame['year'].max())}-12-31"}
    return {"coverage_start": None, "coverage_end": None}


def files(staging_dir: Path | None = None) -> list[Path]:
    """Every committed staging Parquet file, sorted."""
    return sorted((staging_dir or paths.STAGING_DIR).glob("*/vintage=*.parquet"))


PART_SUFFIXES = (".gz", ".tsv", ".csv", ".rda", ".rdata", ".rds", ".json", ".xlsx")


def part_name(file_name: str) -> str:
    """The staging ``part`` of a source file: its name without the format's extensions
    (``x.tsv.gz`` → ``x``), anything but letters, digits, ``_`` and ``-`` as ``_``."""
    name = Path(file_name).name
    for suffix in PART_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "file"
