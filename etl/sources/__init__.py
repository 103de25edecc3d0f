"""One module per publisher: ``fetch`` (live → raw snapshot) and ``parse`` (file → tidy frame).

Every source module has the same interface; ``python -m etl import|fetch`` calls it (register
the module in ``etl/cli.py``'s ``SOURCES``). ``frontex.py`` is the model to follow.

- ``PUBLISHER: str``; ``SOURCE_PAGE: str`` (the live endpoint's base URL, shown by ``fetch``).
- ``recognises(path) -> bool``: True only for files this source parses (name and content
  sniff), so ``import ../shared/data/<publisher>`` skips the rest and says so.
- ``import_file(path, *, raw_dir=None) -> snapshots.Snapshot``: ``snapshots.store(...)`` with
  ``source_url=f"imported from {path.name}"``, the licence from ``etl/metadata/<d>.yml`` and
  the vintage if the file (or its documented provenance) states one — never guessed.
- ``stage(snapshot, *, staging_dir=None, force=False) -> list[(Path, written: bool)]``: parse
  and ``staging.write(frame, dataset=..., vintage=..., provenance=..., part=...)``; skip
  (written False) when ``staging.is_current(...)`` holds for those bytes.
- ``fetch(*, session=None, raw_dir=None, **http_options) -> list[snapshots.Snapshot]``: live
  download into the raw store. Tested offline by replaying fixtures in the exact wire format
  (``responses``); live tests carry ``@pytest.mark.network`` and never run in CI.
- Parsers raise ``ParseError(ValueError)`` naming file, line/row and value for unexpected
  headers, unknown codes or labels, non-numeric values that are not a known missing marker,
  duplicate keys, negative counts and a wrong encoding.

Build convention (``etl/build.py``): for each dataset ``<d>`` with a folder
``data/staging/<d>/``, ``etl/sql/staging/<d>.sql`` loads ``read_parquet($files)`` into a
staging table ``stg_<publisher>__<entity>``, then ``etl/sql/marts/<d>/*.sql`` run in name
order, each creating one table (a chain of CTEs, header comment stating the table's meaning).
Staging frames are tidy and long, one row per key × period, with provenance columns
``vintage`` (DATE), ``source_file`` and ``snapshot_sha256``, and a ``flag`` column where the
publisher flags values. A value the publisher marks missing is never a 0. The staging files
under ``data/staging/<d>/`` are committed: the offline default a fresh clone builds from.
Metadata per dataset lives in ``etl/metadata/<d>.yml`` (publisher, publisher_long, dataset,
title, source_page, unit, definition, caveat, footer with ``{vintage}``, licence — terms as
the publisher states them).
"""
