-- Staging: every World Bank WDI file loaded (bulk-download CSV, IOM's WDI extract, API pages),
-- all vintages side by side; one row per economy or aggregate × indicator (World Bank code)
-- × year as the file lists it. value is NULL where the file lists the key without a value
-- (bulk CSV empty cell, API null); IOM's extract lists only existing values (no row instead).
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>), typed here.
CREATE TABLE stg_worldbank__wdi AS
SELECT * REPLACE (
    CAST(is_aggregate AS BOOLEAN) AS is_aggregate, CAST(year AS INTEGER) AS year,
    CAST(value AS DOUBLE) AS value, CAST(vintage AS DATE) AS vintage,
    CAST(source_row AS INTEGER) AS source_row)
FROM read_parquet($files)
ORDER BY vintage, source_file, country_iso3, indicator, year;
