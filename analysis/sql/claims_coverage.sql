-- Coverage rows of the datasets a claim names ($datasets VARCHAR[]), every geography (with
-- its basis: 'published' or how the marts compute an aggregate), plus the rows of datasets
-- not loaded at all (geo NULL, loaded false).
SELECT dataset, geo, first_year, last_year, basis, loaded, fetch_command
FROM coverage
WHERE list_contains($datasets, dataset)
ORDER BY dataset, geo;
