-- Data revisions: World Bank personal remittances paid (BM.TRF.PWKR.CD.DT, current US$) by
-- economy (World Bank aggregates left out) and year in two vintages ($old, $new DATE). One
-- row per economy × year with a value in either vintage; old or new is NULL where that
-- vintage has none. Names from the files, else from the countries reference table.
SELECT
    w.country_iso3 AS key,
    coalesce(any_value(w.country_name), any_value(c.name), w.country_iso3) AS label,
    false AS is_aggregate,
    w.year::INTEGER AS year,
    max(w.value) FILTER (WHERE w.vintage = $old) AS old,
    max(w.value) FILTER (WHERE w.vintage = $new) AS new,
    max(w.flag) FILTER (WHERE w.vintage = $old) AS flag_old,
    max(w.flag) FILTER (WHERE w.vintage = $new) AS flag_new,
    NULL::INTEGER AS months,
    NULL::DATE AS first_month,
    NULL::DATE AS last_month,
    NULL::INTEGER AS months_old,
    NULL::INTEGER AS months_new
FROM stg_worldbank__wdi AS w
LEFT JOIN countries AS c ON c.iso3 = w.country_iso3
WHERE w.indicator = 'BM.TRF.PWKR.CD.DT' AND NOT w.is_aggregate AND w.value IS NOT NULL
  AND w.vintage IN ($old, $new)
GROUP BY w.country_iso3, w.year
ORDER BY year, key;
