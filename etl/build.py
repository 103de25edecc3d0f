"""Staging → marts → a new warehouse file, swapped in atomically.

Convention, per dataset ``<d>`` (a folder ``data/staging/<d>/``):
``etl/sql/staging/<d>.sql`` loads its Parquet files (``$files``) into a staging table, then
``etl/sql/marts/<d>/*.sql`` run in name order. A dataset with no staging files is skipped.

The build writes ``data/.warehouse-<random>.duckdb``, publishes it as an immutable release
(``etl/release.py``: ``data/releases/warehouse-<build id>.duckdb`` and its manifest), then
``os.replace``s a hard link to it onto ``data/warehouse.duckdb``: a reader that already has
the old file open keeps reading it, a new reader gets the new one, and nobody ever sees a
half-built file. It rebuilds only
when the staging files or the SQL changed (``build_info.fingerprint``).

One build at a time: a build holds an exclusive lock on ``data/.build.lock`` while it runs
(a second one waits, then finds the warehouse current). Holding it, a build first removes the
``.warehouse-*.duckdb`` / ``.wal`` files an interrupted build (kill -9, power loss) left. Every
staging file's sidecar is verified against its Parquet file (``staging.verify``) before any
SQL runs.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from core import metadata, paths
from etl import release, staging
from core.inputs import (  # noqa: F401  (the build's inputs are defined once, in core)
    COVERAGE_SQL, EXPECTED_DATASETS, current_fingerprint, dataset_sql, datasets,
    fingerprint, input_signature, is_stale, reference_tables, sql_files)

PROVENANCE_COLUMNS = [
    "dataset", "publisher", "title", "file_name", "sha256", "size", "vintage", "source_url",
    "retrieved_at", "licence", "rows", "coverage_start", "coverage_end", "staging_file",
    "vintage_basis",
]


@dataclass(frozen=True)
class BuildResult:
    path: Path
    fingerprint: str
    built: bool
    tables: dict[str, int]


def _build_coverage(con) -> None:
    """``coverage``: the union of each loaded dataset's ``coverage__<d>`` table, plus the
    expected datasets (``etl/reference/expected_datasets.csv``) that are not loaded."""
    parts = [t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'coverage\\_\\_%' "
        "ESCAPE '\\' ORDER BY table_name").fetchall()]
    with_basis = {t for (t,) in con.execute(
        "SELECT table_name FROM duckdb_columns() WHERE column_name = 'basis'").fetchall()}
    con.execute("CREATE TEMP TABLE coverage_parts (dataset VARCHAR, geo VARCHAR, "
                "first_year INTEGER, last_year INTEGER, vintage DATE, basis VARCHAR)")
    for t in parts:
        basis = "basis" if t in with_basis else "'published'"
        con.execute(f'INSERT INTO coverage_parts SELECT dataset, geo, first_year, last_year, '
                    f'vintage, {basis} FROM "{t}"')
    con.execute(COVERAGE_SQL.read_text(encoding="utf-8"), {"expected": str(EXPECTED_DATASETS)})
    con.execute("DROP TABLE coverage_parts")
    for t in parts:
        con.execute(f'DROP TABLE "{t}"')


def _provenance(files: list[Path]) -> pd.DataFrame:
    rows = []
    for f in files:
        meta = staging.read_sidecar(f)
        meta["title"] = metadata.dataset(meta["dataset"]).get("title")
        rows.append({c: meta.get(c) for c in PROVENANCE_COLUMNS})
    frame = pd.DataFrame(rows, columns=PROVENANCE_COLUMNS)
    for c in ("vintage", "coverage_start", "coverage_end"):
        frame[c] = pd.to_datetime(frame[c]).dt.date
    # UTC, stored without zone (TIMESTAMPTZ would need pytz in every Python reader).
    frame["retrieved_at"] = pd.to_datetime(frame["retrieved_at"], utc=True).dt.tz_convert(None)
    return frame


@contextlib.contextmanager
def _exclusive(folder: Path):
    """The build lock of ``folder`` (blocking), released when the process ends at the latest."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".build.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def remove_stale_temps(folder: Path, say=lambda msg: None) -> list[str]:
    """Remove what an interrupted build left in ``folder`` (call with the build lock held)."""
    removed = []
    for leftover in sorted(folder.glob(".warehouse-*.duckdb*")):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed.append(leftover.name)
    if removed:
        say(f"removed {len(removed)} file(s) an interrupted build left: {', '.join(removed)}")
    return removed


def build(*, staging_dir: Path | None = None, warehouse: Path | None = None,
          force: bool = False, progress=None) -> BuildResult:
    """Build the warehouse if its inputs changed (or ``force``). ``progress(msg)`` reports steps."""
    warehouse = warehouse or paths.WAREHOUSE
    with _exclusive(warehouse.parent):
        remove_stale_temps(warehouse.parent, progress or (lambda msg: None))
        return _build(staging_dir=staging_dir, warehouse=warehouse, force=force,
                      progress=progress)


def _build(*, staging_dir: Path | None, warehouse: Path, force: bool,
           progress) -> BuildResult:
    say = progress or (lambda msg: None)
    fp = fingerprint(staging_dir)
    if not force and current_fingerprint(warehouse) == fp:
        say(f"{warehouse.name} is up to date")
        return BuildResult(warehouse, fp, built=False, tables={})

    files = staging.files(staging_dir)
    if not files:
        raise FileNotFoundError(
            "no staging files: run `python -m etl import ../shared/data/frontex` first")
    for f in files:  # a torn or damaged pair stops the build before anything is written
        staging.verify(f)
    by_dataset: dict[str, list[str]] = {}
    for f in files:
        by_dataset.setdefault(f.parent.name, []).append(str(f))

    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=warehouse.parent, prefix=".warehouse-", suffix=".duckdb")
    os.close(fd)
    os.unlink(tmp)  # DuckDB must create the file itself
    tables: dict[str, int] = {}
    try:
        with duckdb.connect(tmp) as con:
            if unknown := sorted(set(by_dataset) - set(datasets())):
                raise FileNotFoundError(f"staging folders without etl/sql/staging/<name>.sql: {unknown}")
            for sql_file, csv_file in reference_tables():  # seeds first: marts join them
                if csv_file.exists():
                    say(f"reference: {sql_file.stem}")
                    con.execute(sql_file.read_text(encoding="utf-8"), {"file": str(csv_file)})
            for dataset in datasets():
                if dataset not in by_dataset:
                    say(f"{dataset}: no staging files, skipped")
                    continue
                staging_sql, *marts = dataset_sql(dataset)
                say(f"{dataset}: staging ({len(by_dataset[dataset])} file(s))")
                con.execute(staging_sql.read_text(encoding="utf-8"), {"files": by_dataset[dataset]})
                for sql_file in marts:
                    say(f"{dataset}: {sql_file.stem}")
                    con.execute(sql_file.read_text(encoding="utf-8"))
            say("coverage")
            _build_coverage(con)
            say("building provenance")
            prov = _provenance(files)  # noqa: F841  (read by the SQL below)
            con.execute("CREATE TABLE provenance AS SELECT * FROM prov")
            built_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            con.execute(
                "CREATE TABLE build_info AS SELECT ?::VARCHAR AS fingerprint, "
                "?::TIMESTAMP AS built_at, ?::VARCHAR AS duckdb_version, "
                "?::VARCHAR AS build_id",
                [fp, built_at, duckdb.__version__, release.build_id(built_at, fp)])
            for (table,) in con.execute(
                    "SELECT table_name FROM duckdb_tables() ORDER BY table_name").fetchall():
                tables[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            con.execute("CHECKPOINT")
        manifest = release.publish(Path(tmp), warehouse, fingerprint=fp, built_at=built_at,
                                   tables=tables)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    say(f"built {warehouse.name} (release {manifest['build_id']}): "
        + ", ".join(f"{t} {n:,}" for t, n in tables.items()))
    return BuildResult(warehouse, fp, built=True, tables=tables)
