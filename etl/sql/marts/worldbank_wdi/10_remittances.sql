-- Personal remittances paid and received, GDP and received as % of GDP, one row per economy
-- or World Bank aggregate × year (years where at least one of the four has a value).
-- Each value is the one of the latest vintage that has a value for that country × indicator
-- × year (a NULL cell in a newer file does not hide an older value); ties within a vintage
-- go to the first source file by name. received_pct_gdp is the published
-- BX.TRF.PWKR.DT.GD.ZS where present (pct_gdp_is_computed = false), else received_usd ÷
-- gdp_usd × 100 of this row (pct_gdp_is_computed = true), NULL (and flag NULL) where an
-- input is missing or GDP is not positive. source names the file and vintage of each value;
-- vintage is the newest of them. country_name is the newest name any file gives the code.
CREATE TABLE remittances AS
WITH ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY country_iso3, indicator, year
                           ORDER BY vintage DESC, source_file) AS rank_in_key
    FROM stg_worldbank__wdi
    WHERE value IS NOT NULL
),
latest AS (
    SELECT * FROM ranked WHERE rank_in_key = 1
),
names AS (
    SELECT
        country_iso3,
        arg_max(country_name, vintage) FILTER (WHERE country_name IS NOT NULL) AS country_name,
        bool_or(is_aggregate) AS is_aggregate
    FROM stg_worldbank__wdi
    GROUP BY country_iso3
),
wide AS (
    SELECT
        country_iso3,
        year,
        max(value) FILTER (WHERE indicator = 'BM.TRF.PWKR.CD.DT') AS paid_usd,
        max(value) FILTER (WHERE indicator = 'BX.TRF.PWKR.CD.DT') AS received_usd,
        max(value) FILTER (WHERE indicator = 'NY.GDP.MKTP.CD') AS gdp_usd,
        max(value) FILTER (WHERE indicator = 'BX.TRF.PWKR.DT.GD.ZS') AS published_pct_gdp,
        max(source_file || ' (' || CAST(vintage AS VARCHAR) || ')') FILTER (WHERE indicator = 'BM.TRF.PWKR.CD.DT') AS paid_from,
        max(source_file || ' (' || CAST(vintage AS VARCHAR) || ')') FILTER (WHERE indicator = 'BX.TRF.PWKR.CD.DT') AS received_from,
        max(source_file || ' (' || CAST(vintage AS VARCHAR) || ')') FILTER (WHERE indicator = 'NY.GDP.MKTP.CD') AS gdp_from,
        max(source_file || ' (' || CAST(vintage AS VARCHAR) || ')') FILTER (WHERE indicator = 'BX.TRF.PWKR.DT.GD.ZS') AS pct_from,
        max(vintage) AS vintage
    FROM latest
    GROUP BY country_iso3, year
),
with_pct AS (
    SELECT
        *,
        CASE
            WHEN published_pct_gdp IS NOT NULL THEN published_pct_gdp
            WHEN received_usd IS NOT NULL AND gdp_usd > 0 THEN received_usd / gdp_usd * 100
        END AS received_pct_gdp,
        CASE
            WHEN published_pct_gdp IS NOT NULL THEN false
            WHEN received_usd IS NOT NULL AND gdp_usd > 0 THEN true
        END AS pct_gdp_is_computed
    FROM wide
)
SELECT
    w.country_iso3,
    n.country_name,
    n.is_aggregate,
    w.year,
    w.paid_usd,
    w.received_usd,
    w.gdp_usd,
    w.received_pct_gdp,
    w.pct_gdp_is_computed,
    concat_ws('; ',
        'paid: ' || w.paid_from,
        'received: ' || w.received_from,
        'GDP: ' || w.gdp_from,
        CASE WHEN w.pct_gdp_is_computed THEN '% of GDP: computed, received ÷ GDP'
             ELSE '% of GDP: ' || w.pct_from END) AS source,
    w.vintage
FROM with_pct AS w
JOIN names AS n USING (country_iso3)
ORDER BY w.country_iso3, w.year;
