-- Yearly detections, latest vintage; months_covered < 12 marks a year the vintage
-- does not yet cover in full (e.g. 2025 in the June 2025 workbook: Jan–Apr).
CREATE TABLE arrivals_yearly AS
WITH coverage AS (
    SELECT year(month) AS year, count(DISTINCT month)::INTEGER AS months_covered
    FROM arrivals_monthly
    GROUP BY 1
),
yearly AS (
    SELECT
        route_code,
        route,
        border_type,
        nationality,
        nationality_iso3,
        year(month)::INTEGER AS year,
        SUM(detections)::BIGINT AS detections,
        vintage
    FROM arrivals_monthly
    GROUP BY ALL
)
SELECT yearly.*, coverage.months_covered
FROM yearly
JOIN coverage USING (year)
ORDER BY route_code, border_type, nationality_iso3, year;
