-- Sources & provenance: what each Eurostat file holds, from its staging rows with a value
-- (stg_eurostat__migr or stg_eurostat__bop: both datasets' coverage query).
-- Per source file × vintage: the Eurostat dataset codes in it, the number of reporting
-- geographies (geo), the first and last year, and the years of the focus geography $geo.
SELECT
    source_file,
    vintage,
    string_agg(DISTINCT source_dataset, ', ' ORDER BY source_dataset) AS codes,
    'geos' AS geo_kind,
    count(DISTINCT geo)::INTEGER AS geos,
    min(year)::INTEGER AS first_year,
    max(year)::INTEGER AS last_year,
    min(year) FILTER (WHERE geo = $geo)::INTEGER AS focus_first_year,
    max(year) FILTER (WHERE geo = $geo)::INTEGER AS focus_last_year
FROM query_table($table)  -- the dataset's staging table (registry)
WHERE value IS NOT NULL
GROUP BY source_file, vintage
ORDER BY source_file, vintage;
