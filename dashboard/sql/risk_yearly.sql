-- Risk on the routes: recorded dead and missing (IOM MMP) per 1,000 Frontex detections, per
-- mapped route and year in [$start_year, $end_year], for the routes $routes. Every row is
-- one plotted point (ratio NULL where the route had no detections: drawn as a gap).
SELECT
    make_date(r.year, 1, 1) AS period,
    r.year,
    r.route_code,
    coalesce(ref.route, r.route_code) AS series,
    r.route_code AS series_code,
    r.dead_and_missing,
    r.detections,
    r.dead_and_missing_per_1000 AS value,
    r.months_covered,
    r.mmp_vintage,
    r.frontex_vintage
FROM route_risk_yearly AS r
LEFT JOIN (SELECT DISTINCT route_code, route FROM arrivals_monthly) AS ref USING (route_code)
WHERE list_contains($routes, r.route_code)
  AND r.year BETWEEN $start_year AND $end_year
ORDER BY r.route_code, r.year;
