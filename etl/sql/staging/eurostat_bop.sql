-- Staging: Eurostat bop_rem6 (personal transfers and workers' remittances by partner), every
-- vintage fetched, one row per geo × partner × currency × BoP item × flow × period, with
-- Eurostat's codes as published. value is NULL where Eurostat marks it not available.
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>: year and
-- source_row int32, value float64); dates and small integers are typed here.
CREATE TABLE stg_eurostat__bop AS
SELECT * REPLACE (CAST(quarter AS INTEGER) AS quarter, CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, source_file, source_row;
