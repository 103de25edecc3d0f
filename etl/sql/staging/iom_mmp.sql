-- Staging: every vintage of IOM's Missing Migrants Project table, one row per MMP record
-- (an incident, a part of a split incident, or a cumulative record), as parsed: IOM's route
-- names (mmp_route), country of incident and origins (ISO-3, comma-separated, UNK unknown).
-- Columns as the staging Parquet files hold them (etl/sources/iom.py); dates typed here.
CREATE TABLE stg_iom__mmp AS
SELECT * REPLACE (CAST(incident_date AS DATE) AS incident_date, CAST(month AS DATE) AS month,
                  CAST(vintage AS DATE) AS vintage)
FROM read_parquet($files)
ORDER BY vintage, source_row;
