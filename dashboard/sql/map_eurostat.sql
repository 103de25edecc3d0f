-- One Eurostat series by reporting country for the map: $series (return_rate_total,
-- return_rate_third_country, ordered_to_leave_per_100k, asylum_applicants_per_100k), all
-- citizenships, one year ($year; 0 = every year, for the year list). iso3 through
-- countries.iso2 (Eurostat's EL, UK …); aggregates (EU27_2020, EU28, TOTAL …) have none and
-- are listed under the map. value NULL where the series has no value (never a 0). flag:
-- Eurostat's flags of the value's counts (of a rate: of the row's orders and returns).
WITH series AS (
    SELECT 'return_rate_total' AS series, geo, year, return_rate_total AS value, flags AS flag,
           is_computed, source_dataset, source_file, vintage
    FROM return_gap WHERE citizenship_iso3 = 'TOTAL'
    UNION ALL
    SELECT 'return_rate_third_country', geo, year, return_rate_third_country, flags,
           is_computed, source_dataset, source_file, vintage
    FROM return_gap WHERE citizenship_iso3 = 'TOTAL'
    UNION ALL
    SELECT 'ordered_to_leave_per_100k', r.geo, r.year, r.ordered_to_leave_per_100k, o.flag,
           r.is_computed, r.source_dataset, r.source_file, r.vintage
    FROM return_gap AS r
    LEFT JOIN eurostat_annual AS o ON o.measure = 'ordered_to_leave' AND o.geo = r.geo
         AND o.year = r.year AND o.citizenship_iso3 = 'TOTAL'
    WHERE r.citizenship_iso3 = 'TOTAL'
    UNION ALL
    SELECT 'asylum_applicants_per_100k', geo, year, applicants_per_100k, flag, is_computed,
           source_dataset, source_file, vintage
    FROM asylum_applications WHERE citizenship_iso3 = 'TOTAL' AND applicant_type = 'all'
)
SELECT
    s.geo,
    c.iso3,
    coalesce(g.name, s.geo) AS name,
    coalesce(g.kind, 'other') AS kind,
    s.year,
    s.value,
    s.flag,
    s.is_computed,
    s.source_dataset,
    s.source_file,
    s.vintage
FROM series AS s
LEFT JOIN eurostat_geo AS g ON g.geo = s.geo
LEFT JOIN countries AS c ON c.iso2 = s.geo AND coalesce(g.kind, '') <> 'aggregate'
WHERE s.series = $series AND ($year = 0 OR s.year = $year)
ORDER BY s.value DESC NULLS LAST, s.geo;
