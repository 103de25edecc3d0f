-- Staging: every vintage of the Frontex IBC workbook, one row per
-- route × border type × nationality label × month (as parsed; labels kept as written).
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>: year and
-- source_row int32, value float64); dates and small integers are typed here.
CREATE TABLE stg_frontex__ibc AS
SELECT * REPLACE (CAST(month AS DATE) AS month, CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, route_code, border_type, nationality_iso3, nationality_label, month;
