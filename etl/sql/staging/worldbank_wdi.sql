-- Staging: every World Bank WDI file loaded (bulk-download CSV, IOM's WDI extract, API pages),
-- all vintages side by side; one row per economy or aggregate × indicator (World Bank code)
-- × year as the file lists it. value is NULL where the file lists the key without a value
-- (bulk CSV empty cell, API null); IOM's extract lists only existing values (no row instead).
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>: year and
-- source_row int32, value float64); dates and small integers are typed here.
CREATE TABLE stg_worldbank__wdi AS
SELECT * REPLACE (CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, source_file, country_iso3, indicator, year;
