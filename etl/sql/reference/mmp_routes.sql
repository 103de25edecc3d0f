-- MMP migration routes → Frontex route codes (etl/reference/mmp_routes.csv), one row per MMP
-- route as IOM writes it. route_code is NULL for a route that meets no single Frontex route
-- (unmapped: its deaths are in stg_iom__mmp, never in the route marts); basis says why.
CREATE TABLE mmp_routes AS
SELECT mmp_route, NULLIF(route_code, '') AS route_code, basis
FROM read_csv($file, header = true, all_varchar = true)
ORDER BY route_code NULLS LAST, mmp_route;
