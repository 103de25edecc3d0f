-- Monthly detections per route (all nationalities, Sea and Land summed), latest vintage.
SELECT
    route_code,
    any_value(route) AS route,
    month,
    CAST(sum(detections) AS BIGINT) AS detections
FROM arrivals_monthly
GROUP BY route_code, month
ORDER BY route_code, month;
