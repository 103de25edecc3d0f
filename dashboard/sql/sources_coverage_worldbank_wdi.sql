-- Sources & provenance: what each World Bank file holds, from its staging rows with a value.
-- Per source file × vintage: the WDI indicator codes in it, the number of economies and
-- World Bank aggregates, the first and last year, and the years of the focus economy $geo.
SELECT
    source_file,
    vintage,
    string_agg(DISTINCT indicator, ', ' ORDER BY indicator) AS codes,
    'economies and aggregates' AS geo_kind,
    count(DISTINCT country_iso3)::INTEGER AS geos,
    min(year)::INTEGER AS first_year,
    max(year)::INTEGER AS last_year,
    min(year) FILTER (WHERE country_iso3 = $geo)::INTEGER AS focus_first_year,
    max(year) FILTER (WHERE country_iso3 = $geo)::INTEGER AS focus_last_year
FROM query_table($table)  -- the dataset's staging table (registry)
WHERE value IS NOT NULL
GROUP BY source_file, vintage
ORDER BY source_file, vintage;
