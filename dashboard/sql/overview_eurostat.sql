-- Headline Eurostat series for the overview, newest years first: persons returned to a third
-- country (NL), the same-year return rate (NL, EU27_2020) and asylum applicants (all, NL),
-- all citizenships, years with a value; newest_year = the newest year any Eurostat series in
-- the warehouse has (the yardstick of "stale"). flag: Eurostat's flags of the value (of a
-- rate: of its two counts), letters run together; NULL for none.
WITH newest AS (SELECT max(year) AS newest_year FROM eurostat_annual)
SELECT t.*, newest.newest_year FROM (
    SELECT 'returned_third_country' AS tile, r.geo, r.year,
           r.returned_to_third_country AS value, r.is_computed, r.vintage, f.flag
    FROM return_gap AS r
    LEFT JOIN eurostat_annual AS f ON f.measure = 'returned_third_country' AND f.geo = r.geo
         AND f.year = r.year AND f.citizenship_iso3 = 'TOTAL'
    WHERE r.geo = 'NL' AND r.citizenship_iso3 = 'TOTAL'
      AND r.returned_to_third_country IS NOT NULL
    UNION ALL
    -- the rate's own inputs (orders, returns to any country) give its vintage, basis and
    -- flags, not the other counts of the return_gap row
    SELECT 'return_rate', r.geo, r.year, r.return_rate_total,
           o.is_computed OR t.is_computed, greatest(o.vintage, t.vintage),
           NULLIF(concat(o.flag, t.flag), '')
    FROM return_gap AS r
    JOIN eurostat_annual AS o ON o.measure = 'ordered_to_leave' AND o.geo = r.geo
         AND o.year = r.year AND o.citizenship_iso3 = 'TOTAL'
    JOIN eurostat_annual AS t ON t.measure = 'returned' AND t.geo = r.geo
         AND t.year = r.year AND t.citizenship_iso3 = 'TOTAL'
    WHERE r.geo IN ('NL', 'EU27_2020') AND r.citizenship_iso3 = 'TOTAL'
      AND r.return_rate_total IS NOT NULL
    UNION ALL
    SELECT 'asylum_applicants', geo, year, applicants, is_computed, vintage, flag
    FROM asylum_applications
    WHERE geo = 'NL' AND citizenship_iso3 = 'TOTAL' AND applicant_type = 'all'
      AND applicants IS NOT NULL
) AS t, newest
ORDER BY tile, geo, year DESC;
