-- Personal transfers and related BoP items from and to the Netherlands by partner, yearly
-- (freq A), one row per partner × currency × item × flow × year: the value of the latest
-- vintage that has one. Codes are Eurostat's (partner e.g. EXT_EU27_2020; stk_flow CRE
-- credit, DEB debit, BAL balance; currency e.g. MIO_EUR); bop_item_label is Eurostat's label
-- from the BOP_ITEM code list fetched with the data (NULL where none was stored).
CREATE TABLE remittances_nl_by_partner AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY geo, partner, currency, bop_item, stk_flow, year
        ORDER BY vintage DESC, source_file) AS rank_in_key
    FROM stg_eurostat__bop
    WHERE freq = 'A' AND value IS NOT NULL
)
SELECT geo, partner, currency, bop_item, bop_item_label, stk_flow, year, value, flag,
       source_dataset,
       source_file, vintage
FROM ranked
WHERE rank_in_key = 1
ORDER BY partner, bop_item, stk_flow, currency, year;
