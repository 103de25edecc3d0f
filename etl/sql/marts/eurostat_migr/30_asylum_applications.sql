-- Asylum applicants (migr_asyappctza), one row per geo × year × citizenship × applicant
-- type: 'all' (ASY_APP, first-time and subsequent) and 'first_time' (NASY_APP) are distinct
-- series and never mixed. citizenship_iso3 = 'TOTAL' is the published total over all
-- citizenships (a sum of the listed citizenships is lower and is not given here). Values
-- from eurostat_annual (latest vintage per value); is_computed marks sums (over sex in
-- IOM's extract, or of the 27 member states for EU27_2020).
CREATE TABLE asylum_applications AS
SELECT
    geo,
    year,
    citizenship_iso3,
    applicant_type,
    value AS applicants,
    flag,
    is_computed,
    basis,
    source_dataset,
    source_file,
    vintage
FROM eurostat_annual
WHERE measure = 'asylum_applicants' AND applicant_type IN ('all', 'first_time')
ORDER BY geo, applicant_type, citizenship_iso3, year;
