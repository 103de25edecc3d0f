"""The limits every import and fetch works within, in one place (each configurable).

- ``MAX_FILE_MB``: the largest file accepted, per format (``MIGFLOWS_MAX_FILE_MB`` sets one
  cap for every format). The publishers' largest files are ~5 MB.
- ``MAX_UNPACKED_MB``: the most an R data file (or a gzip stream) may decompress to
  (``MIGFLOWS_MAX_UNPACKED_MB``); Eurostat's asylum bulk cache, the largest, unpacks to
  ~590 MB.
- ``COUNT_CEILING``: the largest value a single count cell (persons, detections) may hold
  (``MIGFLOWS_COUNT_CEILING``): ten billion, more than the world's population.
- HTTP: connect and read timeouts, an overall deadline per URL and per source, the longest
  ``Retry-After`` honoured (``MIGFLOWS_HTTP_*``).
"""
from __future__ import annotations

import os
from pathlib import Path


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a number") from None


MB = 1024 * 1024
DEFAULT_FILE_MB = {".xlsx": 100, ".csv": 100, ".tsv": 100, ".json": 100, ".gz": 100,
                   ".rda": 100, ".rdata": 100, ".rds": 100}
OTHER_FILE_MB = 100


def max_file_bytes(file_name: str) -> int:
    """The size cap of a file of this name's format, in bytes."""
    override = os.environ.get("MIGFLOWS_MAX_FILE_MB", "").strip()
    if override:
        return int(_number("MIGFLOWS_MAX_FILE_MB", OTHER_FILE_MB) * MB)
    return int(DEFAULT_FILE_MB.get(Path(file_name).suffix.lower(), OTHER_FILE_MB) * MB)


def max_unpacked_bytes() -> int:
    return int(_number("MIGFLOWS_MAX_UNPACKED_MB", 1024) * MB)


def count_ceiling() -> float:
    return _number("MIGFLOWS_COUNT_CEILING", 1e10)


def http_connect_timeout() -> float:
    return _number("MIGFLOWS_HTTP_CONNECT_TIMEOUT", 10.0)


def http_read_timeout() -> float:
    return _number("MIGFLOWS_HTTP_READ_TIMEOUT", 60.0)


def http_url_deadline() -> float:
    """Seconds one URL may take in all, retries and waits included."""
    return _number("MIGFLOWS_HTTP_URL_DEADLINE", 300.0)


def http_source_deadline() -> float:
    """Seconds one source's fetch may take in all (every URL it downloads)."""
    return _number("MIGFLOWS_HTTP_SOURCE_DEADLINE", 900.0)


def http_max_retry_after() -> float:
    return _number("MIGFLOWS_HTTP_MAX_RETRY_AFTER", 60.0)
