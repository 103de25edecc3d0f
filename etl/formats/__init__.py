"""Readers of the file formats several publishers share, written once.

- ``text``: text decoding (UTF-8 with or without BOM; a declared Latin-1 / cp1252 fallback),
  CSV records with their line numbers, and the "HTML page instead of data" guard.
- ``rfiles``: R data files, ``.rda`` (``save``) and ``.rds`` (``saveRDS``), compressed with
  gzip, bzip2 or xz or not: a content sniff and one reader that returns the data frame.
- ``sdmx``: SDMX-CSV 1.0 and 2.0 (Eurostat's databrowser and API exports).
- ``eurostat_tsv``: the Eurostat API's TSV (gzip or plain).

Every reader raises :class:`etl.errors.ParseError` naming the file, the line or row and the
value; none knows a publisher's codes (the source modules map codes and labels).
"""
