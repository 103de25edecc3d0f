-- Monthly detections per route and nationality (Sea and Land summed), latest vintage.
-- The mart is dense (zeros written out), so every route × nationality has every month.
SELECT
    route_code,
    any_value(route) AS route,
    nationality_iso3,
    any_value(nationality) AS nationality,
    month,
    CAST(sum(detections) AS BIGINT) AS detections
FROM arrivals_monthly
GROUP BY route_code, nationality_iso3, month
ORDER BY route_code, nationality_iso3, month;
