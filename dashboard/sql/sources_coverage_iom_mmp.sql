-- Sources & provenance: what each MMP file holds, from its staging rows. Per source file ×
-- vintage: no publisher dataset code (one table), the number of MMP routes (IOM's names, the
-- unmapped ones included), and the first and last year with a record. No focus geography
-- ($geo is NULL): the table has routes, not reporting countries.
SELECT
    source_file,
    vintage,
    NULL::VARCHAR AS codes,
    'MMP routes' AS geo_kind,
    count(DISTINCT mmp_route)::INTEGER AS geos,
    min(year(month))::INTEGER AS first_year,
    max(year(month))::INTEGER AS last_year,
    min(year(month)) FILTER (WHERE mmp_route = $geo)::INTEGER AS focus_first_year,
    max(year(month)) FILTER (WHERE mmp_route = $geo)::INTEGER AS focus_last_year
FROM query_table($table)  -- the dataset's staging table (registry)
GROUP BY source_file, vintage
ORDER BY source_file, vintage;
