-- What the warehouse holds and what it does not: one row per publisher dataset × geo loaded
-- (loaded = true, from each source's coverage__<dataset> table), plus one row per expected
-- dataset with no data at all (loaded = false, geo and years NULL). basis is 'published', or
-- how the marts compute an aggregate no file publishes. fetch_command says how
-- to load a dataset, or its missing years, from the publisher (needs internet).
-- coverage_parts is a temporary table into which etl/build.py has inserted every
-- coverage__* table's rows.
CREATE TABLE coverage AS
WITH loaded AS (
    SELECT dataset, geo, first_year, last_year, vintage, basis FROM coverage_parts
)
SELECT
    l.dataset,
    e.publisher,
    e.description,
    l.geo,
    l.first_year,
    l.last_year,
    l.vintage,
    l.basis,
    true AS loaded,
    e.fetch_command
FROM loaded AS l
LEFT JOIN read_csv($expected, header = true, all_varchar = true) AS e USING (dataset)
UNION ALL
SELECT
    e.dataset,
    e.publisher,
    e.description,
    NULL AS geo,
    NULL AS first_year,
    NULL AS last_year,
    NULL AS vintage,
    NULL AS basis,
    false AS loaded,
    e.fetch_command
FROM read_csv($expected, header = true, all_varchar = true) AS e
WHERE e.dataset NOT IN (SELECT dataset FROM loaded)
ORDER BY loaded DESC, dataset, geo;
