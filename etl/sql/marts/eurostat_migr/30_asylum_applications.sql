-- Asylum applicants (migr_asyappctza), one row per geo × year × citizenship × applicant
-- type: 'all' (ASY_APP, first-time and subsequent), 'first_time' (NASY_APP) and
-- 'subsequent' (SSEQ, from 2021) are distinct series and never mixed. citizenship_iso3 = 'TOTAL' is the published total over all
-- citizenships (a sum of the listed citizenships is lower and is not given here). Values
-- from eurostat_annual (latest vintage per value); is_computed marks sums (over sex in
-- IOM's extract, or of the 27 member states for EU27_2020). applicants_per_100k: per
-- 100,000 residents (population on 1 January of the same year; NULL where not loaded).
CREATE TABLE asylum_applications AS
SELECT
    a.geo,
    a.year,
    a.citizenship_iso3,
    a.applicant_type,
    a.value AS applicants,
    per_100k(a.value, p.population) AS applicants_per_100k,
    p.population,
    a.flag,
    a.is_computed,
    a.basis,
    a.source_dataset,
    a.source_file,
    a.vintage
FROM eurostat_annual AS a
LEFT JOIN population AS p USING (geo, year)
WHERE a.measure = 'asylum_applicants'
ORDER BY a.geo, a.applicant_type, a.citizenship_iso3, a.year;
