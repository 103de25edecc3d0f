"""Where the project keeps its data. Every path is relative to the project root."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA_DIR = Path(os.environ.get("MIGFLOWS_DATA_DIR", ROOT / "data"))
RAW_DIR = DATA_DIR / "raw"
STAGING_DIR = DATA_DIR / "staging"
WAREHOUSE = DATA_DIR / "warehouse.duckdb"
USER_CLAIMS = DATA_DIR / "user_claims.yml"  # claims a user added on the Claim check page
REFERENCE_DIR = PACKAGE_DIR / "reference"
METADATA_DIR = PACKAGE_DIR / "metadata"
SQL_DIR = PACKAGE_DIR / "sql"
