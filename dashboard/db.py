"""The app's only door to data: a read-only warehouse connection and named SQL queries.

It never imports the writer (``etl``): a missing or stale warehouse is rebuilt by
``python -m etl build`` in a child process (``core.rebuild``), and when that fails the last
good warehouse keeps serving.

The connection is a cached resource keyed by the warehouse file's identity, so an atomic
rebuild gives a new connection; query results are cached data keyed by the same build key.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from core import inputs, paths, rebuild, warehouse
from dashboard import i18n, names

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def sql(name: str) -> str:
    """The text of ``dashboard/sql/<name>.sql``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


log = logging.getLogger("migflows.warehouse")


@dataclass(frozen=True)
class WarehouseStatus:
    ok: bool              # a warehouse is in place and can be read
    warning: str = ""     # shown on every page while it holds (e.g. a failed rebuild)


_checked: dict[tuple, WarehouseStatus] = {}  # input signature → what the check found
_lock = threading.Lock()


def _built_at() -> str:
    try:
        con = warehouse.connect_readonly()
        try:
            built = con.execute("SELECT built_at FROM build_info").fetchone()[0]
        finally:
            con.close()
        return f"{built:%Y-%m-%d %H:%M} UTC"
    except Exception:  # noqa: BLE001  (only a label for the warning)
        return "an earlier build"


def _check() -> WarehouseStatus:
    """Rebuild (in a child process) if the warehouse is missing or older than its inputs."""
    missing = not paths.WAREHOUSE.exists()
    if not missing and not inputs.is_stale():
        return WarehouseStatus(True)
    with st.spinner("Building the warehouse from data/staging …"):
        outcome = rebuild.run_build()
    if outcome.ok and paths.WAREHOUSE.exists():
        return WarehouseStatus(True)
    reason = (outcome.output.strip().splitlines() or ["no output"])[-1]
    reason = reason.replace(str(paths.DATA_DIR), "data")  # no server paths on the page
    log.warning("warehouse rebuild failed: %s", outcome.output.strip() or "no output")
    if paths.WAREHOUSE.exists():
        return WarehouseStatus(True, (
            f"The data could not be rebuilt from data/staging ({reason}). The pages show "
            f"the last good warehouse, built {_built_at()}; newer staging files are not in "
            "it. Run `python -m etl build` to see the whole error."))
    return WarehouseStatus(False, (
        f"There is no warehouse yet and it could not be built from data/staging ({reason}). "
        "Run `python -m etl import ../shared/data/frontex` (or another publisher's folder), "
        "then `python -m etl build`."))


def ensure_warehouse() -> WarehouseStatus:
    """A current warehouse if it can be had; else the last good one, with a warning.

    Cheap on every rerun: the stats of the build's inputs are compared with those of the
    last check; only a change leads to the fingerprint (and maybe a rebuild in a separate
    process). A failed rebuild is remembered for the same inputs, not retried per rerun.
    """
    signature = inputs.input_signature()
    if (status := _checked.get(signature)) is not None:
        return status
    with _lock:
        if (status := _checked.get(signature)) is None:
            status = _check()
            _checked.clear()
            _checked[inputs.input_signature()] = status
    return status


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
    if not paths.WAREHOUSE.exists():  # a page run without app.py (a server's first deep link)
        if not ensure_warehouse().ok:
            st.error(ensure_warehouse().warning, icon=":material/warning:")
            st.stop()
    return warehouse.file_key()


def query(name: str, **params) -> pd.DataFrame:
    """Run a named query with named parameters; cached per warehouse build. Route and
    country names come in the interface language (``dashboard.names``)."""
    frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    key = build_key()
    return names.localize(_run(name, frozen, key), name_map(key))


def name_map(key: str | None = None) -> dict[str, str]:
    """{publisher's English name: the name in the interface language} (empty in English)."""
    if i18n.current() == i18n.DEFAULT:
        return {}
    return _name_map(key or build_key(), i18n.current())


@st.cache_data(max_entries=4, show_spinner=False)
def _name_map(key: str, lang: str) -> dict[str, str]:
    with i18n.use(lang):
        return names.translations(_run("country_names", (), key))


def run(loader, *args, **kwargs):
    """Call ``loader(cursor, …)`` (e.g. an ``analysis`` loader with its own named SQL) on a
    fresh cursor of the read-only warehouse. Not cached: callers cache the result."""
    con = _connection(str(paths.WAREHOUSE), build_key())
    with warehouse.cursor(con) as cur:
        return loader(cur, *args, **kwargs)


def run_alone(loader, *args, **kwargs):
    """``run`` on a connection of its own, closed when ``loader`` returns: for a large
    one-off load (the route × nationality × month panel), so the memory DuckDB takes for it
    (about 50 MB for that panel's aggregation) goes back instead of staying with the shared
    connection. Opening costs ~15 ms: callers cache the result."""
    build_key()  # the warehouse is in place (rebuilt first if it was missing)
    con = warehouse.connect_readonly()
    try:
        with warehouse.cursor(con) as cur:
            return loader(cur, *args, **kwargs)
    finally:
        con.close()


def has_table(name: str) -> bool:
    return name in set(query("tables")["table_name"])
