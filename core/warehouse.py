"""Read-only access to the built warehouse file.

The file is opened by ATTACH from a fresh in-memory connection rather than by
``duckdb.connect(path)``: DuckDB caches database instances by path within a process, so a
second ``connect`` after an atomic swap would return the old (replaced) file while any
earlier connection is still open. ATTACH always opens the file now at that path.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from core import paths

ALIAS = "warehouse"


def connect_readonly(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(path or paths.WAREHOUSE)
    if not path.exists():
        raise FileNotFoundError(f"{path.name} not found: run `python -m etl build`")
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH '{path.as_posix()}' AS {ALIAS} (READ_ONLY)")
    con.execute(f"USE {ALIAS}")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor (own thread-safe handle) on the attached warehouse."""
    cur = con.cursor()
    cur.execute(f"USE {ALIAS}")
    return cur


def file_key(path: Path | None = None) -> str:
    """Changes whenever the file at ``path`` is replaced: the cache key of a build."""
    st = Path(path or paths.WAREHOUSE).stat()
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"
