-- Headline Eurostat series for the overview, newest years first: the same-year return rate
-- (NL, EU27_2020) and asylum applicants (all, NL), all citizenships, years with a value.
SELECT 'return_rate' AS tile, geo, year, return_rate_total AS value, is_computed, vintage
FROM return_gap
WHERE geo IN ('NL', 'EU27_2020') AND citizenship_iso3 = 'TOTAL'
  AND return_rate_total IS NOT NULL
UNION ALL
SELECT 'asylum_applicants', geo, year, applicants, is_computed, vintage
FROM asylum_applications
WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL' AND applicant_type = 'all'
  AND applicants IS NOT NULL
ORDER BY tile, geo, year DESC;
