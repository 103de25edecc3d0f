-- Economies (not aggregates) with remittances received in $year but no share of GDP for it
-- (no GDP for $year, so none published and none computable): they cannot be ranked and are
-- named instead, with their latest earlier share. $year INTEGER.
WITH missing AS (
    SELECT r.country_iso3, coalesce(r.country_name, c.name, r.country_iso3) AS country
    FROM remittances AS r
    LEFT JOIN countries AS c ON c.iso3 = r.country_iso3
    WHERE r.year = $year AND NOT r.is_aggregate AND r.received_pct_gdp IS NULL
      AND r.received_usd IS NOT NULL
),
earlier AS (
    SELECT country_iso3, year AS last_year, received_pct_gdp AS last_pct_gdp
    FROM remittances
    WHERE year < $year AND received_pct_gdp IS NOT NULL AND NOT is_aggregate
    QUALIFY row_number() OVER (PARTITION BY country_iso3 ORDER BY year DESC) = 1
)
SELECT m.country_iso3, m.country, e.last_year, e.last_pct_gdp
FROM missing AS m
LEFT JOIN earlier AS e USING (country_iso3)
ORDER BY e.last_pct_gdp DESC NULLS LAST, m.country;
