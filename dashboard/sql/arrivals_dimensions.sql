-- Routes, border types, nationalities and months present in one vintage (widget options).
SELECT DISTINCT 'route' AS kind, route_code AS code, route AS label FROM arrivals_monthly_all_vintages WHERE vintage = $vintage
UNION ALL
SELECT DISTINCT 'border_type', border_type, border_type FROM arrivals_monthly_all_vintages WHERE vintage = $vintage
UNION ALL
SELECT DISTINCT 'nationality', nationality_iso3, nationality FROM arrivals_monthly_all_vintages WHERE vintage = $vintage
UNION ALL
SELECT DISTINCT 'month', strftime(month, '%Y-%m'), strftime(month, '%Y-%m') FROM arrivals_monthly_all_vintages WHERE vintage = $vintage
ORDER BY kind, code;
