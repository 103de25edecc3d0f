-- Staging: Eurostat bop_rem6 (personal transfers and workers' remittances by partner), every
-- vintage fetched, one row per geo × partner × currency × BoP item × flow × period, with
-- Eurostat's codes as published. value is NULL where Eurostat marks it not available.
CREATE TABLE stg_eurostat__bop AS
SELECT
    source_dataset,
    geo,
    partner,
    currency,
    bop_item,
    bop_item_label,
    stk_flow,
    freq,
    CAST(year AS INTEGER) AS year,
    CAST(quarter AS INTEGER) AS quarter,
    CAST(value AS DOUBLE) AS value,
    flag,
    CAST(vintage AS DATE) AS vintage,
    source_file,
    snapshot_sha256,
    CAST(source_row AS INTEGER) AS source_row
FROM read_parquet($files)
ORDER BY vintage, source_file, source_row;
