"""CBS (Statistics Netherlands) StatLine: asylum requests and immigration, yearly and monthly.

All files stage into the one dataset ``cbs_statline``, one staging file per observations file
(``part=`` after it), long: one row per table × measure × dimension keys × period.
``dimensions`` is a JSON object (dimension → code, padding stripped), ``dimension_labels``
likewise (dimension → label, ``null`` where no code list gives one: labels are never invented).

- ``statline_csv``: the CSV flavour of the OData v3 API / StatLine download (codes; ``;``,
  every field quoted, UTF-8 BOM, CRLF, padded keys, ``"."`` = missing). Only the layouts in
  ``STATLINE_CSV_LAYOUTS``, which also give the unit (the files carry no labels, no units).
- ``observations_csv``: an OData v4 ``Observations`` slice saved as CSV (``Id, Measure,
  ValueAttribute, Value, StringValue, <dimensions>, Perioden``; layouts in
  ``OBSERVATION_LAYOUTS``); a ``ValueAttribute`` other than ``None`` is the flag.
- ``odata_json``: OData v3 JSON as ``fetch`` stores it. ``TypedDataSet`` pages are
  observations; ``TableInfos`` (``Modified`` = the vintage), ``DataProperties`` (dimensions,
  time dimension, topics with titles and units) and each dimension's code list are companions.
  A period status other than ``Definitief`` (time dimension code list) is the flag.
- ``codelist_csv``: v4 code lists ``<table>_measure_codes.csv``, ``<table>_<dimension>_codes.csv``
  (companions).

Companions have no staging file of their own: staging observations reads its table's
companions from the raw store (of the same vintage if stored, else the newest) and lists them
in the sidecar (``companions``: file → sha256). Importing observations also stores the
companions lying beside it; staging a companion re-stages its table. The CSV files state no
vintage: ``etl/reference/documented_vintages.csv`` dates their exact bytes and says on what
basis.

Modules: ``kinds`` (layouts, ``describe``), ``companions``, ``statline`` (observation rows),
``odata`` (fetch); this package is the source interface ``etl.pipeline`` calls.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from core import metadata
from etl import errors, pipeline, snapshots, staging, vintages
from etl.formats import text
from etl.sources.cbs.companions import Companions
from etl.sources.cbs.kinds import TABLE_RE, describe, describe_file
from etl.sources.cbs.odata import check_odata_page, fetch  # noqa: F401
from etl.sources.cbs.statline import (STAGING_COLUMNS, parse_observations_csv,  # noqa: F401
                                      parse_statline_csv, parse_typed_dataset)

PUBLISHER = "cbs"
DATASET = "cbs_statline"
# Persons are whole and ≥ 0; not so a balance (Migratiesaldo: immigration − emigration) or the
# international table, which counts thousands with one decimal (x 1000).
COUNTS = {DATASET: {"value": lambda f: ~(f["unit"].fillna("").str.contains("1000")
                                         | f["measure"].fillna("").str.contains("saldo",
                                                                                case=False))}}
SOURCE_PAGE = metadata.dataset(DATASET)["source_page"]  # OData v3 base, ends with "/"
ParseError = errors.ParseError
part_name = staging.part_name


def _table_snapshots(table: str, role: str, raw_dir: Path) -> list[tuple[Path, dict]]:
    return [(p, m) for p, m in snapshots.sidecars(PUBLISHER, raw_dir)
            if (d := describe_file(p, m["file_name"])) and d[1:] == (role, table)]


def companions_of(table: str, raw_dir: Path, vintage: str | None = None) -> Companions:
    """The companions of ``table`` in the raw store: of ``vintage`` if stored, else the newest."""
    found = _table_snapshots(table, "companion", raw_dir)
    comp = Companions()
    if found:
        stored = {m.get("vintage") or "" for _, m in found}
        chosen = vintage if vintage in stored else max(stored)
        for path, meta in found:  # oldest first: a later copy of a file replaces it
            if (meta.get("vintage") or "") == chosen:
                comp.add(path.read_bytes(), meta["file_name"], meta["sha256"])
    return comp


def parse(content: bytes, *, file_name: str, sha256: str | None = None,
          vintage: dt.date | None = None, companions: Companions | None = None
          ) -> pipeline.Parsed:
    """Parse one observations file into the tidy staging frame (see the package doc)."""
    sha256 = sha256 or snapshots.sha256_bytes(content)
    comp = companions or Companions()
    body = text.decode(content, file_name)
    kind, role, table = describe(content[:4096], file_name) or (None, None, None)
    if kind == "statline_csv":
        rows = parse_statline_csv(body, file_name, comp)
    elif kind == "observations_csv":
        rows = parse_observations_csv(body, file_name, comp)
    elif kind == "odata_json" and role == "observations":
        rows = parse_typed_dataset(body, file_name, comp, table)
    elif role == "companion":
        raise ParseError(f"{file_name}: a code list or table metadata, not observations: it is "
                         "read when its table's observations are staged")
    else:
        raise ParseError(f"{file_name}: not a CBS StatLine CSV, OData observations CSV or OData "
                         f"JSON (starts with {content[:40]!r})")
    stated = (vintages.Vintage(comp.modified, f"the table's TableInfos 'Modified' ({comp.modified})")
              if kind == "odata_json" and comp.modified else None)
    found = vintages.resolve(file_name, sha256=sha256, given=vintage, stated=stated)
    return pipeline.Parsed(rows.frame(found.date, sha256), found.date, found.basis, kind,
                           sidecar={"table_id": rows.table_id, "companions": comp.files})


# ----------------------------------------------------------------------------- interface
def recognises(path: Path) -> bool:
    """True for the CBS files we read: known CSV layouts, their code lists, OData v3 JSON."""
    if path.suffix.lower() not in {".csv", ".json"} or not path.is_file():
        return False
    found = describe_file(path)
    return bool(found and found[2])


def check(content: bytes, file_name: str) -> None:
    found = describe(content[:4096], file_name)
    if not found or not found[2]:
        text.decode(content, file_name)
        raise ParseError(f"{file_name}: not a CBS file this source reads (known StatLine CSV "
                         "layout, OData observations CSV or code list, OData v3 JSON)")


def stated_vintage(content: bytes, file_name: str) -> None:
    """CBS files state no vintage of their own (TableInfos, a companion, does)."""
    return None


def siblings(path: Path) -> list[Path]:
    """The companions of an observations file's table lying beside it (``<table>_*``)."""
    kind, role, table = describe_file(path) or (None, None, None)
    if role != "observations" or not table or not TABLE_RE.match(table):
        return []
    return [s for s in sorted(path.parent.glob(f"{table}_*"))
            if s != path and s.is_file() and (describe_file(s) or ())[1:] == ("companion", table)]


def _described(snapshot: snapshots.Snapshot):
    return describe_file(snapshot.path, snapshot.meta["file_name"]) or (None, None, None)


def target(snapshot: snapshots.Snapshot) -> tuple[str, str] | None:
    """One staging file per observations file; a companion has none (see ``dependents``)."""
    if _described(snapshot)[1] == "companion":
        return None
    return DATASET, part_name(snapshot.meta["file_name"])


def context(snapshot: snapshots.Snapshot) -> pipeline.Context:
    """The table's companions in the raw store (labels, units, the TableInfos vintage)."""
    table = _described(snapshot)[2]
    comp = (companions_of(table, snapshot.path.parents[2], snapshot.meta.get("vintage"))
            if table else Companions())
    return pipeline.Context(parse_kwargs={"companions": comp}, files=comp.files,
                            vintage=comp.modified)


def dependents(snapshot: snapshots.Snapshot) -> list[snapshots.Snapshot]:
    """A companion's table's observations (re-staged with it)."""
    table = _described(snapshot)[2]
    return [snapshots.Snapshot(path, meta, created=False)
            for path, meta in _table_snapshots(table, "observations", snapshot.path.parents[2])]
