-- Population on 1 January of one geography ($geo VARCHAR), yearly: the denominator of the
-- Return gap page's "per 100,000 residents" view. One row per year with a value.
SELECT year, population, is_computed, source_dataset, source_file, vintage
FROM population
WHERE geo = $geo
ORDER BY year;
