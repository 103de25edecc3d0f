"""The app's only door to data: a read-only warehouse connection and named SQL queries.

The connection is a cached resource keyed by the warehouse file's identity, so an atomic
rebuild gives a new connection; query results are cached data keyed by the same build key.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from core import paths, warehouse
from etl import build

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    """The text of ``dashboard/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


_checked: set[tuple] = set()  # input signatures already found current in this process


def ensure_warehouse() -> str:
    """Build the warehouse if it is missing or older than the staging files; return its key."""
    signature = build.input_signature()
    if signature not in _checked:
        if build.is_stale():
            with st.spinner("Building the warehouse from data/staging …"):
                build.build()
        _checked.add(build.input_signature())
    return warehouse.file_key()


@st.cache_resource(max_entries=2, show_spinner=False, on_release=lambda con: con.close())
def _connection(path: str, build_key: str) -> duckdb.DuckDBPyConnection:
    return warehouse.connect_readonly(Path(path))


@st.cache_data(max_entries=256, show_spinner=False)
def _run(name: str, params: tuple, build_key: str) -> pd.DataFrame:
    con = _connection(str(paths.WAREHOUSE), build_key)
    with warehouse.cursor(con) as cur:
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
        return cur.execute(sql(name), values or None).df()


def build_key() -> str:
    """Identity of the warehouse file now in place: the cache key of everything read."""
    return warehouse.file_key()


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query with named parameters; cached per warehouse build."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _run(name, frozen, build_key())


def run(loader, *args, **kwargs):
    """Call ``loader(cursor, …)`` (e.g. an ``analysis`` loader with its own named SQL) on a
    fresh cursor of the read-only warehouse. Not cached: callers cache the result."""
    con = _connection(str(paths.WAREHOUSE), build_key())
    with warehouse.cursor(con) as cur:
        return loader(cur, *args, **kwargs)


def has_table(name: str) -> bool:
    return name in set(query("tables")["table_name"])
