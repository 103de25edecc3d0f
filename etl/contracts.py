"""Declarative checks of the built marts, from the registry (the dbt schema-test habit).

For every mart ``core.registry`` declares: its columns are the declared ones, its grain (key
columns) is unique, the grain and ``not_null`` columns have no NULL, coded columns hold only
``accepted`` values (a list, or a reference CSV's column), and it has at least ``min_rows``
rows. Each check returns the problems it found (empty: the mart holds its contract).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from core import paths
from core.registry import Mart


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def accepted_values(mart: Mart, column: str) -> set[str]:
    accepted = mart.column(column).accepted
    if isinstance(accepted, str):
        table, _, col = accepted.removeprefix("reference:").partition(".")
        frame = pd.read_csv(paths.REFERENCE_DIR / f"{table}.csv", dtype=str,
                            keep_default_na=False)
        return set(frame[col])
    return set(accepted or ())


def check_columns(con: duckdb.DuckDBPyConnection, mart: Mart) -> list[str]:
    found = [c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
        [mart.name]).fetchall()]
    declared = [c.name for c in mart.columns]
    return [] if found == declared else [f"{mart.name}: columns {found}, declared {declared}"]


def check_grain(con: duckdb.DuckDBPyConnection, mart: Mart) -> list[str]:
    key = ", ".join(map(_ident, mart.grain))
    dups = con.execute(f"SELECT {key}, count(*) AS n FROM {_ident(mart.name)} GROUP BY ALL "
                       "HAVING count(*) > 1 LIMIT 3").fetchall()
    return [f"{mart.name}: key {row[:-1]} appears {row[-1]} times" for row in dups]


def check_not_null(con: duckdb.DuckDBPyConnection, mart: Mart) -> list[str]:
    nullable = {c.name for c in mart.columns if c.nullable}
    problems = []
    for col in dict.fromkeys((*mart.grain, *mart.not_null)):
        if col in nullable:
            continue  # a key column declared nullable (e.g. applicant_type of other measures)
        n = con.execute(f"SELECT count(*) FROM {_ident(mart.name)} "
                        f"WHERE {_ident(col)} IS NULL").fetchone()[0]
        if n:
            problems.append(f"{mart.name}.{col}: {n:,} NULL value(s)")
    return problems


def check_accepted(con: duckdb.DuckDBPyConnection, mart: Mart, column: str) -> list[str]:
    allowed = accepted_values(mart, column)
    found = {v for (v,) in con.execute(f"SELECT DISTINCT {_ident(column)} FROM "
                                       f"{_ident(mart.name)} WHERE {_ident(column)} IS NOT NULL"
                                       ).fetchall()}
    unknown = sorted(map(str, found - allowed))
    return [f"{mart.name}.{column}: values not accepted: {unknown[:10]}"] if unknown else []


def check_rows(con: duckdb.DuckDBPyConnection, mart: Mart) -> list[str]:
    n = con.execute(f"SELECT count(*) FROM {_ident(mart.name)}").fetchone()[0]
    return [] if n >= mart.min_rows else [f"{mart.name}: {n:,} rows, fewer than {mart.min_rows:,}"]


def check_mart(con: duckdb.DuckDBPyConnection, mart: Mart) -> list[str]:
    """Every check of one mart."""
    return [*check_columns(con, mart), *check_grain(con, mart), *check_not_null(con, mart),
            *(p for c in mart.columns if c.accepted for p in check_accepted(con, mart, c.name)),
            *check_rows(con, mart)]
