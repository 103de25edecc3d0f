-- Monthly detections, latest vintage only: what charts read by default.
CREATE TABLE arrivals_monthly AS
WITH latest AS (
    SELECT max(vintage) AS vintage FROM arrivals_monthly_all_vintages
)
SELECT a.*
FROM arrivals_monthly_all_vintages AS a
JOIN latest USING (vintage)
ORDER BY route_code, border_type, nationality_iso3, month;
