-- Coverage of publisher datasets: every row of the coverage table for $datasets (codes),
-- for geography $geo or where the dataset is not loaded at all (geo NULL).
SELECT dataset, publisher, description, geo, first_year, last_year, vintage, loaded,
       fetch_command
FROM coverage
WHERE list_contains($datasets, dataset) AND (geo = $geo OR geo IS NULL)
ORDER BY dataset;
