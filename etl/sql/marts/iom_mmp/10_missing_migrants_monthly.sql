-- Recorded dead and missing per Frontex route and month, latest MMP vintage. MMP routes map
-- to Frontex route codes through the reference table mmp_routes; a route mapped to none
-- (Undefined, Intra-European routes, the non-European routes) is left out here and shown
-- as unmapped. A month without a record on a route has no row (the file lists incidents).
CREATE TABLE missing_migrants_monthly AS
WITH latest AS (
    SELECT max(vintage) AS vintage FROM stg_iom__mmp
)
SELECT
    r.route_code,
    s.month,
    SUM(s.dead_and_missing)::BIGINT AS dead_and_missing,
    count(*)::BIGINT AS incidents,
    s.vintage
FROM stg_iom__mmp AS s
JOIN latest USING (vintage)
JOIN mmp_routes AS r ON r.mmp_route = s.mmp_route
WHERE r.route_code IS NOT NULL
GROUP BY r.route_code, s.month, s.vintage
ORDER BY r.route_code, s.month;
