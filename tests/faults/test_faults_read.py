"""The read side: no external access, a safely quoted ATTACH, a held warehouse named as such,
one error boundary per page, link values that cannot be used, a hand-broken claims file."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys

import duckdb
import pytest

from core import paths, warehouse
from dashboard import boundary
from pages import APP, run_page
from streamlit.testing.v1 import AppTest


def test_the_read_connection_reaches_nothing_outside_the_warehouse(built_warehouse, tmp_path):
    outside = tmp_path / "outside.csv"
    outside.write_text("a\n1\n")
    con = warehouse.connect_readonly(built_warehouse)
    try:
        assert con.execute("SELECT count(*) FROM provenance").fetchone()[0] > 0
        with pytest.raises(duckdb.PermissionException):
            con.execute(f"SELECT * FROM read_csv('{outside}')")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute(f"ATTACH '{tmp_path / 'other.duckdb'}' AS other")
        with warehouse.cursor(con) as cur:  # the page queries' handle: the same limits
            with pytest.raises(duckdb.PermissionException):
                cur.execute(f"SELECT * FROM read_csv('{outside}')")
    finally:
        con.close()


def test_a_warehouse_path_with_a_quote_is_attached(built_warehouse, tmp_path):
    odd = tmp_path / "it's here" / "warehouse.duckdb"
    odd.parent.mkdir()
    shutil.copyfile(built_warehouse, odd)
    with warehouse.connect_readonly(odd) as con:
        assert con.execute("SELECT count(*) FROM build_info").fetchone()[0] == 1


def test_a_warehouse_held_by_another_writer_gets_a_clear_message(built_warehouse, tmp_path):
    """Degraded: the read-only ATTACH failed with 'Could not set lock'."""
    held = tmp_path / "held.duckdb"
    shutil.copyfile(built_warehouse, held)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); "
         "print('held', flush=True); sys.stdin.read()", str(held)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"  # waits for the lock, no sleep
        with pytest.raises(warehouse.WarehouseBusy) as caught:
            warehouse.connect_readonly(held)
        assert "held for writing by another program" in str(caught.value)
        assert "Could not set lock" not in boundary.message(caught.value)
        assert "Wait until it ends, then reload the page" in boundary.message(caught.value)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def _texts(at) -> str:
    return " ".join(str(e.value) for kind in ("error", "warning", "info", "markdown", "caption")
                    for e in at.get(kind))


def test_an_unexpected_error_on_a_page_is_a_message_and_a_log_line(
        built_warehouse, monkeypatch, caplog):
    """The boundary: a plain message and what to do, the stack only in the log."""
    from dashboard import overview

    def broken():
        raise RuntimeError(f"SELECT secret FROM {paths.DATA_DIR}/somewhere")  # SYNTHETIC

    monkeypatch.setattr(overview, "tiles", broken)
    at = AppTest.from_file(APP, default_timeout=120)  # app.py's own navigation: Overview
    with caplog.at_level(logging.ERROR, logger="migflows.pages"):
        at.run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("This page could not be drawn with these choices.")
    assert "SELECT" not in _texts(at) and str(paths.DATA_DIR) not in _texts(at)
    assert any("page 'Overview' failed: RuntimeError" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("page, params", [
    ("pages/arrivals.py", {"vintage": "abc"}),
    ("pages/arrivals.py", {"vintage": "1999-01-01"}),
    ("pages/return_gap.py", {"start": "99999"}),
])
def test_link_values_that_cannot_be_used_get_a_notice_not_a_traceback(
        built_warehouse, page, params):
    """Broke #9: these links crashed the pages with paths and SQL in the traceback."""
    at = run_page(page, **params)  # asserts no exception
    assert not at.error
    [(name, raw)] = params.items()
    notices = [str(w.value) for w in at.warning]
    assert any(n.startswith(f"Link value '{raw}' for {name} not understood — showing ")
               for n in notices), notices


@pytest.mark.parametrize("date", ["1900-01-01", "2030-01-01", "2009-03-01"])
def test_route_shift_dates_at_or_beyond_the_data_edges(built_warehouse, date):
    """Broke #9: route shifts `event=date&date=…` at or past the data's edges."""
    at = run_page("pages/route_shifts.py", timeout=240, event="date", date=date)
    assert not at.error
    assert at.warning or at.info  # the page says why there is no estimate, in words


def test_a_hand_broken_user_claims_file_is_a_warning(built_warehouse, data_dir):
    """Degraded: a hand-broken data/user_claims.yml crashed the Claim check page."""
    user = paths.USER_CLAIMS
    assert not user.exists()
    user.write_text("claims: [\n  - id: U01\n    claim: unclosed", encoding="utf-8")  # SYNTHETIC
    try:
        at = run_page("pages/claims.py", timeout=240)
        assert not at.error
        [warning] = [w for w in at.warning if "user_claims.yml" in str(w.value)]
        assert "cannot be read, so only the published claims are shown" in str(warning.value)
        assert "nothing in it has been changed" in str(warning.value)
    finally:
        user.unlink()
