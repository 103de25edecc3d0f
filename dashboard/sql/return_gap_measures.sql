-- The series of the report's Figures 2–3 for one geography, all citizenships, yearly:
-- asylum applicants (all), found illegally present, ordered to leave, returned (any
-- country) and returned to a third country (two definitions, two series). $geo VARCHAR. One row per measure × year with a value, with its provenance.
SELECT
    year,
    measure,
    value,
    is_computed,
    basis,
    flag,
    source_dataset,
    source_file,
    vintage
FROM eurostat_annual
WHERE geo = $geo
  AND citizenship_iso3 = 'TOTAL'
  AND (measure IN ('illegally_present', 'ordered_to_leave', 'returned',
                   'returned_third_country')
       OR (measure = 'asylum_applicants' AND applicant_type = 'all'))
ORDER BY measure, year;
