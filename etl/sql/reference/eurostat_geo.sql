-- Eurostat reporting geographies (etl/reference/eurostat_geo.csv), one row per code: geo,
-- name, kind (member_state, efta, other, aggregate), eu27_2020 (member of the EU27_2020).
CREATE TABLE eurostat_geo AS
SELECT geo, any_value(name) AS name, any_value(kind) AS kind,
       bool_or(CAST(eu27_2020 AS BOOLEAN)) AS eu27_2020
FROM read_csv($file, header = true, all_varchar = true)
GROUP BY geo
ORDER BY geo;
