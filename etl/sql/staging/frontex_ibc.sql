-- Staging: every vintage of the Frontex IBC workbook, one row per
-- route × border type × nationality label × month (as parsed; labels kept as written).
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>), typed here.
CREATE TABLE stg_frontex__ibc AS
SELECT * REPLACE (
    CAST(month AS DATE) AS month, CAST(detections AS BIGINT) AS detections,
    CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, route_code, border_type, nationality_iso3, nationality_label, month;
