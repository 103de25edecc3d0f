-- Staging: every vintage of the Frontex IBC workbook, one row per
-- route × border type × nationality label × month (as parsed; labels kept as written).
CREATE TABLE stg_frontex__ibc AS
SELECT
    route_label,
    route_code,
    route,
    border_type,
    nationality_label,
    nationality,
    nationality_iso3,
    CAST(month AS DATE) AS month,
    CAST(detections AS BIGINT) AS detections,
    CAST(vintage AS DATE) AS vintage,
    source_file,
    snapshot_sha256,
    source_row
FROM read_parquet($files)
ORDER BY vintage, route_code, border_type, nationality_iso3, nationality_label, month;
