-- Data revisions: the vintages of the World Bank's personal remittances paid
-- (BM.TRF.PWKR.CD.DT) for economies loaded, oldest first.
SELECT DISTINCT vintage
FROM stg_worldbank__wdi
WHERE indicator = 'BM.TRF.PWKR.CD.DT' AND NOT is_aggregate AND value IS NOT NULL
ORDER BY vintage;
