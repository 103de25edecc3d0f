"""20 simultaneous readers on the dashboard's read path while a rebuild swaps the warehouse.

No timing: the readers read until the rebuild (a separate process, as the app runs it) has
finished and each has read the new file at least once; the test asserts zero errors."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

from core import paths, warehouse
from inputs import ROOT

READERS = 20


def _count(cur) -> int:
    return cur.execute("SELECT count(*) FROM provenance").fetchone()[0]


def test_twenty_readers_while_the_warehouse_is_swapped(built_warehouse):
    from dashboard import db

    before = warehouse.file_key()
    expected = db.run(_count)
    errors: list[str] = []
    reads_after = [0] * READERS
    done = threading.Event()
    start = threading.Barrier(READERS + 1)

    def reader(i: int) -> None:
        start.wait()
        try:
            while True:
                finished = done.is_set()  # read once more after the swap, then stop
                key = warehouse.file_key()
                got = db.run(_count)
                tables = db.query("tables")
                if got != expected or tables.empty:
                    errors.append(f"reader {i}: {got} provenance rows, {len(tables)} tables")
                if key != before:
                    reads_after[i] += 1
                if finished and reads_after[i]:
                    return
        except Exception as exc:  # noqa: BLE001  (every error is a failure, listed)
            errors.append(f"reader {i}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    for t in threads:
        t.start()
    start.wait()
    build = subprocess.run([sys.executable, "-m", "etl", "build", "--force"], cwd=ROOT,
                           env=dict(os.environ, MIGFLOWS_DATA_DIR=str(paths.DATA_DIR)),
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
    done.set()
    for t in threads:
        t.join()
    assert build.returncode == 0, build.stderr
    assert warehouse.file_key() != before  # the file was swapped under the readers
    assert errors == []
    assert all(n >= 1 for n in reads_after)
