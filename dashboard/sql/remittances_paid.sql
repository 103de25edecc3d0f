-- Personal remittances paid (BM.TRF.PWKR.CD.DT) by one economy, yearly, in every vintage
-- loaded and as the latest value per year. $country VARCHAR (ISO-3).
-- series 'latest' = the remittances mart (latest vintage with a value, per year).
SELECT year, 'latest' AS series, paid_usd AS value, vintage,
       regexp_extract(source, 'paid: ([^;]+)', 1) AS source_file
FROM remittances
WHERE country_iso3 = $country AND paid_usd IS NOT NULL
UNION ALL
SELECT year, 'vintage ' || CAST(vintage AS VARCHAR) AS series, value, vintage, source_file
FROM stg_worldbank__wdi
WHERE country_iso3 = $country AND indicator = 'BM.TRF.PWKR.CD.DT' AND value IS NOT NULL
ORDER BY series, year;
