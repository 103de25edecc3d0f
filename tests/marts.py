"""Helpers shared by the source tests: warehouses built from chosen staging files."""
from __future__ import annotations

import shutil
from pathlib import Path

from core import warehouse
from etl import build, staging


def build_from(stg: Path, out: Path):
    """Build ``out`` from the staging folder ``stg``; a read-only connection to it."""
    assert build.build(staging_dir=stg, warehouse=out, force=True).built
    return warehouse.connect_readonly(out)


def committed_mart(root: Path, dataset: str):
    """A warehouse built from one dataset's committed staging files only."""
    shutil.copytree(staging.dataset_dir(dataset), root / "stg" / dataset)
    return build_from(root / "stg", root / "warehouse.duckdb")
