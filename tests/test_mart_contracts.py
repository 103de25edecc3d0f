"""Declarative mart tests generated from the registry (core/registry.py, etl/metadata/*.yml):
for every mart, the declared columns, a unique grain, no NULL where none may be, only
accepted codes, and a row-count floor — on a warehouse built from the committed staging."""
from __future__ import annotations

import duckdb
import pytest

from core import registry, warehouse
from etl import build, contracts, staging

MARTS = registry.marts()
CODED = [(m.name, c.name) for m in MARTS.values() for c in m.columns if c.accepted]


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    out = tmp_path_factory.mktemp("contracts") / "warehouse.duckdb"
    build.build(staging_dir=staging.files()[0].parents[1], warehouse=out, force=True)
    with warehouse.connect_readonly(out) as connection:
        yield connection


def _loaded(con, mart: registry.Mart) -> None:
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?",
                       [mart.name]).fetchone()[0]:
        assert not staging.dataset_dir(mart.dataset).exists(), f"{mart.name} was not built"
        pytest.skip(f"{mart.dataset} has no committed staging (fetched only)")


@pytest.mark.parametrize("name", MARTS)
def test_columns_are_the_declared_ones(con, name):
    _loaded(con, MARTS[name])
    assert contracts.check_columns(con, MARTS[name]) == []


@pytest.mark.parametrize("name", MARTS)
def test_grain_is_unique(con, name):
    _loaded(con, MARTS[name])
    assert contracts.check_grain(con, MARTS[name]) == []


@pytest.mark.parametrize("name", MARTS)
def test_keys_and_required_columns_are_not_null(con, name):
    _loaded(con, MARTS[name])
    assert contracts.check_not_null(con, MARTS[name]) == []


@pytest.mark.parametrize(("name", "column"), CODED)
def test_coded_columns_hold_accepted_values(con, name, column):
    _loaded(con, MARTS[name])
    assert contracts.check_accepted(con, MARTS[name], column) == []


@pytest.mark.parametrize("name", MARTS)
def test_row_count_floor(con, name):
    _loaded(con, MARTS[name])
    assert contracts.check_rows(con, MARTS[name]) == []


def test_every_declared_column_has_a_description():
    missing = [f"{m.name}.{c.name}" for m in MARTS.values() for c in m.columns
               if not c.description]
    assert missing == []


def test_the_checks_catch_a_broken_mart():
    """SYNTHETIC: a table breaking every rule is reported by every check."""
    mart = registry.Mart("t", "synthetic", "", ("k",), ("v",), 5, (
        registry.Column("k", "key"), registry.Column("v", "value"),
        registry.Column("code", "coded", accepted=("A", "B"))))
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, NULL, 'A'), (1, 2, 'Z'), "
                "(NULL, 3, 'B')) AS x(k, v, code)")
    assert contracts.check_grain(con, mart) == ["t: key (1,) appears 2 times"]
    assert contracts.check_not_null(con, mart) == ["t.k: 1 NULL value(s)", "t.v: 1 NULL value(s)"]
    assert contracts.check_accepted(con, mart, "code") == ["t.code: values not accepted: ['Z']"]
    assert contracts.check_rows(con, mart) == ["t: 3 rows, fewer than 5"]
    con.execute("ALTER TABLE t ADD COLUMN extra INTEGER")
    assert contracts.check_columns(con, mart) == [
        "t: columns ['k', 'v', 'code', 'extra'], declared ['k', 'v', 'code']"]
