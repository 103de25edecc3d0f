-- Staging: every CBS StatLine file loaded (OData v3 / StatLine CSV, OData v4 observations CSV,
-- OData v3 TypedDataSet pages), all vintages side by side; one row per table × measure ×
-- dimension keys × period as the file lists it. dimensions maps each dimension name to its
-- code (padding stripped), dimension_labels to its label (null where no code list gives one).
-- period_type is year, quarter or month; period_start its first day. value is NULL where the
-- publisher marks the figure missing ("." or null), never 0; flag is CBS's value attribute or
-- period status where not final. table_id 'unidentified:…' is a CBS export that names no table.
-- Columns as the staging Parquet files hold them (etl/sources/<publisher>: year and
-- source_row int32, value float64); dates and small integers are typed here.
CREATE TABLE stg_cbs__statline AS
SELECT * REPLACE (
    CAST(dimensions AS JSON) AS dimensions,
    CAST(dimension_labels AS JSON) AS dimension_labels,
    CAST(period_start AS DATE) AS period_start,
    CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, source_file, table_id, measure, source_row, period_code;
