"""Small generated inputs for the fault tests. Every one is SYNTHETIC (its name says so) or
a copy of a real publisher file, altered or renamed in a temporary folder, never in the
project. The numbers in synthetic files are made up and are never shown as data."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
EIPRE = SHARED / "eurostat" / "migr_eipre_sdmxcsv1_labels.csv"   # 2,535 observations
EIRFS = SHARED / "eurostat" / "migr_eirfs_sdmxcsv1_labels.csv"   # 327 observations
IBC_2018 = SHARED / "frontex" / "Detections_of_IBC_2018_07_06.xlsx"
IBC_2025 = SHARED / "frontex" / "ibc.xlsx"
GDIDATA_RDA = SHARED / "eurostat" / "gdidata_eu_asyapp.rda"

ROUTE = "Central Mediterranean Route"  # labels the reference tables know
NATIONALITY = "Afghanistan"


def ibc_workbook(months=("JAN2016", "FEB2016", "MAR2016"), rows=None, *,
                 sheet="Detections_of_IBC", as_of="data as of 1 Apr 2016") -> bytes:
    """A SYNTHETIC Frontex IBC workbook: one header row, a few made-up counts."""
    from openpyxl import Workbook

    rows = rows if rows is not None else [[ROUTE, "Sea", NATIONALITY, 1, 2, 3]]
    book = Workbook()
    data = book.active
    data.title = sheet
    data.append(["Route", "Border type", "Nationality", *months])
    for row in rows:
        data.append(row)
    notes = book.create_sheet("Notes")
    notes.append([f"Synthetic test workbook, {as_of}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def gdidata_rda(path: Path, n) -> bytes:
    """A SYNTHETIC IOM gdidata ``eu_asyapp`` .rda (geo, t, nat, sex, n) with made-up ``n``."""
    import rdata

    text = lambda values: pd.Series(values, dtype=object)  # noqa: E731  (R character vectors)
    frame = pd.DataFrame({"geo": text(["NL", "NL", "DE"]), "t": [2020.0, 2021.0, 2020.0],
                          "nat": text(["AFG", "AFG", "SYR"]), "sex": text(["T", "T", "T"]),
                          "n": text(n) if any(isinstance(v, str) for v in n) else n})
    rdata.write_rda(path, {"eu_asyapp": frame}, compression="gzip")
    return path.read_bytes()


def run_etl(args, data_dir: Path, *, env: dict | None = None, timeout: int = 600
            ) -> subprocess.CompletedProcess:
    """``python -m etl …`` with its own data directory. The timeout only stops a hung run
    (a test that hangs fails instead of blocking the suite); nothing asserts on time."""
    full_env = dict(os.environ, MIGFLOWS_DATA_DIR=str(data_dir), **(env or {}))
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def summary(stderr: str) -> dict[str, str]:
    """The import's summary table: file → result (with its reason)."""
    lines = stderr.split("summary:\n", 1)[1].splitlines() if "summary:\n" in stderr else []
    table = {}
    for line in lines:
        if not line.startswith("  "):
            break
        name, _, result = line.strip().partition("  ")
        table[name.strip()] = result.strip()
    return table
