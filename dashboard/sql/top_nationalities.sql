-- The $n nationalities with most detections under the page's filters.
SELECT nationality_iso3, nationality, SUM(detections)::BIGINT AS detections
FROM arrivals_monthly_all_vintages
WHERE vintage = $vintage
  AND list_contains($routes, route_code)
  AND list_contains($border_types, border_type)
  AND month BETWEEN $start AND $end
GROUP BY ALL
ORDER BY detections DESC, nationality_iso3
LIMIT $n;
