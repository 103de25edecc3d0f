-- Coverage of the CBS tables loaded: per table (geo NL; the unidentified international table
-- covers several countries and is listed with geo NULL), first and last year with a value,
-- newest vintage.
CREATE TABLE coverage__cbs_statline AS
SELECT
    table_id AS dataset,
    CASE WHEN table_id LIKE 'unidentified:%' THEN NULL ELSE 'NL' END AS geo,
    min(year) AS first_year,
    max(year) AS last_year,
    max(vintage) AS vintage
FROM stg_cbs__statline
WHERE value IS NOT NULL
GROUP BY table_id
ORDER BY dataset;
