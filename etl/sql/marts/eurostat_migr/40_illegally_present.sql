-- Third-country nationals found to be illegally present (migr_eipre), one row per geo ×
-- year × citizenship (totals over sex, age, reason and place of apprehension). Values from
-- eurostat_annual (latest vintage per value; the 2025 extraction revises 2015–2016 and
-- fills 2014 for NL). Breakdowns by reason and place (2021–2023) stay in stg_eurostat__migr.
CREATE TABLE illegally_present AS FROM persons_series('illegally_present');
