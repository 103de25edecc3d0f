-- Economies (not aggregates) with remittances paid, with names, for the country picker.
SELECT country_iso3, any_value(country_name) AS country_name
FROM remittances
WHERE paid_usd IS NOT NULL AND NOT is_aggregate
GROUP BY country_iso3
ORDER BY country_name NULLS LAST, country_iso3;
