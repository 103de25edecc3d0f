-- Coverage of the Eurostat datasets loaded: per dataset code × geo, the first and last year
-- with a value and the newest vintage (merged into the warehouse-wide coverage table), with
-- its basis: 'published' for geographies a file publishes, else the basis of an aggregate
-- the marts compute (e.g. EU27_2020 'sum of the 27 member states').
CREATE TABLE coverage__eurostat_migr AS
WITH published AS (
    SELECT
        source_dataset AS dataset,
        geo,
        min(year) AS first_year,
        max(year) AS last_year,
        max(vintage) AS vintage,
        'published' AS basis
    FROM stg_eurostat__migr
    WHERE value IS NOT NULL
    GROUP BY source_dataset, geo
)
SELECT * FROM published
UNION ALL
SELECT
    source_dataset AS dataset,
    geo,
    min(year) AS first_year,
    max(year) AS last_year,
    max(vintage) AS vintage,
    string_agg(DISTINCT basis, '; ' ORDER BY basis) AS basis
FROM eurostat_annual
WHERE is_computed AND value IS NOT NULL
  AND (source_dataset, geo) NOT IN (SELECT (dataset, geo) FROM published)
GROUP BY source_dataset, geo
ORDER BY dataset, geo;

-- Coverage per measure (kept in the warehouse): one dataset code can hold several series
-- (migr_eirtn: returned to any country, and to a third country; migr_asyappctza: all and
-- first-time applicants), each loaded for its own years. One row per dataset × measure ×
-- applicant type × geo, all citizenships, with the first and last year with a value; the
-- claim checker states coverage per measure from it.
CREATE TABLE coverage_measures AS
SELECT
    source_dataset AS dataset,
    measure,
    applicant_type,
    geo,
    min(year) AS first_year,
    max(year) AS last_year,
    max(vintage) AS vintage,
    string_agg(DISTINCT basis, '; ' ORDER BY basis) AS basis
FROM eurostat_annual
WHERE citizenship_iso3 = 'TOTAL' AND value IS NOT NULL
GROUP BY source_dataset, measure, applicant_type, geo
ORDER BY dataset, measure, applicant_type, geo;
