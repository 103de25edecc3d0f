"""The warehouse side of the claim checker: structured queries → rows, and coverage.

A claim's query names a mart, a value column and filters; this module checks each name
against the warehouse's own column list (so a claim can only read what exists) and runs a
parametrised SELECT. Claims never carry SQL.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from analysis.claims import Claim, ClaimError, Query
from analysis.data import sql
from core import registry

# Marts a claim may query → the dataset metadata that cites them (the registry, read from
# etl/metadata/<d>.yml; planned marts are named by claims but not built, so not testable).
MARTS = registry.mart_datasets()


class WarehouseSource:
    """Reads claim queries from a read-only warehouse cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self.cur = cursor
        cols = cursor.execute(sql("claims_columns"), {"tables": list(MARTS)}).df()
        self.columns = {t: dict(zip(g["column_name"], g["data_type"]))
                        for t, g in cols.groupby("table_name")}

    def validate(self, query: Query) -> None:
        if query.mart not in MARTS:
            raise ClaimError(f"unknown mart {query.mart!r} (one of {', '.join(MARTS)})")
        if query.mart not in self.columns:
            return  # not built: rows() answers with no rows, the verdict is not testable
        known = self.columns[query.mart]
        for col in (query.value, *query.where):
            if col not in known:
                raise ClaimError(f"{query.mart} has no column {col!r} "
                                 f"(columns: {', '.join(known)})")

    def rows(self, query: Query) -> pd.DataFrame:
        self.validate(query)
        if query.mart not in self.columns:
            return pd.DataFrame(columns=[query.value, *query.where])
        clauses, params = [], []
        for col, cond in query.where.items():
            if isinstance(cond, dict):
                clauses.append(f'"{col}" BETWEEN ? AND ?')
                params += [cond["from"], cond["to"]]
            elif isinstance(cond, list):
                clauses.append(f'"{col}" IN ({", ".join("?" for _ in cond)})')
                params += list(cond)
            else:
                clauses.append(f'"{col}" = ?')
                params.append(cond)
        where = " AND ".join(clauses) or "true"
        text = f'SELECT * FROM "{query.mart}" WHERE {where}'
        return self.cur.execute(text, params).df()

    def coverage(self, datasets: tuple[str, ...]) -> pd.DataFrame:
        return self.cur.execute(sql("claims_coverage"), {"datasets": list(datasets)}).df()

    def unknown_codes(self, query: Query) -> list[str]:
        """Text filter values that appear nowhere in their column (e.g. a misspelt code)."""
        out = []
        for col, cond in query.where.items():
            if (query.mart not in self.columns or isinstance(cond, dict)
                    or self.columns[query.mart][col] != "VARCHAR"):
                continue
            wanted = [str(v) for v in (cond if isinstance(cond, list) else [cond])]
            found = set(self.cur.execute(
                f'SELECT DISTINCT "{col}" FROM "{query.mart}" WHERE "{col}" IN '
                f'({", ".join("?" for _ in wanted)})', wanted).df()[col])
            out += [f"{col}={v!r}" for v in wanted if v not in found]
        return out

    def validate_claim(self, claim: Claim) -> None:
        """Every query of the claim names existing columns and known codes."""
        for check in claim.checks:
            for q in (check.query, check.numerator, check.denominator, check.before,
                      check.after):
                if q is None:
                    continue
                self.validate(q)
                if unknown := self.unknown_codes(q):
                    raise ClaimError(f"{check.label}: no such code in {q.mart}: "
                                     f"{', '.join(unknown)}")

