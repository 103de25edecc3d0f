"""The app's warehouse check: rebuilt by a separate process, never the writer in-process;
a failed rebuild leaves the last good warehouse serving with a warning."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pages import APP

BROKEN = "vintage=2099-01-01.parquet"  # a staging file the build cannot read


@pytest.fixture
def temp_data(tmp_path, monkeypatch, data_dir):
    """A data directory of its own (a copy of the committed staging files) for one test."""
    from core import paths
    from dashboard import db

    shutil.copytree(data_dir / "staging", tmp_path / "staging")
    monkeypatch.setattr(paths, "DATA_DIR", tmp_path)
    monkeypatch.setattr(paths, "STAGING_DIR", tmp_path / "staging")
    monkeypatch.setattr(paths, "WAREHOUSE", tmp_path / "warehouse.duckdb")
    monkeypatch.setattr(db, "_checked", {})
    return tmp_path


def break_staging(data: Path) -> None:
    folder = data / "staging" / "frontex_ibc"
    good = sorted(folder.glob("vintage=*.parquet"))[0]
    (folder / BROKEN).write_bytes(b"version https://git-lfs.github.com/spec/v1\n")
    meta = json.loads(good.with_suffix(".json").read_text(encoding="utf-8"))
    (folder / BROKEN).with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")


def overview() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_missing_warehouse_is_built_by_a_separate_process(temp_data):
    from core import inputs

    at = overview()
    assert (temp_data / "warehouse.duckdb").exists()
    assert not inputs.is_stale()
    assert not at.warning and not at.error
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Irregular border crossings, all routes (detections)"] == "240,021"


def test_a_failed_rebuild_keeps_the_last_good_warehouse_serving(temp_data, caplog):
    overview()  # builds the good warehouse
    wh = temp_data / "warehouse.duckdb"
    before = wh.stat()
    break_staging(temp_data)
    at = overview()
    warning = " ".join(w.value for w in at.warning)
    assert "could not be rebuilt" in warning and "last good warehouse" in warning
    assert f"data/staging/frontex_ibc/{BROKEN}" in warning and str(temp_data) not in warning
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Irregular border crossings, all routes (detections)"] == "240,021"
    after = wh.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert any("warehouse rebuild failed" in r.getMessage() for r in caplog.records)
    # The failure is remembered for these inputs: a rerun does not start another build.
    from core import rebuild
    calls = []
    original = rebuild.run_build
    rebuild.run_build = lambda **kw: calls.append(kw) or original(**kw)
    try:
        at.run()
    finally:
        rebuild.run_build = original
    assert not at.exception, at.exception
    assert not calls, calls


def test_no_warehouse_and_a_failed_build_is_a_plain_message(temp_data):
    break_staging(temp_data)
    at = overview()
    assert "no warehouse yet" in " ".join(e.value for e in at.error)
    assert not at.metric


def test_the_app_never_imports_the_writer(built_warehouse):
    code = ("import sys\nfrom streamlit.testing.v1 import AppTest\n"
            f"for page in {['pages/' + p + '.py' for p in ('overview', 'arrivals', 'return_gap', 'remittances', 'sources', 'revisions')]!r}:\n"
            f"    at = AppTest.from_file({APP!r}, default_timeout=120)\n"
            "    at.switch_page(page); at.run()\n"
            "    assert not at.exception, (page, at.exception)\n"
            "print(sorted(m for m in sys.modules if m == 'etl' or m.startswith('etl.')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_page_run_without_app_py_still_gets_a_warehouse(temp_data):
    """Streamlit runs a page script alone for the first deep link a fresh server gets."""
    at = AppTest.from_file(str(Path(APP).parent / "pages" / "return_gap.py"),
                           default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert (temp_data / "warehouse.duckdb").exists()
    assert at.selectbox(key="rg_geo").value == "NL"
    assert at.selectbox(key="rg_year").options[-1] == "2016"
