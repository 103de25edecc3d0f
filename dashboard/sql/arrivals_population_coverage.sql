-- Could Frontex detections be put per 100,000 residents? For one vintage ($vintage DATE):
-- how many nationalities (and what share of detections) have a population loaded for their
-- country (population mart, Eurostat geo codes; ISO-2 via the countries reference, Eurostat
-- writes EL for Greece and UK for the United Kingdom).
WITH nat AS (
    SELECT a.nationality_iso3, sum(a.detections) AS detections,
           bool_or(p.geo IS NOT NULL) AS has_population
    FROM arrivals_yearly AS a
    LEFT JOIN countries AS c ON c.iso3 = a.nationality_iso3
    LEFT JOIN (SELECT DISTINCT geo FROM population) AS p
      ON p.geo = CASE c.iso2 WHEN 'GR' THEN 'EL' WHEN 'GB' THEN 'UK' ELSE c.iso2 END
    WHERE a.vintage = $vintage
    GROUP BY a.nationality_iso3
)
SELECT count(*) AS nationalities,
       count(*) FILTER (WHERE has_population) AS with_population,
       coalesce(sum(detections) FILTER (WHERE has_population), 0) / nullif(sum(detections), 0)
           AS share_of_detections
FROM nat;
