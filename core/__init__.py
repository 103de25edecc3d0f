"""What the write side, the statistics and the read side share: paths, dataset metadata,
reference mappings and the read-only warehouse connection. Imports nothing of etl,
analysis or dashboard."""
