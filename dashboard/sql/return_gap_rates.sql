-- Return rates for a set of geographies, all citizenships, yearly. $geos VARCHAR[].
-- flags: Eurostat's flags of the row's counts (orders, returns), letters run together.
SELECT
    geo,
    year,
    ordered_to_leave,
    returned_total,
    returned_to_third_country,
    return_rate_total,
    return_rate_third_country,
    return_rate_lagged,
    flags,
    is_computed,
    source_dataset,
    source_file,
    vintage
FROM return_gap
WHERE list_contains($geos, geo) AND citizenship_iso3 = 'TOTAL'
ORDER BY geo, year;
