-- Personal remittances paid by the Netherlands, newest years first (latest vintage per year).
SELECT year, paid_usd AS value, vintage
FROM remittances
WHERE country_iso3 = 'NLD' AND paid_usd IS NOT NULL
ORDER BY year DESC;
