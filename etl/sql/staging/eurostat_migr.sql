-- Staging: every Eurostat file loaded (2017 Data Explorer exports, databrowser SDMX-CSV,
-- API TSV, IOM's eu_asyapp.rda), all vintages side by side; one row per dataset × measure
-- × applicant type × geo × citizenship × sex × breakdown (detail) × period as the file lists
-- it. geo is Eurostat's code (EU27_2007 = the 2007–2013 EU27, never EU27_2020);
-- citizenship_iso3 is ISO-3 (TOTAL = all citizenships). value is NULL where the file marks
-- the figure not available (":"); flag keeps Eurostat's flags (b, d, p, e, …).
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>: year and
-- source_row int32, value float64); dates and small integers are typed here.
CREATE TABLE stg_eurostat__migr AS
SELECT * REPLACE (CAST(quarter AS INTEGER) AS quarter, CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, source_file, source_row;
