-- Detections by nationality (country of origin) for one vintage, the routes $routes, the
-- border types $border_types and the months [$start, $end]: one row per nationality code,
-- the map's values (codes no map knows are listed under it by the page).
SELECT
    nationality_iso3 AS iso3,
    any_value(nationality) AS name,
    SUM(detections)::BIGINT AS value
FROM arrivals_monthly_all_vintages
WHERE vintage = $vintage
  AND list_contains($routes, route_code)
  AND list_contains($border_types, border_type)
  AND month BETWEEN $start AND $end
GROUP BY nationality_iso3
HAVING SUM(detections) > 0
ORDER BY value DESC, iso3;
