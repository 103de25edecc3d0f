-- Countries and citizenship categories (etl/reference/countries.csv), one row per code:
-- iso3 (ISO 3166-1 alpha-3; X-codes for stateless/unknown/other; TOTAL = all), iso2 (the
-- 2-letter code as Eurostat writes it: EL, UK, XK; empty where none), name, kind.
CREATE TABLE countries AS
SELECT iso3, any_value(NULLIF(iso2, '')) AS iso2, any_value(name) AS name, any_value(kind) AS kind
FROM read_csv($file, header = true, all_varchar = true)
GROUP BY iso3
ORDER BY iso3;
