-- The Frontex routes the risk mart covers (those an MMP route maps to), in route order, with
-- the mart's vintages and its first year (the first year both files have).
SELECT route_code, max(mmp_vintage) AS mmp_vintage, max(frontex_vintage) AS frontex_vintage,
       min(year)::INTEGER AS first_year
FROM route_risk_yearly
GROUP BY route_code
ORDER BY route_code;
