"""`python -m etl import` end to end, and the committed staging against a fresh parse."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl import staging
from etl.sources import frontex

ROOT = Path(__file__).resolve().parents[1]


def run_etl(args, data_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MIGFLOWS_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def imported(tmp_path_factory, shared_data):
    data_dir = tmp_path_factory.mktemp("data")
    first = run_etl(["import", str(shared_data / "frontex")], data_dir)
    second = run_etl(["import", str(shared_data / "frontex")], data_dir)
    return data_dir, first, second


def test_import_snapshots_stages_and_builds(imported):
    data_dir, first, _ = imported
    assert first.returncode == 0, first.stderr
    assert "[1/2] frontex: Detections_of_IBC_2018_07_06.xlsx → stored" in first.stderr
    assert "skipped: SOURCES.md, frontex.rda, frontex_rda.csv" in first.stderr
    raw = sorted(p.relative_to(data_dir / "raw").as_posix()
                 for p in (data_dir / "raw").rglob("*") if p.is_file())
    day = raw[0].split("/")[1]
    assert raw == [f"frontex/{day}/{n}" for n in (
        "Detections_of_IBC_2018_07_06.xlsx", "Detections_of_IBC_2018_07_06.xlsx.json",
        "ibc.xlsx", "ibc.xlsx.json")]
    side = json.loads((data_dir / "raw" / "frontex" / day / "ibc.xlsx.json").read_text())
    assert side["source_url"] == "imported from ibc.xlsx"
    assert side["vintage"] == "2025-06-03"
    assert side["size"] == 1_534_939
    assert (data_dir / "warehouse.duckdb").exists()
    assert "built warehouse.duckdb" in first.stderr


def test_second_import_is_a_noop(imported):
    data_dir, _, second = imported
    assert second.returncode == 0, second.stderr
    assert second.stderr.count("already stored") == 2
    assert second.stderr.count(" unchanged (") == 2  # one staging line per workbook
    assert "  ibc.xlsx                           unchanged\n" in second.stderr  # the summary
    assert "warehouse.duckdb is up to date" in second.stderr
    assert len(list((data_dir / "raw").rglob("*.xlsx"))) == 2


def test_import_of_a_folder_without_workbooks_fails_clearly(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here")
    result = run_etl(["import", str(tmp_path)], tmp_path / "data")
    assert result.returncode == 1
    assert "nothing to import" in result.stderr


def test_import_of_a_missing_path_fails_clearly(tmp_path):
    result = run_etl(["import", str(tmp_path / "nope")], tmp_path / "data")
    assert result.returncode != 0
    assert "does not exist" in result.stderr


@pytest.mark.parametrize("name", ["ibc.xlsx", "Detections_of_IBC_2018_07_06.xlsx"])
def test_committed_staging_equals_a_fresh_parse(shared_data, name):
    """The offline default in data/staging must be what the ETL derives from the file now."""
    content = (shared_data / "frontex" / name).read_bytes()
    fresh = frontex.parse(content, file_name=name).frame
    vintage = fresh["vintage"].iloc[0].date().isoformat()
    committed = pd.read_parquet(staging.file_for(frontex.DATASET, vintage))
    pd.testing.assert_frame_equal(committed, fresh, check_dtype=False)
    side = staging.read_sidecar(staging.file_for(frontex.DATASET, vintage))
    assert side["rows"] == len(fresh)
    assert side["sha256"] == fresh["snapshot_sha256"].iloc[0]


def test_a_failed_file_leaves_the_others_loaded(tmp_path, shared_data):
    """One bad file: its staging stays as it was, the good files still load and build."""
    bad_dir = tmp_path / "in"
    bad_dir.mkdir()
    good = shared_data / "eurostat" / "dw2017_migr_eiord_1_Data.csv"
    (bad_dir / good.name).write_bytes(good.read_bytes())
    (bad_dir / "migr_eirtn_broken.csv").write_text(
        (shared_data / "eurostat" / "dw2017_migr_eirtn_1_Data.csv").read_text(encoding="ascii")
        .replace('"Netherlands"', '"Nederland"', 1), encoding="ascii")
    data_dir = tmp_path / "data"
    result = run_etl(["import", str(bad_dir)], data_dir)
    assert result.returncode == 1
    assert "migr_eirtn_broken.csv FAILED, staging left unchanged" in result.stderr
    assert "unknown geo 'Nederland'" in result.stderr
    assert "error: 1 file(s) failed: migr_eirtn_broken.csv" in result.stderr
    staged = sorted(p.name for p in (data_dir / "staging").rglob("*.parquet"))
    assert staged == ["vintage=2018-03-27.part=dw2017_migr_eiord_1_Data.parquet"]
    assert (data_dir / "warehouse.duckdb").exists()  # the good file was built
