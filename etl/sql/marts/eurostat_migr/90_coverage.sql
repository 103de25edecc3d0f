-- Coverage of the Eurostat datasets loaded: per dataset code × geo, the first and last year
-- with a value and the newest vintage (merged into the warehouse-wide coverage table).
CREATE TABLE coverage__eurostat_migr AS
SELECT
    source_dataset AS dataset,
    geo,
    min(year) AS first_year,
    max(year) AS last_year,
    max(vintage) AS vintage
FROM stg_eurostat__migr
WHERE value IS NOT NULL
GROUP BY source_dataset, geo
ORDER BY dataset, geo;
