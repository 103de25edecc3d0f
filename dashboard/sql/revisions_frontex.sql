-- Data revisions: Frontex detections by route and year in two vintages ($old, $new DATE),
-- summed only over the months present in both vintages, so a partial year compares like
-- with like. One row per route × year: old and new sums, the months compared (first and last)
-- and the months each vintage has in that year.
WITH in_vintage AS (
    SELECT DISTINCT vintage, month
    FROM arrivals_monthly_all_vintages
    WHERE vintage IN ($old, $new)
),
common AS (
    SELECT month
    FROM in_vintage
    GROUP BY month
    HAVING count(DISTINCT vintage) = CASE WHEN $old = $new THEN 1 ELSE 2 END
),
months AS (
    SELECT
        year(month)::INTEGER AS year,
        count(*) FILTER (WHERE vintage = $old AND month IN (SELECT month FROM common))::INTEGER
            AS months,
        min(month) FILTER (WHERE month IN (SELECT month FROM common)) AS first_month,
        max(month) FILTER (WHERE month IN (SELECT month FROM common)) AS last_month,
        count(*) FILTER (WHERE vintage = $old)::INTEGER AS months_old,
        count(*) FILTER (WHERE vintage = $new)::INTEGER AS months_new
    FROM in_vintage
    GROUP BY ALL
)
SELECT
    a.route_code AS key,
    any_value(a.route) AS label,
    false AS is_aggregate,
    year(a.month)::INTEGER AS year,
    sum(a.detections) FILTER (WHERE a.vintage = $old)::DOUBLE AS old,
    sum(a.detections) FILTER (WHERE a.vintage = $new)::DOUBLE AS new,
    NULL::VARCHAR AS flag_old,
    NULL::VARCHAR AS flag_new,
    any_value(m.months) AS months,
    any_value(m.first_month) AS first_month,
    any_value(m.last_month) AS last_month,
    any_value(m.months_old) AS months_old,
    any_value(m.months_new) AS months_new
FROM arrivals_monthly_all_vintages AS a
JOIN common USING (month)
JOIN months AS m ON m.year = year(a.month)
WHERE a.vintage IN ($old, $new)
GROUP BY a.route_code, year(a.month)
ORDER BY year, key;
