-- Coverage of the MMP table loaded: per MMP route (geo = the route as IOM names it), first
-- and last year with a record, newest vintage.
CREATE TABLE coverage__iom_mmp AS
SELECT
    'iom_mmp' AS dataset,
    mmp_route AS geo,
    CAST(min(year(month)) AS INTEGER) AS first_year,
    CAST(max(year(month)) AS INTEGER) AS last_year,
    max(vintage) AS vintage
FROM stg_iom__mmp
GROUP BY mmp_route
ORDER BY geo;
