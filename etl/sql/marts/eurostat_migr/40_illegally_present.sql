-- Third-country nationals found to be illegally present (migr_eipre), one row per geo ×
-- year × citizenship (totals over sex, age, reason and place of apprehension). Values from
-- eurostat_annual (latest vintage per value; the 2025 extraction revises 2015–2016 and
-- fills 2014 for NL). Breakdowns by reason and place (2021–2023) stay in stg_eurostat__migr.
CREATE TABLE illegally_present AS
SELECT
    geo,
    year,
    citizenship_iso3,
    value AS persons,
    flag,
    is_computed,
    basis,
    source_dataset,
    source_file,
    vintage
FROM eurostat_annual
WHERE measure = 'illegally_present'
ORDER BY geo, citizenship_iso3, year;
