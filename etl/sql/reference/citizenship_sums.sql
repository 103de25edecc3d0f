-- Files that list citizenships without an all-citizenships total, and whose citizenship rows
-- add up to that total (etl/reference/citizenship_sums.csv): for these alone eurostat_annual
-- computes TOTAL as the sum. Other files without a total (e.g. the 2017 first-time applicant
-- export, which lists a selection of citizenships) are never summed: that would undercount.
CREATE TABLE citizenship_sums AS
SELECT sha256, file_name, measure, basis, note
FROM read_csv($file, header = true, all_varchar = true)
ORDER BY file_name, measure;
