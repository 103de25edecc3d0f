"""The dataset registry: every dataset, its source, staging table and marts, read from the
dataset metadata files ``etl/metadata/<dataset>.yml``.

Each metadata file declares, besides its publisher, unit, caveat and licence:

- ``source``: the module under ``etl/sources/`` that reads and fetches it (the CLI's name);
- ``staging_table``: the table ``etl/sql/staging/<dataset>.sql`` creates;
- ``focus_geo``: the geography whose years the Sources page names (null: none);
- ``fetch_command``: the command that loads it from the publisher (needs internet);
- ``coverage_query``: the Sources page's per-file query in ``dashboard/sql/`` (default
  ``sources_coverage_<dataset>``; it reads ``query_table($table)`` and takes ``$geo``);
- ``marts``: each with ``name``, ``description``, ``grain`` (key columns), ``not_null``,
  ``min_rows`` (a floor for the bundled data) and ``columns`` (description, ``unit``,
  ``accepted``: a list of codes or ``"reference:<csv>.<column>"``; ``nullable`` for a key
  column that may be NULL);
- ``planned_marts``: named (e.g. by seed claims) but not built yet.

The CLI's source list, the claim checker's marts, the Sources page's tables, the page hints
"run …", the declarative mart tests and the README's table list are derived from here.
Imports nothing of etl, analysis or dashboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from core import metadata
from core.paths import METADATA_DIR, REFERENCE_DIR, SQL_DIR

# Tables every build writes besides the datasets' (reference tables: etl/sql/reference/).
BUILD_TABLES = ("coverage", "provenance", "build_info")


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    unit: str | None = None
    accepted: tuple[str, ...] | str | None = None  # codes, or "reference:<csv>.<column>"
    nullable: bool = False  # a key column that may be NULL (NULLs compare equal in the grain)


@dataclass(frozen=True)
class Mart:
    name: str
    dataset: str
    description: str
    grain: tuple[str, ...]
    not_null: tuple[str, ...]
    min_rows: int
    columns: tuple[Column, ...]
    planned: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Dataset:
    name: str
    publisher: str
    source: str
    staging_table: str
    focus_geo: str | None
    fetch_command: str
    marts: tuple[Mart, ...]
    planned_marts: tuple[Mart, ...] = ()
    coverage_query: str = ""


def _mart(dataset: str, raw: dict, planned: bool = False) -> Mart:
    columns = tuple(
        Column(name, spec.get("description", ""), spec.get("unit"),
               tuple(spec["accepted"]) if isinstance(spec.get("accepted"), list)
               else spec.get("accepted"), bool(spec.get("nullable")))
        for name, spec in (raw.get("columns") or {}).items())
    return Mart(raw["name"], dataset, " ".join(str(raw.get("description", "")).split()),
                tuple(raw.get("grain", ())), tuple(raw.get("not_null", ())),
                int(raw.get("min_rows", 0)), columns, planned)


@cache
def datasets() -> tuple[Dataset, ...]:
    """Every dataset with a metadata file, by name."""
    found = []
    for path in sorted(METADATA_DIR.glob("*.yml")):
        meta = metadata.dataset(path.stem)
        found.append(Dataset(
            path.stem, meta["publisher"], meta["source"], meta["staging_table"],
            meta.get("focus_geo"), meta["fetch_command"],
            tuple(_mart(path.stem, m) for m in meta.get("marts") or ()),
            tuple(_mart(path.stem, m, planned=True) for m in meta.get("planned_marts") or ()),
            meta.get("coverage_query") or f"sources_coverage_{path.stem}"))
    return tuple(found)


def dataset(name: str) -> Dataset:
    for d in datasets():
        if d.name == name:
            return d
    raise KeyError(f"no dataset {name!r} in the registry (etl/metadata/{name}.yml)")


def marts(*, planned: bool = False) -> dict[str, Mart]:
    """Mart name → mart, in dataset order; with ``planned`` also the declared, unbuilt ones."""
    return {m.name: m for d in datasets()
            for m in (*d.marts, *(d.planned_marts if planned else ()))}


def mart_datasets(*, planned: bool = True) -> dict[str, str]:
    """Mart name → the dataset whose metadata cites it (what the claim checker may query)."""
    return {name: m.dataset for name, m in marts(planned=planned).items()}


def sources() -> list[str]:
    """The source modules (``etl/sources/<name>``), each once."""
    return sorted({d.source for d in datasets()})


def staging_tables() -> dict[str, str]:
    """Dataset → its staging table."""
    return {d.name: d.staging_table for d in datasets()}


def fetch_command(dataset_name: str) -> str:
    return dataset(dataset_name).fetch_command


def reference_tables() -> list[str]:
    """Reference (seed) tables: ``etl/sql/reference/<t>.sql`` loading ``etl/reference/<t>.csv``."""
    return sorted(p.stem for p in (SQL_DIR / "reference").glob("*.sql")
                  if (REFERENCE_DIR / f"{p.stem}.csv").exists())


def warehouse_tables() -> set[str]:
    """Every table a build can write: marts, staging, reference and build tables."""
    return {*marts(), *staging_tables().values(), *reference_tables(), *BUILD_TABLES}
