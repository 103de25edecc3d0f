-- Years with remittances received as % of GDP for at least one economy.
SELECT DISTINCT year FROM remittances
WHERE received_pct_gdp IS NOT NULL AND NOT is_aggregate
ORDER BY year;
