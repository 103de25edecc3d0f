"""Tidy staging tables, one Parquet file per dataset vintage, with a JSON provenance sidecar.

``data/staging/<dataset>/vintage=<YYYY-MM-DD>.parquet`` and ``….json`` (the raw snapshot's
sidecar plus row count and coverage). When one vintage of a dataset comes in several files
(e.g. two extractions on the same day), each gets a ``part``:
``vintage=<YYYY-MM-DD>.part=<name>.parquet``. These files are committed: they are the offline
default a fresh clone builds the warehouse from.

Guards, the same for every source:

- a part is keyed by its file name without loss: a name whose sanitised form differs from it
  (``labels v.csv``, ``labels.v.csv``) gets a short hash of the whole name, so two files can
  never share one part; a part that holds another file's rows is never overwritten;
- the same file name and vintage with other bytes is refused, never silently replaced;
- the Parquet file and its sidecar are written as a pair: the sidecar (written first)
  records the Parquet file's sha256 (``parquet_sha256``), which the build verifies, so a
  write cut off between the two is detected rather than served with the wrong provenance.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

from core import paths
from etl import errors, snapshots


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


def _shown(path: Path) -> str:
    """A staging path as the messages name it: ``data/…`` (no server paths)."""
    try:
        return "data/" + path.relative_to(paths.DATA_DIR).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def read_sidecar(parquet: Path) -> dict:
    """The staging sidecar of ``parquet``; a missing or damaged one is a StagingError that
    names the file."""
    side = sidecar_of(parquet)
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise errors.StagingError(f"{_shown(side)}: the sidecar of {parquet.name} is missing; "
                                  "re-import the file it came from") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise errors.StagingError(f"{_shown(side)}: not a valid staging sidecar ({exc}); "
                                  "restore it (git checkout) or re-import its file") from None
    if not isinstance(meta, dict):
        raise errors.StagingError(f"{_shown(side)}: not a valid staging sidecar (a JSON "
                                  f"{type(meta).__name__}, not an object)")
    return meta


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify(parquet: Path) -> dict:
    """The sidecar of ``parquet`` if it describes exactly this Parquet file (its recorded
    ``parquet_sha256``); else a StagingError naming the file."""
    meta = read_sidecar(parquet)
    recorded = meta.get("parquet_sha256")
    if recorded is not None and recorded != sha256_file(parquet):
        raise errors.StagingError(
            f"{_shown(parquet)}: its sidecar describes other bytes (parquet_sha256 "
            f"{recorded[:12]}…), so the pair was not written together; re-import "
            f"{meta.get('file_name') or 'its file'} (or restore both with git checkout)")
    return meta


def is_current(dataset: str, vintage: str, sha256: str, staging_dir: Path | None = None,
               part: str | None = None) -> bool:
    """True if the staging file for this vintage was derived from exactly these raw bytes."""
    target = file_for(dataset, vintage, staging_dir, part)
    if not (target.exists() and sidecar_of(target).exists()):
        return False
    try:
        return verify(target).get("sha256") == sha256
    except errors.StagingError:  # a torn pair: stage it again
        return False


SNAPSHOT_FIELDS = ("publisher", "dataset", "file_name", "source_url", "retrieved_at", "sha256",
                   "size", "licence")


def provenance_of(snapshot_meta: dict, vintage: str, **extra) -> dict:
    """The staging sidecar's provenance: the raw snapshot's fields, the parsed vintage and
    any source-specific extras (e.g. how the vintage was established)."""
    return {**{k: snapshot_meta[k] for k in SNAPSHOT_FIELDS}, "vintage": vintage, **extra}


def _guard(target: Path, provenance: dict) -> None:
    """Refuse to overwrite a staging part that holds another file, or the same file name
    and vintage with other bytes."""
    if not target.exists() or not sidecar_of(target).exists():
        return
    held = read_sidecar(target)
    name, sha = provenance.get("file_name"), provenance.get("sha256")
    if held.get("file_name") not in (None, name):
        raise errors.StagingError(
            f"{_shown(target)} holds {held.get('file_name')!r}; {name!r} of the same vintage "
            "would replace it: rename one of the files (their staging names collide)")
    if held.get("sha256") not in (None, sha):
        raise errors.StagingError(
            f"{name}: the staging of vintage {provenance.get('vintage')} ({_shown(target)}) "
            f"was made from other bytes of the same file name (sha256 "
            f"{str(held.get('sha256'))[:12]}…, these are {str(sha)[:12]}…); not replaced. "
            "Remove that staging file and its sidecar to stage these bytes instead")


def write(frame: pd.DataFrame, *, dataset: str, vintage: str, provenance: dict,
          staging_dir: Path | None = None, part: str | None = None) -> Path:
    """Write one vintage (or one part of it) atomically, Parquet and sidecar as a pair;
    returns the Parquet path."""
    target = file_for(dataset, vintage, staging_dir, part)
    target.parent.mkdir(parents=True, exist_ok=True)
    _guard(target, provenance)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".staging.", suffix=".parquet")
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=False, compression="zstd", row_group_size=len(frame) or 1)
        os.chmod(tmp, 0o644)
        meta = dict(provenance)
        meta.update({"staging_file": target.name, "rows": int(len(frame)),
                     "parquet_sha256": sha256_file(Path(tmp)), **coverage(frame)})
        # Sidecar first: if the Parquet swap below never happens, the sidecar's hash no
        # longer matches the Parquet file and the build says so.
        snapshots.write_json_atomic(sidecar_of(target), meta)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
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
    (``x.tsv.gz`` → ``x``), anything but letters, digits, ``_`` and ``-`` as ``_``. When that
    loses anything (``labels v.csv`` and ``labels.v.csv`` would both be ``labels_v``), the
    first 8 hex digits of the sha256 of the whole file name follow (``labels_v-1a2b3c4d``)."""
    name = Path(file_name).name
    for suffix in PART_SUFFIXES:
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    part = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_") or "file"
    if part != name:
        part += "-" + hashlib.sha256(Path(file_name).name.encode("utf-8")).hexdigest()[:8]
    return part
