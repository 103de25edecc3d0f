"""The dataset registry (core/registry.py) and every place derived from it agree."""
from __future__ import annotations

import importlib
import re
import sys

import pandas as pd

from core import paths, registry
from etl import build, cli

README = paths.ROOT / "README.md"


def warehouse_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Warehouse tables")
    return text[start:text.index("\n## ", start + 1)]


def readme_tables() -> dict[str, list[str]]:
    """Table name (bold, in backticks) → the columns of its Markdown column table, if any."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in warehouse_section().splitlines():
        for name in re.findall(r"\*\*`([a-z0-9_]+)`\*\*", line):
            tables.setdefault(name, [])
            current = name
        if line.startswith("| `") and current:
            tables[current] += re.findall(r"`([a-z0-9_]+)`", line.split("|")[1])
    return tables


def test_readme_names_every_warehouse_table_and_no_other():
    assert set(readme_tables()) == registry.warehouse_tables()


def test_readme_column_tables_list_the_registry_columns():
    marts = registry.marts()
    for name, columns in readme_tables().items():
        if columns and name in marts:
            assert columns == [c.name for c in marts[name].columns], name


def test_every_staging_sql_file_is_a_registry_dataset():
    assert build.datasets() == [d.name for d in registry.datasets()]


def test_the_cli_reads_the_registry_sources():
    assert sorted(cli.SOURCES) == registry.sources()
    for d in registry.datasets():
        module = importlib.import_module(f"etl.sources.{d.source}")
        for name in ("PUBLISHER", "DATASET", "SOURCE_PAGE", "recognises", "check",
                     "stated_vintage", "target", "parse", "fetch"):
            assert hasattr(module, name), f"etl.sources.{d.source} has no {name}"
        assert d.fetch_command == f"python -m etl fetch {d.source}"


def test_expected_datasets_agree_with_the_registry():
    expected = pd.read_csv(paths.REFERENCE_DIR / "expected_datasets.csv", dtype=str,
                           keep_default_na=False)
    for row in expected.itertuples(index=False):
        d = registry.dataset(row.staging_dataset)
        assert row.publisher == d.publisher, row.dataset
        assert row.fetch_command in ("", d.fetch_command), row.dataset


def test_claim_marts_and_sources_page_tables_come_from_the_registry():
    from analysis import claims_data
    from dashboard import sources

    assert claims_data.MARTS == registry.mart_datasets()
    assert "nl_immigration_by_motive" not in registry.marts()  # declared, never built
    assert sources.STAGING_TABLES == registry.staging_tables()
    for query in sources.COVERAGE_QUERIES.values():
        assert (paths.ROOT / "dashboard" / "sql" / f"{query}.sql").exists()


def test_a_broken_readme_section_would_be_noticed(monkeypatch):
    """SYNTHETIC: a README that drops a mart and names an unknown table disagrees."""
    text = warehouse_section().replace("**`arrivals_yearly`**", "**`arrivals_by_week`**")
    monkeypatch.setattr(sys.modules[__name__], "warehouse_section", lambda: text)
    assert set(readme_tables()) ^ registry.warehouse_tables() == {
        "arrivals_yearly", "arrivals_by_week"}


def test_every_dataset_gets_coverage_text_on_the_sources_page(tmp_path):
    """Each dataset's coverage query reads its staging table, bop_rem6 included (SYNTHETIC
    bop_rem6 fixture; the other datasets from their committed staging)."""
    import datetime as dt
    import gzip
    import shutil

    import duckdb

    from dashboard import sources
    from etl import pipeline, snapshots, staging
    from etl.sources import eurostat as es

    stg = tmp_path / "staging"
    shutil.copytree(paths.STAGING_DIR, stg)
    fixture = paths.ROOT / "tests" / "fixtures" / "eurostat" / "bop_rem6.tsv"
    snap = snapshots.store(gzip.compress(fixture.read_bytes()), publisher="eurostat",
                           dataset=es.BOP_DATASET, file_name="bop_rem6.tsv.gz",
                           source_url="synthetic fixture", licence="synthetic",
                           vintage=dt.date(2026, 4, 24), raw_dir=tmp_path / "raw")
    pipeline.stage(es, snap, staging_dir=stg)
    con = duckdb.connect()
    for d in registry.datasets():
        files = [str(f) for f in staging.files(stg) if f.parent.name == d.name]
        con.execute((paths.SQL_DIR / "staging" / f"{d.name}.sql").read_text(), {"files": files})
        query = (paths.ROOT / "dashboard" / "sql" / f"{sources.COVERAGE_QUERIES[d.name]}.sql")
        rows = con.execute(query.read_text(), {"table": d.staging_table,
                                               "geo": d.focus_geo}).df()
        assert len(rows) and rows["first_year"].notna().all(), d.name
        if d.focus_geo:
            assert rows["focus_first_year"].notna().any(), d.name
