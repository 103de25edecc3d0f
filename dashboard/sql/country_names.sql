-- Every country name the pages can show, with its ISO 3166 alpha-2 code (Eurostat's own
-- codes where it has them), for the names in the interface language (dashboard/names.py).
SELECT name, iso2 FROM countries WHERE iso2 IS NOT NULL
UNION
SELECT name, geo AS iso2 FROM eurostat_geo WHERE kind <> 'aggregate'
UNION
SELECT DISTINCT a.nationality AS name, c.iso2
FROM arrivals_monthly AS a JOIN countries AS c ON c.iso3 = a.nationality_iso3
WHERE c.iso2 IS NOT NULL
UNION
SELECT DISTINCT r.country_name AS name, c.iso2
FROM remittances AS r JOIN countries AS c ON c.iso3 = r.country_iso3
WHERE c.iso2 IS NOT NULL AND r.country_name IS NOT NULL
