-- MMP routes that meet no single Frontex route (mmp_routes.route_code NULL): their recorded
-- dead and missing in [$start_year, $end_year], latest MMP vintage, with why they are not
-- mapped. Listed under the risk chart; never counted on a Frontex route.
SELECT
    m.mmp_route,
    SUM(s.dead_and_missing)::BIGINT AS dead_and_missing,
    count(*)::BIGINT AS incidents,
    any_value(m.basis) AS basis
FROM stg_iom__mmp AS s
JOIN mmp_routes AS m USING (mmp_route)
WHERE m.route_code IS NULL
  AND s.vintage = (SELECT max(vintage) FROM stg_iom__mmp)
  AND year(s.month) BETWEEN $start_year AND $end_year
GROUP BY m.mmp_route
ORDER BY dead_and_missing DESC, m.mmp_route;
