-- Sources & provenance: what each Frontex workbook holds, from its staging rows with a value.
-- Per source file × vintage: no publisher dataset code (Frontex publishes one workbook), the
-- number of routes, and the first and last year with a month of data. No focus geography
-- ($geo is NULL): the workbooks have routes, not reporting countries.
SELECT
    source_file,
    vintage,
    NULL::VARCHAR AS codes,
    'routes' AS geo_kind,
    count(DISTINCT route_code)::INTEGER AS geos,
    min(year(month))::INTEGER AS first_year,
    max(year(month))::INTEGER AS last_year,
    min(year(month)) FILTER (WHERE route_code = $geo)::INTEGER AS focus_first_year,
    max(year(month)) FILTER (WHERE route_code = $geo)::INTEGER AS focus_last_year
FROM query_table($table)  -- the dataset's staging table (registry)
WHERE detections IS NOT NULL
GROUP BY source_file, vintage
ORDER BY source_file, vintage;
