-- Asylum requests in the Netherlands including nareizigers (family members joining a refugee),
-- CBS table 80059NED, measure TotaalAsielverzoekenEnNareizigers_1 (first and subsequent
-- requests plus nareizigers, persons): one row per nationality × year, every nationality key
-- including the total of all nationalities (T001059). requests is NULL where CBS marks the
-- figure missing ("."). Each row is from the latest vintage that lists the key (ties go to the
-- first source file by name), NULL included: a newer file's "." is the publisher's latest word.
-- nationality_label is the newest label any file gives the code, NULL where none does
-- (the CSV export carries codes only).
CREATE TABLE nl_asylum_requests AS
WITH requests AS (
    SELECT
        year,
        dimensions ->> 'Nationaliteit' AS nationality_code,
        dimension_labels ->> 'Nationaliteit' AS nationality_label,
        value,
        measure,
        table_id,
        vintage,
        source_file
    FROM stg_cbs__statline
    WHERE table_id = '80059NED'
      AND measure = 'TotaalAsielverzoekenEnNareizigers_1'
      AND period_type = 'year'
),
ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY nationality_code, year
                           ORDER BY vintage DESC, source_file) AS rank_in_key
    FROM requests
),
labels AS (
    SELECT
        nationality_code,
        arg_max(nationality_label, vintage) FILTER (WHERE nationality_label IS NOT NULL)
            AS nationality_label
    FROM requests
    GROUP BY nationality_code
)
SELECT
    r.year,
    r.nationality_code,
    l.nationality_label,
    CAST(round(r.value) AS BIGINT) AS requests,
    r.measure,
    r.table_id,
    r.vintage,
    r.source_file
FROM ranked AS r
JOIN labels AS l USING (nationality_code)
WHERE r.rank_in_key = 1
ORDER BY r.nationality_code, r.year;
