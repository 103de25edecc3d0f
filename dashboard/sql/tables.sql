-- Tables present in this warehouse build.
SELECT table_name FROM duckdb_tables() ORDER BY table_name;
