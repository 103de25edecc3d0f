-- Risk before and after an event: recorded dead and missing (IOM MMP) and Frontex detections
-- per route, summed over the pre window [$pre_start, $pre_end] and the post window
-- [$post_start, $post_end] (first days of months), for the mapped routes among $routes.
-- months_mmp / months_frontex count the months each publisher has in the window (a window
-- partly outside a file's coverage is marked, not filled).
WITH windows AS (
    SELECT 'before' AS window, $pre_start::DATE AS first_month, $pre_end::DATE AS last_month
    UNION ALL
    SELECT 'after', $post_start::DATE, $post_end::DATE
),
mapped AS (
    SELECT DISTINCT route_code FROM mmp_routes
    WHERE route_code IS NOT NULL AND list_contains($routes, route_code)
),
mmp_months AS (
    SELECT DISTINCT month FROM stg_iom__mmp WHERE vintage = (SELECT max(vintage) FROM stg_iom__mmp)
),
frontex_months AS (
    SELECT DISTINCT month FROM arrivals_monthly
),
dead AS (
    SELECT w.window, m.route_code, SUM(m.dead_and_missing)::BIGINT AS dead_and_missing
    FROM missing_migrants_monthly AS m
    JOIN windows AS w ON m.month BETWEEN w.first_month AND w.last_month
    GROUP BY ALL
),
det AS (
    SELECT w.window, a.route_code, SUM(a.detections)::BIGINT AS detections
    FROM arrivals_monthly AS a
    JOIN windows AS w ON a.month BETWEEN w.first_month AND w.last_month
    GROUP BY ALL
),
cover AS (
    SELECT w.window, w.first_month, w.last_month,
           (SELECT count(*) FROM mmp_months WHERE month BETWEEN w.first_month AND w.last_month)::INTEGER AS months_mmp,
           (SELECT count(*) FROM frontex_months WHERE month BETWEEN w.first_month AND w.last_month)::INTEGER AS months_frontex,
           (date_diff('month', w.first_month, w.last_month) + 1)::INTEGER AS months
    FROM windows AS w
)
SELECT
    r.route_code,
    c.window,
    c.first_month,
    c.last_month,
    c.months,
    c.months_mmp,
    c.months_frontex,
    CASE WHEN c.months_mmp = c.months THEN coalesce(d.dead_and_missing, 0) END AS dead_and_missing,
    CASE WHEN c.months_frontex = c.months THEN coalesce(x.detections, 0) END AS detections
FROM mapped AS r
CROSS JOIN cover AS c
LEFT JOIN dead AS d ON d.route_code = r.route_code AND d.window = c.window
LEFT JOIN det AS x ON x.route_code = r.route_code AND x.window = c.window
ORDER BY r.route_code, c.window DESC;
