-- Data revisions: the vintages of Eurostat's third-country nationals found illegally present
-- (migr_eipre, annual, all citizenships, both sexes, no breakdown) loaded, oldest first.
SELECT DISTINCT vintage
FROM stg_eurostat__migr
WHERE measure = 'illegally_present' AND sex = 'T' AND detail IS NULL
  AND citizenship_iso3 = 'TOTAL' AND freq = 'A' AND value IS NOT NULL
ORDER BY vintage;
