-- Immigration to the Netherlands per month, CBS table 85484NED, measure Immigratie (OData v4
-- code M000167; Immigratie_<n> in OData v3): persons settling in the Netherlands from abroad
-- and entered in a municipal population register. One row per country of origin
-- (Herkomstland) × sex (Geslacht) × country of birth (Geboorteland) × month; the table's
-- yearly rows (JJ00) are left out. immigrants is NULL where CBS marks the figure missing.
-- Each row is from the latest vintage that lists the key (ties: first source file by name).
-- origin_label is the newest label any file gives the code, NULL where none does.
CREATE TABLE nl_immigration AS
WITH immigration AS (
    SELECT
        period_start AS month,
        year,
        dimensions ->> 'Herkomstland' AS origin_code,
        dimension_labels ->> 'Herkomstland' AS origin_label,
        dimensions ->> 'Geslacht' AS sex_code,
        dimensions ->> 'Geboorteland' AS birth_country_code,
        value,
        table_id,
        vintage,
        source_file
    FROM stg_cbs__statline
    WHERE table_id = '85484NED'
      AND (measure = 'M000167' OR regexp_full_match(measure, 'Immigratie_[0-9]+'))
      AND period_type = 'month'
),
ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY origin_code, sex_code, birth_country_code, month
                           ORDER BY vintage DESC, source_file) AS rank_in_key
    FROM immigration
),
labels AS (
    SELECT
        origin_code,
        arg_max(origin_label, vintage) FILTER (WHERE origin_label IS NOT NULL) AS origin_label
    FROM immigration
    GROUP BY origin_code
)
SELECT
    r.month,
    r.year,
    r.origin_code,
    l.origin_label,
    r.sex_code,
    r.birth_country_code,
    CAST(round(r.value) AS BIGINT) AS immigrants,
    r.table_id,
    r.vintage,
    r.source_file
FROM ranked AS r
JOIN labels AS l USING (origin_code)
WHERE r.rank_in_key = 1
ORDER BY r.origin_code, r.sex_code, r.birth_country_code, r.month;
