-- Third-country nationals refused entry at the external borders (migr_eirfs), one row per
-- geo × year × citizenship (totals over border type and reason). Values from
-- eurostat_annual (latest vintage per value).
CREATE TABLE refused_entry AS
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
WHERE measure = 'refused_entry'
ORDER BY geo, citizenship_iso3, year;
