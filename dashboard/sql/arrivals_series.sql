-- Detections per period and series for the Irregular arrivals page.
-- $vintage DATE, $routes VARCHAR[] (route codes), $border_types VARCHAR[],
-- $nationalities VARCHAR[] (ISO-3; empty = all), $start DATE, $end DATE (first of month,
-- inclusive), $grain 'month' | 'year', $by 'route' | 'nationality' | 'border_type'.
WITH filtered AS (
    SELECT *
    FROM arrivals_monthly_all_vintages
    WHERE vintage = $vintage
      AND list_contains($routes, route_code)
      AND list_contains($border_types, border_type)
      AND (len($nationalities) = 0 OR list_contains($nationalities, nationality_iso3))
      AND month BETWEEN $start AND $end
)
SELECT
    date_trunc($grain, month)::DATE AS period,
    CASE $by
        WHEN 'route' THEN route
        WHEN 'nationality' THEN nationality
        ELSE border_type
    END AS series,
    CASE $by
        WHEN 'route' THEN route_code
        WHEN 'nationality' THEN nationality_iso3
        ELSE border_type
    END AS series_code,
    SUM(detections)::BIGINT AS detections,
    count(DISTINCT month)::INTEGER AS months_in_period
FROM filtered
GROUP BY ALL
ORDER BY period, series_code;
