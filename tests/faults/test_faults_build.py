"""The build: a torn or damaged staging pair is named, an interrupted build's files are
removed, a failed build leaves the warehouse in place."""
from __future__ import annotations

import json
import shutil

import pytest

from etl import build, errors, staging
from inputs import ROOT, run_etl


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A data directory with a copy of the committed staging files and a warehouse."""
    data = tmp_path_factory.mktemp("data")
    shutil.copytree(ROOT / "data" / "staging", data / "staging")
    result = run_etl(["build"], data)
    assert result.returncode == 0, result.stderr
    return data


def _one_part(data):
    return data / "staging" / "eurostat_migr" / "vintage=2025-03-31.part=migr_eirfs_sdmxcsv1_labels.parquet"


def test_a_parquet_file_its_sidecar_does_not_describe_stops_the_build(built):
    """Degraded: the Parquet was replaced before its sidecar, so a failure in between left
    provenance naming the old file. Now the sidecar carries the Parquet's hash."""
    part = _one_part(built)
    original = part.read_bytes()
    before = (built / "warehouse.duckdb").read_bytes()
    try:
        other = built / "staging" / "eurostat_migr" / "vintage=2025-03-31.part=migr_eipre_sdmxcsv1_labels.parquet"
        part.write_bytes(other.read_bytes())  # as if the swap had happened without its sidecar
        result = run_etl(["build", "--force"], built)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1] == (
            "error: the build failed, the warehouse in place is unchanged: "
            "data/staging/eurostat_migr/vintage=2025-03-31.part=migr_eirfs_sdmxcsv1_labels.parquet: "
            "its sidecar describes other bytes (parquet_sha256 "
            f"{staging.read_sidecar(part)['parquet_sha256'][:12]}…), so the pair was not written "
            "together; re-import migr_eirfs_sdmxcsv1_labels.csv (or restore both with git checkout)")
        assert (built / "warehouse.duckdb").read_bytes() == before
    finally:
        part.write_bytes(original)


def test_a_corrupt_sidecar_is_named(built):
    """Degraded: it printed `Expecting value: line 2 column 1` without naming the file."""
    side = staging.sidecar_of(_one_part(built))
    original = side.read_bytes()
    try:
        side.write_text("{\n", encoding="utf-8")
        result = run_etl(["build", "--force"], built)
        assert result.returncode == 1
        last = result.stderr.strip().splitlines()[-1]
        assert last.startswith("error: the build failed, the warehouse in place is unchanged: "
                               "data/staging/eurostat_migr/vintage=2025-03-31.part="
                               "migr_eirfs_sdmxcsv1_labels.json: not a valid staging sidecar")
        assert "Traceback" not in result.stderr
    finally:
        side.write_bytes(original)


def test_an_interrupted_builds_files_are_removed_by_the_next(built):
    """Degraded: kill -9 during a build left `.warehouse-*.duckdb` and `.wal` files."""
    for name in (".warehouse-synthetic1.duckdb", ".warehouse-synthetic1.duckdb.wal"):
        (built / name).write_bytes(b"left by an interrupted build (synthetic)")
    result = run_etl(["build"], built)  # even a build with nothing to do cleans up
    assert result.returncode == 0, result.stderr
    assert not list(built.glob(".warehouse-*"))
    assert "removed 2 file(s) an interrupted build left" in result.stderr


def test_a_data_folder_that_cannot_be_written_is_one_line(tmp_path):
    """Degraded: a read-only data dir or a full disk gave OSError tracebacks. (The tests
    run as root, which writes anywhere, so the data folder here is under a plain file.)"""
    blocker = tmp_path / "a_file"
    blocker.write_text("synthetic")
    result = run_etl(["build", "--force"], blocker / "data")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")


def test_verify_accepts_the_pair_it_wrote(tmp_path):
    import pandas as pd

    target = staging.write(pd.DataFrame({"year": [2020], "value": [5]}), dataset="d",
                           vintage="2020-01-01", staging_dir=tmp_path,
                           provenance={"file_name": "synthetic.csv", "sha256": "0" * 64})
    meta = staging.verify(target)
    assert meta["parquet_sha256"] == staging.sha256_file(target)
    assert json.loads(staging.sidecar_of(target).read_text())["rows"] == 1
    assert not list(tmp_path.rglob(".staging.*"))


def test_missing_sidecar_is_a_staging_error(tmp_path):
    part = tmp_path / "d" / "vintage=2020-01-01.parquet"
    part.parent.mkdir()
    part.write_bytes(b"synthetic")
    with pytest.raises(errors.StagingError, match="the sidecar of vintage=2020-01-01.parquet "
                                                   "is missing"):
        staging.verify(part)
    assert build.remove_stale_temps(tmp_path) == []
