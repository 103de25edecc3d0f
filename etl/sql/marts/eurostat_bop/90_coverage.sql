-- Coverage of bop_rem6: per reporting country, first and last year with a value, newest vintage.
CREATE TABLE coverage__eurostat_bop AS
SELECT source_dataset AS dataset, geo, min(year) AS first_year, max(year) AS last_year,
       max(vintage) AS vintage
FROM stg_eurostat__bop
WHERE value IS NOT NULL
GROUP BY source_dataset, geo;
