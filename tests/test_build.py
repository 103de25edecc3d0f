"""Warehouse build: marts against staging, provenance, rebuild-on-change, atomic swap."""
from __future__ import annotations

import json
import os
import shutil
import threading

import duckdb
import pandas as pd
import pytest

from core import paths, warehouse
from etl import build, release, staging


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A warehouse built from the committed staging files into a temp folder."""
    out = tmp_path_factory.mktemp("wh") / "warehouse.duckdb"
    result = build.build(warehouse=out)
    assert result.built
    con = warehouse.connect_readonly(out)
    yield out, con
    con.close()


def test_committed_staging_is_present():
    names = [f.name for f in staging.files() if f.parent.name == "frontex_ibc"]
    assert names == ["vintage=2018-07-06.parquet", "vintage=2025-06-03.parquet"]


def test_marts_equal_staging_totals(built):
    _, con = built
    q = lambda s: con.execute(s).fetchall()  # noqa: E731
    stg = dict(q("SELECT vintage, sum(detections) FROM stg_frontex__ibc GROUP BY 1"))
    allv = dict(q("SELECT vintage, sum(detections) FROM arrivals_monthly_all_vintages GROUP BY 1"))
    assert stg == allv
    assert {v.isoformat(): int(n) for v, n in allv.items()} == {
        "2018-07-06": 3_397_000, "2025-06-03": 4_966_869}
    assert q("SELECT sum(detections), min(vintage), max(vintage) FROM arrivals_monthly")[0] == (
        4_966_869, pd.Timestamp("2025-06-03").date(), pd.Timestamp("2025-06-03").date())
    assert q("SELECT sum(detections) FROM arrivals_yearly")[0][0] == 4_966_869


def test_yearly_mart_values_and_partial_year(built):
    _, con = built
    rows = con.execute("""
        SELECT year, sum(detections), max(months_covered) FROM arrivals_yearly
        WHERE year IN (2015, 2024, 2025) GROUP BY year ORDER BY year""").fetchall()
    assert rows == [(2015, 1_822_102, 12), (2024, 240_021, 12), (2025, 50_226, 4)]
    emr_2016 = con.execute("SELECT sum(detections) FROM arrivals_yearly "
                           "WHERE route_code = 'EMR' AND year = 2016").fetchone()[0]
    assert emr_2016 == 182_277


def test_mart_schema(built):
    _, con = built
    cols = con.execute("""SELECT column_name, data_type FROM information_schema.columns
                          WHERE table_name = 'arrivals_monthly' ORDER BY ordinal_position""").fetchall()
    assert cols == [("route_code", "VARCHAR"), ("route", "VARCHAR"), ("border_type", "VARCHAR"),
                    ("nationality", "VARCHAR"), ("nationality_iso3", "VARCHAR"),
                    ("month", "DATE"), ("detections", "BIGINT"), ("vintage", "DATE")]


def test_mart_keys_are_unique(built):
    _, con = built
    dup = con.execute("""SELECT count(*) FROM (SELECT vintage, route_code, border_type,
                         nationality_iso3, month FROM arrivals_monthly_all_vintages
                         GROUP BY ALL HAVING count(*) > 1)""").fetchone()[0]
    assert dup == 0
    # 2018 lists both "Kosovo" and "Kosovo*" on two route/border keys: summed, not doubled.
    kos = con.execute("""SELECT sum(detections) FROM arrivals_monthly_all_vintages
                         WHERE vintage = DATE '2018-07-06' AND nationality_iso3 = 'XKX'
                           AND route_code = 'WBR'""").fetchone()[0]
    assert kos == 56_571


def test_provenance_table(built):
    _, con = built
    prov = con.execute(
        "SELECT * FROM provenance WHERE dataset = 'frontex_ibc' ORDER BY vintage").df()
    assert list(prov["file_name"]) == ["Detections_of_IBC_2018_07_06.xlsx", "ibc.xlsx"]
    assert list(prov["rows"]) == [745 * 113, 885 * 196]
    assert list(prov["sha256"].str[:12]) == ["d5727f83e92c", "878d70785032"]
    assert list(prov["size"]) == [321_529, 1_534_939]
    assert prov["licence"].str.contains("Frontex").all()
    assert list(prov["coverage_end"].astype(str)) == ["2018-05-01", "2025-04-01"]


def test_rebuilds_only_when_staging_changes(tmp_path):
    stg = tmp_path / "staging"
    shutil.copytree(paths.STAGING_DIR, stg)
    out = tmp_path / "warehouse.duckdb"
    assert build.build(staging_dir=stg, warehouse=out).built
    assert not build.build(staging_dir=stg, warehouse=out).built
    assert not build.is_stale(staging_dir=stg, warehouse=out)
    for f in stg.glob("frontex_ibc/vintage=2018-07-06.*"):
        f.unlink()
    assert build.is_stale(staging_dir=stg, warehouse=out)
    assert build.build(staging_dir=stg, warehouse=out).built
    with warehouse.connect_readonly(out) as con:
        assert con.execute("SELECT count(*) FROM provenance "
                           "WHERE dataset = 'frontex_ibc'").fetchone()[0] == 1


def _built_copy(tmp_path):
    """A copy of the committed staging and a warehouse built from it."""
    stg = tmp_path / "staging"
    shutil.copytree(paths.STAGING_DIR, stg)
    out = tmp_path / "warehouse.duckdb"
    build.build(staging_dir=stg, warehouse=out)
    return stg, out


def test_atomic_swap_keeps_old_readers_working(tmp_path):
    stg, out = _built_copy(tmp_path)
    reader = warehouse.connect_readonly(out)
    before = reader.execute("SELECT fingerprint FROM build_info").fetchone()[0]

    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_reading():
        try:
            while not stop.is_set():
                with warehouse.cursor(reader) as cur:
                    assert cur.execute("SELECT sum(detections) FROM arrivals_monthly"
                                       ).fetchone()[0] == 4_966_869
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    t = threading.Thread(target=keep_reading)
    t.start()
    try:
        for _ in range(3):
            build.build(staging_dir=stg, warehouse=out, force=True)
    finally:
        stop.set()
        t.join()
    assert errors == []
    # The old handle still sees its own file; a new reader sees the new build.
    assert reader.execute("SELECT fingerprint FROM build_info").fetchone()[0] == before
    with warehouse.connect_readonly(out) as fresh:
        built_at = fresh.execute("SELECT built_at FROM build_info").fetchone()[0]
    with warehouse.connect_readonly(out) as again:
        assert again.execute("SELECT built_at FROM build_info").fetchone()[0] == built_at
    reader.close()
    # no temp file left; the build lock stays (it is only ever locked, never removed)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".build.lock", "releases", "staging",
                                                          "warehouse.duckdb"]


def test_every_build_is_an_immutable_release_with_a_manifest(tmp_path):
    """Four builds: the newest three releases are kept, the warehouse path is the newest one
    (the same file), and the manifest states its sha256 and the bundled vintages."""
    stg = tmp_path / "staging"
    shutil.copytree(paths.STAGING_DIR, stg)
    out = tmp_path / "warehouse.duckdb"
    ids = [build.build(staging_dir=stg, warehouse=out, force=True) and
           release.current(out)["build_id"] for _ in range(4)]
    assert len(set(ids)) == 4 and ids == sorted(ids)
    releases = tmp_path / "releases"
    kept = sorted(p.name for p in releases.glob("warehouse-*.duckdb"))
    assert kept == [f"warehouse-{i}.duckdb" for i in ids[1:]]
    assert sorted(p.name for p in releases.glob("warehouse-*.json")) == [
        f"warehouse-{i}.json" for i in ids[1:]]
    manifest = release.current(out)
    newest = releases / manifest["file"]
    assert os.path.samefile(newest, out)
    assert not os.stat(newest).st_mode & 0o222  # read-only
    assert manifest["sha256"] == release.sha256(newest) and manifest["size"] == out.stat().st_size
    assert "2025-06-03" in manifest["vintages"]["frontex_ibc"]
    assert manifest["tables"]["arrivals_monthly"] > 0
    assert json.loads((releases / f"warehouse-{ids[-1]}.json").read_text()) == manifest
    with warehouse.connect_readonly(out) as con:
        assert con.execute("SELECT build_id FROM build_info").fetchone()[0] == ids[-1]
    assert release.verify(out) == newest


def test_a_replica_refuses_a_release_whose_bytes_are_not_the_manifests(tmp_path):
    stg = tmp_path / "staging"
    shutil.copytree(paths.STAGING_DIR, stg)
    out = tmp_path / "warehouse.duckdb"
    build.build(staging_dir=stg, warehouse=out)
    target = release.verify(out)
    os.chmod(target, 0o644)
    with open(target, "r+b") as fh:  # a copy cut short
        fh.truncate(target.stat().st_size // 2)
    with pytest.raises(ValueError, match="is not the manifest's"):
        release.verify(out)


def test_a_new_reader_sees_the_swapped_file_while_an_old_one_is_open(tmp_path):
    """DuckDB caches database instances by path; our read-only opener must not."""
    stg, out = _built_copy(tmp_path)
    old = warehouse.connect_readonly(out)
    old_time = old.execute("SELECT built_at FROM build_info").fetchone()[0]
    build.build(staging_dir=stg, warehouse=out, force=True)
    with warehouse.connect_readonly(out) as new:
        assert new.execute("SELECT built_at FROM build_info").fetchone()[0] > old_time
    old.close()


def test_missing_staging_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m etl import"):
        build.build(staging_dir=tmp_path / "empty", warehouse=tmp_path / "w.duckdb")


def test_warehouse_file_is_plain_duckdb(built):
    """Researchers open the file directly with duckdb."""
    path, _ = built
    con = duckdb.connect(str(path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM arrivals_yearly").fetchone()[0] > 0
    finally:
        con.close()
