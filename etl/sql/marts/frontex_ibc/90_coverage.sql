-- Coverage of the Frontex detections loaded: per route (geo = route code), first and last
-- year with a month of data, newest vintage.
CREATE TABLE coverage__frontex_ibc AS
SELECT
    'frontex_ibc' AS dataset,
    route_code AS geo,
    CAST(min(year(month)) AS INTEGER) AS first_year,
    CAST(max(year(month)) AS INTEGER) AS last_year,
    max(vintage) AS vintage
FROM stg_frontex__ibc
WHERE detections IS NOT NULL
GROUP BY route_code
ORDER BY geo;
