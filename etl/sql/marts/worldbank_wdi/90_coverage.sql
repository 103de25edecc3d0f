-- Coverage of the World Bank indicators loaded: per indicator × economy or aggregate
-- (geo = ISO-3 / World Bank code), first and last year with a value, newest vintage.
CREATE TABLE coverage__worldbank_wdi AS
SELECT
    indicator AS dataset,
    country_iso3 AS geo,
    min(year) AS first_year,
    max(year) AS last_year,
    max(vintage) AS vintage
FROM stg_worldbank__wdi
WHERE value IS NOT NULL
GROUP BY indicator, country_iso3
ORDER BY dataset, geo;
