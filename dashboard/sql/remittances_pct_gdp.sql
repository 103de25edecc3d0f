-- Remittances received as % of GDP in $year: the $n economies (not aggregates) with the
-- highest share, with whether the share is the World Bank's published series or computed
-- here (received ÷ GDP). $year INTEGER, $n INTEGER.
SELECT
    r.country_iso3,
    coalesce(r.country_name, c.name, r.country_iso3) AS country,
    r.received_pct_gdp,
    r.pct_gdp_is_computed,
    r.received_usd,
    r.gdp_usd,
    r.source,
    r.vintage
FROM remittances AS r
LEFT JOIN countries AS c ON c.iso3 = r.country_iso3
WHERE r.year = $year AND NOT r.is_aggregate AND r.received_pct_gdp IS NOT NULL
ORDER BY r.received_pct_gdp DESC, r.country_iso3
LIMIT $n;
