-- Data revisions: Eurostat third-country nationals found illegally present (migr_eipre,
-- annual, all citizenships, both sexes, no breakdown) by reporting geography and year in two
-- vintages ($old, $new DATE). One row per geo × year published in either vintage; old or
-- new is NULL where that vintage has no value (":"). Flags as published.
SELECT
    s.geo AS key,
    coalesce(any_value(g.name), any_value(s.geo_label), s.geo) AS label,
    coalesce(any_value(g.kind) = 'aggregate', false) AS is_aggregate,
    s.year::INTEGER AS year,
    max(s.value) FILTER (WHERE s.vintage = $old) AS old,
    max(s.value) FILTER (WHERE s.vintage = $new) AS new,
    max(s.flag) FILTER (WHERE s.vintage = $old) AS flag_old,
    max(s.flag) FILTER (WHERE s.vintage = $new) AS flag_new,
    NULL::INTEGER AS months,
    NULL::DATE AS first_month,
    NULL::DATE AS last_month,
    NULL::INTEGER AS months_old,
    NULL::INTEGER AS months_new
FROM stg_eurostat__migr AS s
LEFT JOIN eurostat_geo AS g USING (geo)
WHERE s.measure = 'illegally_present' AND s.sex = 'T' AND s.detail IS NULL
  AND s.citizenship_iso3 = 'TOTAL' AND s.freq = 'A' AND s.vintage IN ($old, $new)
GROUP BY s.geo, s.year
ORDER BY year, key;
