"""Read-only access to the built warehouse file.

The file is opened by ATTACH from a fresh in-memory connection rather than by
``duckdb.connect(path)``: DuckDB caches database instances by path within a process, so a
second ``connect`` after an atomic swap would return the old (replaced) file while any
earlier connection is still open. ATTACH always opens the file now at that path.

After the ATTACH the connection is closed to the outside: ``enable_external_access = false``
(no file, URL or extension a query could reach) and ``lock_configuration = true`` (no query
can turn it back on). The path is quoted as a SQL string literal, quotes doubled.
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from core import paths

ALIAS = "warehouse"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file for writing."""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect_readonly(path: Path | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(path or paths.WAREHOUSE)
    if not path.exists():
        raise FileNotFoundError(f"{path.name} not found: run `python -m etl build`")
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_literal(path.as_posix())} AS {ALIAS} (READ_ONLY)")
    except duckdb.IOException as exc:
        con.close()
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"{path.name} is held for writing by another program (a `python -m etl` "
                "command or a DuckDB session opened on it without read_only); close it and "
                "reload the page") from None
        raise
    con.execute(f"USE {ALIAS}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
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
