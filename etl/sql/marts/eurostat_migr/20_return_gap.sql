-- Return gap: third-country nationals ordered to leave (migr_eiord) and returned following an
-- order (migr_eirtn: to any country, and to a third country), one row per geo × year ×
-- citizenship (citizenship_iso3 = 'TOTAL' for all citizenships), for every year any of the
-- three has a value. Rates are fractions: returned ÷ ordered in the same year (not a cohort
-- rate: returns in year t include returns of earlier orders), and return_rate_lagged =
-- returned in t ÷ mean of the orders of t−1 and t (NULL where either year is missing).
-- A rate is NULL where its inputs are missing or orders are 0. Values come from
-- eurostat_annual (latest vintage per value); vintage is the newest of those used,
-- is_computed is true if any input is computed (e.g. an EU27_2020 sum of member states).
-- "returned" (to any country) and "returned to a third country" are separate series, never
-- one line. *_per_100k: per 100,000 residents of the geography (population on 1 January of
-- the same year); NULL where the count or the population is missing. mixed_vintages: the
-- row's counts come from files of different vintages (e.g. NL 2016: orders and returns in the
-- 2017 export, returns to a third country in the 2024 extract), so a rate divides figures
-- published at different times.
CREATE TABLE return_gap AS
WITH wide AS (
    SELECT
        geo,
        year,
        citizenship_iso3,
        max(value) FILTER (WHERE measure = 'ordered_to_leave') AS ordered_to_leave,
        max(value) FILTER (WHERE measure = 'returned') AS returned_total,
        max(value) FILTER (WHERE measure = 'returned_third_country') AS returned_to_third_country,
        string_agg(DISTINCT source_dataset, ', ' ORDER BY source_dataset) AS source_dataset,
        string_agg(DISTINCT source_file, '; ' ORDER BY source_file) AS source_file,
        NULLIF(string_agg(DISTINCT flag, '' ORDER BY flag), '') AS flags,
        bool_or(is_computed) AS is_computed,
        max(vintage) AS vintage,
        count(DISTINCT vintage) > 1 AS mixed_vintages
    FROM eurostat_annual
    WHERE measure IN ('ordered_to_leave', 'returned', 'returned_third_country')
    GROUP BY geo, year, citizenship_iso3
),
with_previous AS (
    SELECT
        w.*,
        p.ordered_to_leave AS ordered_previous_year,
        pop.population
    FROM wide AS w
    LEFT JOIN wide AS p
      ON p.geo = w.geo AND p.citizenship_iso3 = w.citizenship_iso3 AND p.year = w.year - 1
    LEFT JOIN population AS pop ON pop.geo = w.geo AND pop.year = w.year
)
SELECT
    geo,
    year,
    citizenship_iso3,
    ordered_to_leave,
    returned_total,
    returned_to_third_country,
    CASE WHEN ordered_to_leave > 0 THEN returned_total / ordered_to_leave END
        AS return_rate_total,
    CASE WHEN ordered_to_leave > 0 THEN returned_to_third_country / ordered_to_leave END
        AS return_rate_third_country,
    CASE WHEN ordered_to_leave + ordered_previous_year > 0
         THEN returned_total / ((ordered_previous_year + ordered_to_leave) / 2) END
        AS return_rate_lagged,
    per_100k(ordered_to_leave, population) AS ordered_to_leave_per_100k,
    per_100k(returned_total, population) AS returned_total_per_100k,
    per_100k(returned_to_third_country, population) AS returned_to_third_country_per_100k,
    population,
    flags,
    is_computed,
    mixed_vintages,
    source_dataset,
    source_file,
    vintage
FROM with_previous
ORDER BY geo, citizenship_iso3, year;
