"""Import never aborts on one file; a refused file makes the exit status non-zero."""
from __future__ import annotations

import datetime as dt
import gzip
import os
import shutil
import tracemalloc

import duckdb
import pytest

from etl import errors, limits, pipeline, staging
from etl.formats import rfiles
from etl.sources import eurostat
from inputs import (EIPRE, EIRFS, IBC_2018, IBC_2025, gdidata_rda, ibc_workbook, run_etl,
                    summary)


def test_names_differing_in_punctuation_get_their_own_parts():
    """Broke #2: `labels v.csv` and `labels.v.csv` mapped to one staging part."""
    parts = {staging.part_name(n) for n in ("labels v.csv", "labels.v.csv", "labels_v.csv")}
    assert len(parts) == 3
    assert staging.part_name("labels_v.csv") == "labels_v"  # a clean name stays as it was
    assert staging.part_name("labels v.csv").startswith("labels_v-")


def test_two_files_whose_names_differ_in_punctuation_both_reach_the_warehouse(
        tmp_path, shared_data):
    """Broke #2 end to end: both were 'written', rc 0, and 2,535 rows left the warehouse."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EIPRE, folder / "labels v.csv")   # real files, renamed
    shutil.copy(EIRFS, folder / "labels.v.csv")
    data = tmp_path / "data"
    result = run_etl(["import", str(folder)], data)
    assert result.returncode == 0, result.stderr
    assert summary(result.stderr) == {"labels v.csv": "imported", "labels.v.csv": "imported"}
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        rows = dict(con.execute("SELECT source_file, count(*) FROM stg_eurostat__migr "
                                "GROUP BY ALL").fetchall())
    assert rows == {"labels v.csv": 2535, "labels.v.csv": 327}


def test_a_staging_part_holding_another_file_is_never_overwritten(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"year": [2020], "value": [1]})
    prov = {"file_name": "a.csv", "sha256": "1" * 64, "vintage": "2020-01-01"}
    staging.write(frame, dataset="d", vintage="2020-01-01", provenance=prov,
                  staging_dir=tmp_path, part="a")
    with pytest.raises(errors.StagingError) as caught:
        staging.write(frame, dataset="d", vintage="2020-01-01", staging_dir=tmp_path, part="a",
                      provenance={**prov, "file_name": "a.tsv", "sha256": "2" * 64})
    assert "holds 'a.csv'; 'a.tsv' of the same vintage would replace it" in str(caught.value)
    assert staging.read_sidecar(tmp_path / "d" / "vintage=2020-01-01.part=a.parquet")[
        "file_name"] == "a.csv"


def test_same_name_and_vintage_with_other_bytes_is_refused(tmp_path, shared_data):
    """Degraded: such a file silently replaced that vintage's staging."""
    folder = tmp_path / "in"
    folder.mkdir()
    raw, stg, vintage = tmp_path / "raw", tmp_path / "stg", dt.date(2025, 3, 31)
    target = folder / "migr_eirfs_sdmxcsv1_labels.csv"
    shutil.copy(EIRFS, target)
    snap = pipeline.import_file(eurostat, target, raw_dir=raw, vintage=vintage)
    [(parquet, written)] = pipeline.stage(eurostat, snap, staging_dir=stg)
    assert written
    before = parquet.read_bytes()
    lines = EIRFS.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.pop(7)  # other bytes: the real file with one observation fewer
    target.write_text("".join(lines), encoding="utf-8")
    other = pipeline.import_file(eurostat, target, raw_dir=raw, vintage=vintage)
    assert other.created and other.sha256 != snap.sha256  # both kept in the raw store
    with pytest.raises(errors.StagingError) as caught:
        pipeline.stage(eurostat, other, staging_dir=stg)
    assert "was made from other bytes of the same file name" in str(caught.value)
    assert "not replaced" in str(caught.value)
    assert parquet.read_bytes() == before
    assert staging.verify(parquet)["sha256"] == snap.sha256


def _broken_workbooks(folder):
    """Damaged workbooks, each SYNTHETIC or cut from a real one."""
    real = IBC_2025.read_bytes()
    (folder / "truncated.xlsx").write_bytes(real[: len(real) // 2])
    (folder / "html_saved_as.xlsx").write_bytes(b"<!DOCTYPE html><html><body>Not found"
                                                b"</body></html>")
    (folder / "empty.xlsx").write_bytes(b"")
    (folder / "synthetic_renamed_sheet.xlsx").write_bytes(ibc_workbook(sheet="Sheet1"))


def test_damaged_workbooks_beside_a_good_one_fail_the_import(tmp_path, shared_data):
    """Broke #3: they were 'skipped: not a file any source reads' with rc 0."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(IBC_2018, folder / IBC_2018.name)
    _broken_workbooks(folder)
    (folder / "notes.md").write_text("not data")
    result = run_etl(["import", str(folder), "--no-build"], tmp_path / "data")
    assert result.returncode == 1, result.stderr
    table = summary(result.stderr)
    assert table[IBC_2018.name] == "imported"
    assert table["truncated.xlsx"].startswith("refused: truncated or damaged xlsx")
    assert table["html_saved_as.xlsx"] == "refused: an HTML/XML page saved as .xlsx"
    assert table["empty.xlsx"] == "refused: empty file"
    assert table["synthetic_renamed_sheet.xlsx"] == (
        "refused: frontex reads every .xlsx file and refuses this one: "
        "synthetic_renamed_sheet.xlsx: workbook has no sheet 'Detections_of_IBC' "
        "(sheets: ['Sheet1', 'Notes'])")
    assert table["notes.md"] == "skipped: not a file any source reads"
    assert "error: 4 file(s) failed" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((tmp_path / "data" / "staging").rglob("*.parquet"))) == 1


def test_hidden_fifo_and_device_files_are_skipped_with_a_line(tmp_path, shared_data):
    """Degraded: a .hidden file aborted the folder, a FIFO named .xlsx hung forever,
    /dev/zero linked as a .csv ran to MemoryError."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EIRFS, folder / EIRFS.name)
    (folder / ".hidden.csv").write_text("whatever")
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "zero.csv").symlink_to("/dev/zero")
    result = run_etl(["import", str(folder), "--no-build"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    table = summary(result.stderr)
    assert table == {".hidden.csv": "skipped: hidden file",
                     "pipe.xlsx": "skipped: a named pipe (FIFO), not a regular file",
                     "zero.csv": "skipped: a device, not a regular file",
                     EIRFS.name: "imported"}
    assert "pipe.xlsx: skipped: a named pipe (FIFO), not a regular file" in result.stderr


def test_a_file_above_its_size_cap_is_refused_before_it_is_read(tmp_path, shared_data):
    """Degraded: 280 MB of junk after a valid header took 2.8 GB and stayed in data/raw."""
    folder = tmp_path / "in"
    folder.mkdir()
    big = folder / "migr_eipre_sdmxcsv1_labels.csv"
    with open(big, "wb") as fh:  # a real header, then junk (SYNTHETIC) past the 1 MB cap
        fh.write(EIPRE.read_bytes()[:4096])
        fh.write(b"x" * (2 * limits.MB))
    shutil.copy(EIRFS, folder / EIRFS.name)
    result = run_etl(["import", str(folder), "--no-build"], tmp_path / "data",
                     env={"MIGFLOWS_MAX_FILE_MB": "1"})
    assert result.returncode == 1, result.stderr
    assert summary(result.stderr)[big.name] == (
        "refused: 2.0 MB is above the 1 MB cap for .csv files (MIGFLOWS_MAX_FILE_MB)")
    assert summary(result.stderr)[EIRFS.name] == "imported"
    raw = [p.name for p in (tmp_path / "data" / "raw").rglob("*") if p.is_file()]
    assert big.name not in raw


def test_rda_with_a_character_column_where_a_number_belongs(tmp_path):
    """Broke #7: an uncaught TypeError aborted the whole import and the build."""
    path = tmp_path / "synthetic_gdidata_eu_asyapp.rda"
    content = gdidata_rda(path, ["10", "many", "3"])
    with pytest.raises(errors.ParseError) as caught:
        eurostat.parse(content, file_name=path.name, vintage=dt.date(2025, 5, 26))
    assert str(caught.value).startswith(
        "synthetic_gdidata_eu_asyapp.rda: object 'eu_asyapp', row 2, column n: expected "
        "numbers, R stored")
    assert str(caught.value).endswith("(value 'many')")


def test_rda_with_text_counts_beside_good_files_is_refused_and_the_others_load(
        tmp_path, shared_data):
    folder = tmp_path / "in"
    folder.mkdir()
    gdidata_rda(folder / "synthetic_gdidata_eu_asyapp.rda", ["10", "many", "3"])
    shutil.copy(EIRFS, folder / EIRFS.name)
    data = tmp_path / "data"
    result = run_etl(["import", str(folder)], data)
    assert result.returncode == 1, result.stderr
    table = summary(result.stderr)
    assert table["synthetic_gdidata_eu_asyapp.rda"].startswith("refused: synthetic_gdidata_")
    assert "column n: expected numbers" in table["synthetic_gdidata_eu_asyapp.rda"]
    assert table[EIRFS.name] == "imported"
    assert "TypeError" not in result.stderr and "Traceback" not in result.stderr
    assert (data / "warehouse.duckdb").exists()  # the good file was built


def test_decompression_bomb_is_refused_within_the_cap(monkeypatch):
    """Broke #8: a 3 MB .rda unpacking to 3 GiB took 6.5 GB before it was refused.
    Here a SYNTHETIC gzip stream of 64 MiB of zeros (64 KB packed) against an 8 MB cap."""
    monkeypatch.setenv("MIGFLOWS_MAX_UNPACKED_MB", "8")
    bomb = gzip.compress(b"RDX3\nX\n" + bytes(64 * limits.MB), compresslevel=9)
    assert len(bomb) < limits.MB
    assert rfiles.is_r_file(bomb)
    tracemalloc.start()
    try:
        with pytest.raises(errors.ParseError) as caught:
            rfiles.read_table(bomb, "synthetic_bomb.rda", ["geo"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "unpacks to more than 8 MB (the cap, MIGFLOWS_MAX_UNPACKED_MB)" in str(caught.value)
    assert peak < 16 * limits.MB  # chunks are counted, not kept


def test_a_bomb_in_a_folder_is_refused_and_the_others_load(tmp_path, shared_data):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "synthetic_bomb.rds").write_bytes(
        gzip.compress(b"X\n\x00\x00\x00\x03" + bytes(16 * limits.MB), compresslevel=9))
    shutil.copy(EIRFS, folder / EIRFS.name)
    result = run_etl(["import", str(folder), "--no-build"], tmp_path / "data",
                     env={"MIGFLOWS_MAX_UNPACKED_MB": "4"})
    assert result.returncode == 1, result.stderr
    assert "likely decompression bomb" in summary(result.stderr)["synthetic_bomb.rds"]
    assert summary(result.stderr)[EIRFS.name] == "imported"


def test_an_error_writing_one_file_does_not_abort_the_others(tmp_path, shared_data,
                                                             monkeypatch):
    """Degraded: any exception but a parse error (a name too long, out of space) aborted
    the whole import with a traceback. In-process, with a disk that fills on one file."""
    import argparse

    from etl import cli, snapshots

    real_store = snapshots.store

    def store(content, **kw):
        if kw["file_name"] == EIPRE.name:
            raise OSError(28, "No space left on device", kw["file_name"])
        return real_store(content, **kw)

    monkeypatch.setattr(snapshots, "store", store)
    monkeypatch.setattr(pipeline.snapshots, "store", store)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EIPRE, folder / EIPRE.name)
    shutil.copy(EIRFS, folder / EIRFS.name)
    monkeypatch.setattr("core.paths.RAW_DIR", tmp_path / "raw")
    monkeypatch.setattr("core.paths.STAGING_DIR", tmp_path / "stg")
    rc = cli.cmd_import(argparse.Namespace(paths=[folder], force=False, no_build=True))
    assert rc == 1
    assert (tmp_path / "stg" / "eurostat_migr").is_dir()


def test_the_committed_staging_files_carry_their_parquet_hash():
    for f in staging.files():
        assert staging.verify(f)["parquet_sha256"] == staging.sha256_file(f)
