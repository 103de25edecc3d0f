-- Sources & provenance: what each CBS file holds, from its staging rows with a value.
-- Per source file × vintage: the StatLine table ids in it, the number of countries of the
-- international table's "Landen" dimension (0 for the Dutch tables), the first and last
-- year, and the years of the focus geography $geo (as in the coverage table, every
-- identified CBS table is about the Netherlands, geo NL; the unidentified international one
-- has no geo).
SELECT
    source_file,
    vintage,
    string_agg(DISTINCT table_id, ', ' ORDER BY table_id) AS codes,
    'countries' AS geo_kind,
    count(DISTINCT json_extract_string(dimensions, '$.Landen'))::INTEGER AS geos,
    min(year)::INTEGER AS first_year,
    max(year)::INTEGER AS last_year,
    min(year) FILTER (WHERE table_id NOT LIKE 'unidentified:%' AND $geo = 'NL')::INTEGER
        AS focus_first_year,
    max(year) FILTER (WHERE table_id NOT LIKE 'unidentified:%' AND $geo = 'NL')::INTEGER
        AS focus_last_year
FROM query_table($table)  -- the dataset's staging table (registry)
WHERE value IS NOT NULL
GROUP BY source_file, vintage
ORDER BY source_file, vintage;
