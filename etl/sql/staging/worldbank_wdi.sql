-- Staging: every World Bank WDI file loaded (bulk-download CSV, IOM's WDI extract, API pages),
-- all vintages side by side; one row per economy or aggregate × indicator (World Bank code)
-- × year as the file lists it. value is NULL where the file lists the key without a value
-- (bulk CSV empty cell, API null); IOM's extract lists only existing values (no row instead).
CREATE TABLE stg_worldbank__wdi AS
SELECT
    country_iso3,
    country_name,
    CAST(is_aggregate AS BOOLEAN) AS is_aggregate,
    indicator,
    CAST(year AS INTEGER) AS year,
    CAST(value AS DOUBLE) AS value,
    flag,
    CAST(vintage AS DATE) AS vintage,
    source_file,
    snapshot_sha256,
    CAST(source_row AS INTEGER) AS source_row
FROM read_parquet($files)
ORDER BY vintage, source_file, country_iso3, indicator, year;
