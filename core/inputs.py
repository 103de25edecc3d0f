"""The build's inputs and their fingerprint, readable without the builder.

``etl.build`` stores ``fingerprint()`` in the warehouse's ``build_info``; the app compares
the two to tell whether the warehouse is current, without importing the writer. The
convention per dataset ``<d>``: ``etl/sql/staging/<d>.sql`` loads ``data/staging/<d>/``, then
``etl/sql/marts/<d>/*.sql`` run in name order; reference tables are
``etl/sql/reference/<t>.sql`` + ``etl/reference/<t>.csv``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from core import paths
from core.warehouse import connect_readonly

COVERAGE_SQL = paths.SQL_DIR / "coverage.sql"
EXPECTED_DATASETS = paths.REFERENCE_DIR / "expected_datasets.csv"


def staging_files(staging_dir: Path | None = None) -> list[Path]:
    """Every staging Parquet file, sorted."""
    return sorted((staging_dir or paths.STAGING_DIR).glob("*/vintage=*.parquet"))


def sidecar_of(parquet: Path) -> Path:
    return parquet.with_suffix(".json")


def datasets() -> list[str]:
    """Datasets the build knows (one staging SQL file each)."""
    return sorted(f.stem for f in (paths.SQL_DIR / "staging").glob("*.sql"))


def dataset_sql(dataset: str) -> list[Path]:
    """The staging SQL, then the marts' SQL in name order, of one dataset."""
    return [paths.SQL_DIR / "staging" / f"{dataset}.sql",
            *sorted((paths.SQL_DIR / "marts" / dataset).glob("*.sql"))]


def reference_tables() -> list[tuple[Path, Path]]:
    """(SQL, CSV) pairs: ``etl/sql/reference/<t>.sql`` loads ``etl/reference/<t>.csv``."""
    return [(sql, paths.REFERENCE_DIR / f"{sql.stem}.csv")
            for sql in sorted((paths.SQL_DIR / "reference").glob("*.sql"))]


def sql_files() -> list[Path]:
    return [f for d in datasets() for f in dataset_sql(d)] + [
        part for pair in reference_tables() for part in pair if part.exists()] + [
        COVERAGE_SQL, EXPECTED_DATASETS]


def fingerprint(staging_dir: Path | None = None) -> str:
    """Hash of every input of the build: staging files, their sidecars, the SQL."""
    h = hashlib.sha256()
    for f in staging_files(staging_dir):
        for part in (f, sidecar_of(f)):
            h.update(f"{part.parent.name}/{part.name}".encode())
            h.update(hashlib.sha256(part.read_bytes()).digest())
    for f in sql_files():
        h.update(f.relative_to(paths.ETL_DIR).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def input_signature(staging_dir: Path | None = None, warehouse: Path | None = None) -> tuple:
    """Cheap stand-in for ``is_stale``: file stats of every build input and of the warehouse.

    If it is unchanged since a check found the warehouse current, the warehouse still is.
    """
    files = [*(p for f in staging_files(staging_dir) for p in (f, sidecar_of(f))),
             *sql_files(), Path(warehouse or paths.WAREHOUSE)]
    out = []
    for f in files:
        try:
            st = f.stat()
        except OSError:
            out.append((str(f),))
        else:
            out.append((str(f), st.st_mtime_ns, st.st_size, st.st_ino))
    return tuple(out)


def current_fingerprint(warehouse: Path | None = None) -> str | None:
    """The fingerprint stored in an existing warehouse, or None if missing/unreadable."""
    warehouse = warehouse or paths.WAREHOUSE
    if not warehouse.exists():
        return None
    try:
        with connect_readonly(warehouse) as con:
            return con.execute("SELECT fingerprint FROM build_info").fetchone()[0]
    except duckdb.Error:
        return None


def is_stale(staging_dir: Path | None = None, warehouse: Path | None = None) -> bool:
    return current_fingerprint(warehouse) != fingerprint(staging_dir)
