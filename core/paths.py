"""Where the project keeps its data. Every path is relative to the project root.

Shared by the write side (etl), the statistics (analysis) and the read side (dashboard):
none of them needs another's code to find a file.
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ETL_DIR = ROOT / "etl"
DATA_DIR = Path(os.environ.get("MIGFLOWS_DATA_DIR", ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
STAGING_DIR = DATA_DIR / "staging"
WAREHOUSE = DATA_DIR / "warehouse.duckdb"
USER_CLAIMS = DATA_DIR / "user_claims.yml"  # claims a user added on the Claim check page
REFERENCE_DIR = ETL_DIR / "reference"
METADATA_DIR = ETL_DIR / "metadata"
SQL_DIR = ETL_DIR / "sql"
