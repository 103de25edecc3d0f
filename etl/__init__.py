"""Write side: publisher files → raw snapshots → tidy staging → DuckDB warehouse."""
