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
  read with ``pyreadr``. Its totals match all applicants (ASY_APP), not first-time ones.

Modules: ``files`` (kinds and the Data Explorer / gdidata readers), ``migr`` (migration
statistics → ``eurostat_migr``), ``bop`` (bop_rem6 → ``eurostat_bop``), ``fetch`` (the SDMX
REST API); this package is the source interface ``etl.pipeline`` calls.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from etl import errors, pipeline, snapshots, staging, vintages
from etl.formats import rfiles, text
from etl.sources.eurostat.bop import (BOP_CODELIST_FILE, BOP_CODELIST_URL,  # noqa: F401
                                          BOP_COLUMNS, bop_item_labels, harmonise_bop)
from etl.sources.eurostat.fetch import CANDIDATES, SOURCE_PAGE, fetch, iso_date  # noqa: F401
from etl.sources.eurostat.files import (GDIDATA_COLUMNS, dataset_code, kind_of,  # noqa: F401
                                            read)
from etl.sources.eurostat import extracts
from etl.sources.eurostat.migr import STAGING_COLUMNS, harmonise  # noqa: F401

PUBLISHER = "eurostat"
DATASET = "eurostat_migr"
COUNTS = {DATASET: {"value": None}}  # persons; bop_rem6 amounts are money, not counts
BOP_DATASET = "eurostat_bop"  # bop_rem6: personal transfers by partner, its own staging shape
GIVEN_BASIS = ("the date recorded when the file was fetched (the catalogue's last data "
               "update) or given on import")
ParseError = errors.ParseError
part_name = staging.part_name


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None, bop_labels: dict[str, str] | None = None
          ) -> pipeline.Parsed:
    """Parse any of the five file kinds into the tidy staging frame."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    check(content, file_name)
    if (kind := extracts.kind_of(content)) is not None:
        found = vintages.resolve(file_name, sha256=sha256, given=vintage, given_basis=GIVEN_BASIS)
        frame = extracts.frame(content, kind, file_name=file_name, sha256=sha256,
                               vintage=found.date)
        if frame.empty:
            raise ParseError(f"{file_name}: no observations")
        return pipeline.Parsed(frame, found.date, found.basis, kind,
                               sidecar={"dataset_code": extracts.DATASET_OF[kind]})
    kind = kind_of(content)
    raw = read(content, file_name, kind)
    bop = raw.code == "bop_rem6"
    frame = (harmonise_bop(raw, file_name=file_name, kind=kind, labels=bop_labels) if bop
             else harmonise(raw, file_name=file_name, kind=kind))
    if frame.empty:
        raise ParseError(f"{file_name}: no observations")
    stated = iso_date(raw.last_update)
    found = vintages.resolve(file_name, sha256=sha256, given=vintage, given_basis=GIVEN_BASIS,
                             stated=stated and vintages.Vintage(
                                 stated, "the file's LAST UPDATE column"))
    frame["vintage"] = np.datetime64(found.date, "D")
    frame["source_file"] = pd.Series([file_name] * len(frame), dtype="string")
    frame["snapshot_sha256"] = pd.Series([sha256] * len(frame), dtype="string")
    return pipeline.Parsed(frame[BOP_COLUMNS if bop else STAGING_COLUMNS], found.date,
                           found.basis, kind, sidecar={"dataset_code": raw.code})


def read_vintage(content: bytes, file_name: str = "") -> tuple[dt.date, str] | None:
    """The vintage documented for these exact bytes, with its basis; None if undocumented."""
    found = vintages.documented(snapshots.sha256_bytes(content))
    return (found.date, found.basis) if found else None


# ----------------------------------------------------------------------------- interface
def recognises(path: Path) -> bool:
    """True for a Eurostat file of one of our datasets in a format this module reads.

    IOM's ``gdidata_eu_asyapp.csv`` is a hand conversion of the ``.rda`` beside it, so it is
    not read (the ``.rda`` is).
    """
    if path.suffix.lower() not in {".csv", ".tsv", ".gz", ".rda", ".rdata", ".rds"}:
        return False
    content = path.read_bytes()
    if extracts.kind_of(content) is not None:
        return True
    kind = kind_of(content)
    if kind in ("dw_csv", "tsv"):
        return dataset_code(path.name) is not None
    if kind in ("sdmx_csv1", "sdmx_csv2"):
        second = text.gunzip(content)[:8192].split(b"\n")[1:2]
        return bool(second) and dataset_code(second[0].decode("utf-8", "replace")) is not None
    if kind == "rda":
        return rfiles.holds_strings(content, GDIDATA_COLUMNS)
    return False


def check(content: bytes, file_name: str) -> None:
    if kind_of(content) is None and extracts.kind_of(content) is None:
        if content[:2] != b"\x1f\x8b":
            text.decode(content[:4096], file_name)  # a wrong encoding is said as such
        raise ParseError(f"{file_name}: not a Eurostat Data Explorer CSV, SDMX-CSV, API TSV or "
                         f"gdidata .rda (starts with {content[:40]!r})")


def stated_vintage(content: bytes, file_name: str) -> None:
    """Read by the parser (an SDMX-CSV's LAST UPDATE column), not on import."""
    return None


def target(snapshot: snapshots.Snapshot) -> tuple[str, str] | None:
    """One staging file per source file; the BOP_ITEM code list has none of its own."""
    name = snapshot.meta["file_name"]
    if name.startswith("bop_rem6_codelist"):
        return None  # a companion: read when bop_rem6 itself is staged
    return (BOP_DATASET if dataset_code(name) == "bop_rem6" else DATASET), part_name(name)


def context(snapshot: snapshots.Snapshot) -> pipeline.Context:
    """bop_rem6 reads the newest BOP_ITEM code list in the raw store."""
    if dataset_code(snapshot.meta["file_name"]) != "bop_rem6":
        return pipeline.Context()
    labels, companion = bop_item_labels(snapshot.path.parents[2])
    return pipeline.Context(
        parse_kwargs={"bop_labels": labels},
        files={companion.meta["file_name"]: companion.sha256} if companion else {})
