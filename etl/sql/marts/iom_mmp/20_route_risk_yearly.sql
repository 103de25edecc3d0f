-- Recorded dead and missing per 1,000 Frontex detections, per Frontex route and year: MMP's
-- dead and missing on the MMP route(s) mapped to the route (mmp_routes) over Frontex's
-- detections on it (arrivals_monthly: latest vintage, all nationalities and border types).
-- Years: those with months in both files, counted only over the months both cover
-- (months_covered); a route-year with detections and no MMP record is 0 recorded dead.
-- Numerator and denominator come from different publishers and definitions: detections are
-- not persons, MMP counts are minimums.
CREATE TABLE route_risk_yearly AS
WITH mmp_months AS (
    SELECT DISTINCT month FROM stg_iom__mmp
    WHERE vintage = (SELECT max(vintage) FROM stg_iom__mmp)
),
frontex_months AS (
    SELECT DISTINCT month FROM arrivals_monthly
),
both_months AS (
    SELECT month FROM mmp_months JOIN frontex_months USING (month)
),
mapped AS (
    SELECT DISTINCT route_code FROM mmp_routes WHERE route_code IS NOT NULL
),
detections AS (
    SELECT a.route_code, year(a.month)::INTEGER AS year, SUM(a.detections)::BIGINT AS detections,
           max(a.vintage) AS frontex_vintage
    FROM arrivals_monthly AS a
    JOIN both_months USING (month)
    JOIN mapped USING (route_code)
    GROUP BY ALL
),
dead AS (
    SELECT m.route_code, year(m.month)::INTEGER AS year, SUM(m.dead_and_missing)::BIGINT AS dead
    FROM missing_migrants_monthly AS m
    JOIN both_months USING (month)
    GROUP BY ALL
),
coverage AS (
    SELECT year(month)::INTEGER AS year, count(*)::INTEGER AS months_covered
    FROM both_months GROUP BY 1
)
SELECT
    d.route_code,
    d.year,
    coalesce(x.dead, 0)::BIGINT AS dead_and_missing,
    d.detections,
    CASE WHEN d.detections > 0 THEN coalesce(x.dead, 0) * 1000.0 / d.detections END
        AS dead_and_missing_per_1000,
    c.months_covered,
    (SELECT max(vintage) FROM stg_iom__mmp) AS mmp_vintage,
    d.frontex_vintage
FROM detections AS d
JOIN coverage AS c USING (year)
LEFT JOIN dead AS x USING (route_code, year)
ORDER BY d.route_code, d.year;
