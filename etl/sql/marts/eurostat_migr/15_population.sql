-- Population on 1 January (Eurostat demo_pjan, totals over sex and age), one row per geo ×
-- year: the denominator of every "per 100,000 residents" rate. Values from eurostat_annual
-- (latest vintage per value). Bundled: 1960–2022 (the 2024-01-18 bulk download); a rate for
-- a later year is missing until a newer demo_pjan is loaded.
CREATE TABLE population AS
SELECT geo, year, value AS population, is_computed, basis, source_dataset, source_file,
       vintage
FROM eurostat_annual
WHERE measure = 'population' AND citizenship_iso3 = 'TOTAL'
ORDER BY geo, year;

-- per_100k(count, population): a count per 100,000 residents; NULL where either is missing.
CREATE TEMP MACRO per_100k(count, residents) AS
    CASE WHEN residents > 0 THEN count * 100000.0 / residents END;

-- persons_series(m): one measure of eurostat_annual as a persons mart, one row per geo ×
-- year × citizenship, with the count per 100,000 residents of the reporting geography
-- (population on 1 January of the same year; NULL where the population is not loaded).
-- Used by 40_illegally_present.sql and 50_refused_entry.sql; a temporary macro of the
-- build, not kept in the warehouse.
CREATE TEMP MACRO persons_series(m) AS TABLE
SELECT a.geo, a.year, a.citizenship_iso3, a.value AS persons,
       per_100k(a.value, p.population) AS persons_per_100k, p.population, a.flag,
       a.is_computed, a.basis, a.source_dataset, a.source_file, a.vintage
FROM eurostat_annual AS a
LEFT JOIN population AS p USING (geo, year)
WHERE a.measure = m
ORDER BY a.geo, a.citizenship_iso3, a.year;
