"""The warehouse side of the claim checker: structured queries → rows, and coverage.

A claim's query names a mart, a value column and filters; this module checks each name
against the warehouse's own column list (so a claim can only read what exists) and runs a
parametrised SELECT. Claims never carry SQL.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from analysis.claims import Claim, ClaimError, Query
from analysis.data import sql
from core import paths, registry, warehouse

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

    def coverage_measures(self, datasets: tuple[str, ...]) -> pd.DataFrame:
        """Coverage per measure (empty where the warehouse has no such table)."""
        known = self.cur.execute("SELECT count(*) FROM duckdb_tables() "
                                 "WHERE table_name = 'coverage_measures'").fetchone()[0]
        if not known:
            return pd.DataFrame(columns=["dataset", "measure", "applicant_type", "geo",
                                         "first_year", "last_year", "basis"])
        return self.cur.execute(sql("claims_coverage_measures"),
                                {"datasets": list(datasets)}).df()

    def vintages(self, marts: list[str]) -> list[dt.date]:
        """Every vintage held of the staging datasets the marts are built from."""
        wanted = sorted({MARTS[m] for m in marts if m in MARTS})
        frame = self.cur.execute(sql("claims_vintages"), {"datasets": wanted}).df()
        return [pd.Timestamp(v).date() for v in frame["vintage"].dropna()]

    def year_span(self, mart: str) -> tuple[int, int] | None:
        """First and last year with rows in a mart (None when it has no year column)."""
        if mart not in self.columns or "year" not in self.columns[mart]:
            return None
        lo, hi = self.cur.execute(f'SELECT min("year"), max("year") FROM "{mart}"').fetchone()
        return None if lo is None else (int(lo), int(hi))

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



# ----------------------------------------------------------------------------- as of a date
VINTAGE = re.compile(r"vintage=(\d{4}-\d{2}-\d{2})")
AS_OF_DIR = "vintages"  # under the data directory: one warehouse per cut-off date


def staging_files_as_of(cut_off: dt.date, staging: Path | None = None) -> list[Path]:
    """The committed staging files (Parquet) whose vintage is on or before ``cut_off``."""
    staging = staging or paths.STAGING_DIR
    out = []
    for f in sorted(staging.glob("*/*.parquet")):
        m = VINTAGE.search(f.name)
        if m and dt.date.fromisoformat(m.group(1)) <= cut_off:
            out.append(f)
    return out


class AsOf:
    """The warehouse as it stood on a date: built (once per build of the current warehouse)
    from the staging files published by then, in a child ``python -m etl build`` with its own
    data directory, so the one writer builds it with the same SQL. Use as a context manager;
    ``source(cut_off)`` is the ``as_of`` argument of ``claims.evaluate_all``."""

    def __init__(self, current_fingerprint: str, data_dir: Path | None = None):
        self.key = current_fingerprint[:16]
        self.root = Path(data_dir or paths.DATA_DIR) / AS_OF_DIR
        self._stack = contextlib.ExitStack()
        self._sources: dict[dt.date, WarehouseSource | None] = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._stack.close()

    def _build(self, cut_off: dt.date, files: list[Path]) -> Path | None:
        names = "\n".join(f"{f.parent.name}/{f.name}" for f in files)
        digest = hashlib.sha256(f"{self.key}\n{names}".encode()).hexdigest()[:16]
        home = self.root / f"files-{digest}"
        target = home / "warehouse.duckdb"
        if target.exists():
            return target
        for f in files:
            for part in (f, f.with_suffix(".json")):
                link = home / "staging" / part.parent.name / part.name
                link.parent.mkdir(parents=True, exist_ok=True)
                if not os.path.lexists(link):
                    try:
                        os.symlink(part.resolve(), link)
                    except FileExistsError:
                        pass  # another reader linked it first
                    except OSError:
                        shutil.copy2(part, link)  # no symlinks on this file system
        env = dict(os.environ, MIGFLOWS_DATA_DIR=str(home))
        done = subprocess.run([sys.executable, "-m", "etl", "build"], cwd=paths.ROOT, env=env,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              timeout=600)
        if done.returncode != 0 or not target.exists():
            return None
        self._prune(keep=home)
        return target

    def _prune(self, keep: Path) -> None:
        """Drop warehouses of older builds (their key differs)."""
        stamp = self.root / f"build-{self.key}"
        if stamp.exists():
            return
        for old in self.root.glob("build-*"):
            old.unlink()
        for d in self.root.glob("files-*"):
            if d != keep and not (d / f".{self.key}").exists():
                shutil.rmtree(d, ignore_errors=True)
        stamp.touch()
        (keep / f".{self.key}").touch()

    def source(self, cut_off: dt.date) -> WarehouseSource | None:
        files = staging_files_as_of(cut_off)
        if not files:
            return None
        if cut_off not in self._sources:
            path = self._build(cut_off, files)
            src = None
            if path is not None:
                (self.root / path.parent.name / f".{self.key}").touch()
                con = self._stack.enter_context(warehouse.connect_readonly(path))
                src = WarehouseSource(self._stack.enter_context(warehouse.cursor(con)))
            self._sources[cut_off] = src
        return self._sources[cut_off]


def build_fingerprint(cur) -> str:
    return cur.execute("SELECT fingerprint FROM build_info").fetchone()[0]


def evaluate_all(cur, claims_: list[Claim]):
    """Every claim against the warehouse now and as it stood when the claim was made: the
    one entry point of the command and the page."""
    from analysis import claims as engine

    source = WarehouseSource(cur)
    with AsOf(build_fingerprint(cur)) as as_of:
        return engine.evaluate_all(claims_, source, as_of.source)
