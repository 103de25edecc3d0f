-- Frontex detections per year and route in the latest vintage, for the years the vintage
-- covers in full (12 months), with the year's total. Newest year first.
WITH latest AS (
    SELECT max(vintage) AS vintage FROM arrivals_yearly
),
full_years AS (
    SELECT year FROM arrivals_yearly WHERE vintage = (SELECT vintage FROM latest)
    GROUP BY year HAVING max(months_covered) = 12
)
SELECT
    year,
    route_code,
    any_value(route) AS route,
    sum(detections)::BIGINT AS detections,
    sum(sum(detections)) OVER (PARTITION BY year)::BIGINT AS year_total,
    any_value(vintage) AS vintage
FROM arrivals_yearly
WHERE vintage = (SELECT vintage FROM latest) AND year IN (SELECT year FROM full_years)
GROUP BY year, route_code
ORDER BY year DESC, detections DESC;
