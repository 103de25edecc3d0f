-- The $n citizenships with the most orders to leave in $geo and $year, with returns and the
-- same-year return rate per citizenship. $geo VARCHAR, $year INTEGER, $n INTEGER.
-- flag_ordered, flag_returned: Eurostat's flags of the two counts (NULL for none).
SELECT
    r.citizenship_iso3,
    coalesce(c.name, r.citizenship_iso3) AS citizenship,
    r.ordered_to_leave,
    r.returned_total,
    r.return_rate_total,
    o.flag AS flag_ordered,
    t.flag AS flag_returned,
    r.source_dataset,
    r.vintage
FROM return_gap AS r
LEFT JOIN countries AS c ON c.iso3 = r.citizenship_iso3
LEFT JOIN eurostat_annual AS o ON o.measure = 'ordered_to_leave' AND o.geo = r.geo
     AND o.year = r.year AND o.citizenship_iso3 = r.citizenship_iso3
LEFT JOIN eurostat_annual AS t ON t.measure = 'returned' AND t.geo = r.geo
     AND t.year = r.year AND t.citizenship_iso3 = r.citizenship_iso3
WHERE r.geo = $geo AND r.year = $year AND r.citizenship_iso3 <> 'TOTAL'
  AND r.ordered_to_leave IS NOT NULL
ORDER BY r.ordered_to_leave DESC, r.citizenship_iso3
LIMIT $n;
