-- Vintages held of the staging datasets ($datasets VARCHAR[], e.g. worldbank_wdi), one row
-- per loaded file.
SELECT DISTINCT dataset, vintage
FROM provenance
WHERE list_contains($datasets, dataset)
ORDER BY dataset, vintage;
