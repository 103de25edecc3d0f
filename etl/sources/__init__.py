"""One module (or package) per publisher: what it reads, how it parses, how it fetches.

The interface every source declares, and the one pipeline that imports and stages for all of
them, are in ``etl/pipeline.py``; the shared format readers are in ``etl/formats/``. The CLI
finds the sources through the dataset registry (``core/registry.py``: each
``etl/metadata/<dataset>.yml`` names its ``source`` module). ``frontex.py`` is the smallest
example.

- Parsers raise ``errors.ParseError`` naming file, line/row and value for unexpected
  headers, unknown codes or labels, non-numeric values that are not a known missing marker,
  duplicate keys, negative counts and a wrong encoding.
- ``fetch(*, session=None, raw_dir=None, **http_options) -> list[snapshots.Snapshot]``:
  live download into the raw store through ``etl.http`` (timeouts, bounded retries). Tested
  offline by replaying fixtures in the exact wire format (``responses``); live tests carry
  ``@pytest.mark.network`` and never run in CI.

Build convention (``etl/build.py``): for each dataset ``<d>`` with a folder
``data/staging/<d>/``, ``etl/sql/staging/<d>.sql`` loads ``read_parquet($files)`` into a
staging table ``stg_<publisher>__<entity>``, then ``etl/sql/marts/<d>/*.sql`` run in name
order, each creating one table (a chain of CTEs, header comment stating the table's meaning).
Staging frames are tidy and long, one row per key × period, with provenance columns
``vintage`` (DATE), ``source_file`` and ``snapshot_sha256``, and a ``flag`` column where the
publisher flags values. A value the publisher marks missing is never a 0. The staging files
under ``data/staging/<d>/`` are committed: the offline default a fresh clone builds from.
Metadata per dataset lives in ``etl/metadata/<d>.yml`` (publisher, title, unit, definition,
caveat, footer with ``{vintage}``, licence, and the marts it builds).
"""
