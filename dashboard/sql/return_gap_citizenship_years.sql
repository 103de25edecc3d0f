-- Years in which $geo has orders to leave by single citizenship.
SELECT DISTINCT year
FROM return_gap
WHERE geo = $geo AND citizenship_iso3 <> 'TOTAL' AND ordered_to_leave IS NOT NULL
ORDER BY year;
