-- Coverage per measure of the datasets a claim names ($datasets VARCHAR[]): one row per
-- dataset × measure × applicant type × geo with a value (all citizenships), so a dataset
-- code holding several series (migr_eirtn: returned to any country and to a third country)
-- is described series by series.
SELECT dataset, measure, applicant_type, geo, first_year, last_year, basis
FROM coverage_measures
WHERE list_contains($datasets, dataset)
ORDER BY dataset, measure, applicant_type, geo;
