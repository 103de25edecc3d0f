-- Monthly detections per route × border type × nationality, every vintage side by side.
-- Labels that map to the same ISO-3 code within a key (e.g. 2018's "Kosovo" and "Kosovo*")
-- are summed.
CREATE TABLE arrivals_monthly_all_vintages AS
WITH by_key AS (
    SELECT
        route_code,
        route,
        border_type,
        nationality,
        nationality_iso3,
        month,
        SUM(detections)::BIGINT AS detections,
        vintage
    FROM stg_frontex__ibc
    GROUP BY ALL
)
SELECT * FROM by_key
ORDER BY vintage, route_code, border_type, nationality_iso3, month;
