-- One value per Eurostat series × year: measure × applicant type × geo × citizenship (totals
-- over sex, age and every other breakdown), the building block of the Eurostat marts.
-- * A file that lists a key by sex only (IOM's eu_asyapp.rda) gives its total as the sum
--   over sex (is_computed, basis 'sum over sex').
-- * A year that comes only from quarterly data is the sum of its four quarters, and only
--   when all four have a value (is_computed, basis 'sum of four quarters').
-- * Where several files give the key × year, the latest vintage wins, then a published
--   value over a computed one, then the first file by name: vintages are never mixed
--   within one value, and the row says which file and vintage it is.
-- * A file that lists citizenships but no total, and whose rows add up to the total
--   (the citizenship_sums reference table), gives TOTAL as the sum over its citizenships
--   (is_computed, basis from that table). No other file is summed.
-- * EU27_2020 where no file publishes it: the sum of the 27 member states, only when all 27
--   have a value that year (is_computed, basis 'sum of the 27 member states'); else absent.
--   EU27_2007 and EU28 are kept as published, never relabelled. The members are the
--   eurostat_geo reference table's (loaded before the marts).
CREATE TABLE eurostat_annual AS
WITH totals AS (
    SELECT * FROM stg_eurostat__migr WHERE sex = 'T' AND detail IS NULL
),
sex_only_files AS (
    SELECT source_file FROM stg_eurostat__migr
    GROUP BY source_file HAVING bool_and(sex <> 'T')
),
by_sex AS (
    SELECT
        source_dataset, measure, applicant_type, geo, citizenship_iso3, 'A' AS freq, year,
        sum(value) AS value, string_agg(DISTINCT flag, '') AS flag, vintage, source_file,
        true AS is_computed, 'sum over sex' AS basis
    FROM stg_eurostat__migr
    WHERE source_file IN (SELECT source_file FROM sex_only_files) AND detail IS NULL
      AND freq = 'A'
    GROUP BY ALL
    HAVING count(value) > 0
),
from_quarters AS (
    SELECT
        source_dataset, measure, applicant_type, geo, citizenship_iso3, 'A' AS freq, year,
        sum(value) AS value, string_agg(DISTINCT flag, '') AS flag, vintage, source_file,
        true AS is_computed, 'sum of four quarters' AS basis
    FROM totals
    WHERE freq = 'Q'
    GROUP BY ALL
    HAVING count(value) = 4
),
by_citizenship AS (
    SELECT
        t.source_dataset, t.measure, t.applicant_type, t.geo, 'TOTAL' AS citizenship_iso3,
        'A' AS freq, t.year, sum(t.value) AS value,
        NULLIF(string_agg(DISTINCT t.flag, ''), '') AS flag, t.vintage, t.source_file,
        true AS is_computed, any_value(s.basis) AS basis
    FROM totals AS t
    JOIN citizenship_sums AS s ON s.sha256 = t.snapshot_sha256 AND s.measure = t.measure
    WHERE t.freq = 'A' AND t.citizenship_iso3 <> 'TOTAL'
    GROUP BY t.source_dataset, t.measure, t.applicant_type, t.geo, t.year, t.vintage,
             t.source_file
    HAVING count(t.value) > 0
),
candidates AS (
    SELECT source_dataset, measure, applicant_type, geo, citizenship_iso3, freq, year, value,
           flag, vintage, source_file, false AS is_computed, 'published' AS basis
    FROM totals WHERE freq = 'A' AND value IS NOT NULL
    UNION ALL SELECT * FROM by_sex
    UNION ALL SELECT * FROM from_quarters
    UNION ALL SELECT * FROM by_citizenship
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY measure, applicant_type, geo, citizenship_iso3, year
        ORDER BY vintage DESC, is_computed, source_file) AS rank_in_key
    FROM candidates
),
chosen AS (
    SELECT * EXCLUDE (rank_in_key, freq) FROM ranked WHERE rank_in_key = 1
),
members AS (
    SELECT geo FROM eurostat_geo WHERE eu27_2020
),
eu27_computed AS (
    SELECT
        min(c.source_dataset) AS source_dataset, c.measure, c.applicant_type,
        'EU27_2020' AS geo, c.citizenship_iso3, c.year, sum(c.value) AS value,
        NULLIF(string_agg(DISTINCT c.flag, ''), '') AS flag, max(c.vintage) AS vintage,
        string_agg(DISTINCT c.source_file, '; ' ORDER BY c.source_file) AS source_file,
        true AS is_computed, 'sum of the 27 member states' AS basis
    FROM chosen AS c JOIN members USING (geo)
    GROUP BY c.measure, c.applicant_type, c.citizenship_iso3, c.year
    HAVING count(*) = 27
)
SELECT * FROM chosen
UNION ALL
SELECT e.* FROM eu27_computed AS e
WHERE NOT EXISTS (
    SELECT 1 FROM chosen AS c
    WHERE c.geo = 'EU27_2020' AND c.measure = e.measure AND c.year = e.year
      AND c.citizenship_iso3 = e.citizenship_iso3
      AND c.applicant_type IS NOT DISTINCT FROM e.applicant_type)
ORDER BY measure, applicant_type, geo, citizenship_iso3, year;
