"""Dataset metadata (publisher, unit, caveats, licence) kept as YAML beside the code."""
from __future__ import annotations

from functools import cache

import yaml

from core.paths import METADATA_DIR


@cache
def dataset(name: str) -> dict:
    """Metadata of one dataset, from ``etl/metadata/<name>.yml``."""
    path = METADATA_DIR / f"{name}.yml"
    if not path.exists():
        raise KeyError(f"no metadata file for dataset {name!r} ({path.name})")
    return yaml.safe_load(path.read_text(encoding="utf-8"))
