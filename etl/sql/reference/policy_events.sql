-- Policy events (etl/reference/policy_events.csv), one row per event, for the route-shift
-- timeline. routes: semicolon-separated route codes (or ALL); confirmed = false marks an
-- event whose date still needs a second source (shown as unconfirmed in the UI). title_nl:
-- the title in Dutch, shown in the Dutch interface.
CREATE TABLE policy_events AS
SELECT
    id,
    CAST(date AS DATE) AS date,
    date_precision,
    CAST(NULLIF(end_date, '') AS DATE) AS end_date,
    title,
    NULLIF(title_nl, '') AS title_nl,
    CASE WHEN coalesce(routes, '') = '' THEN []::VARCHAR[] ELSE string_split(routes, ';') END AS routes,
    NULLIF(route_note, '') AS route_note,
    kind,
    source_name,
    NULLIF(source_url, '') AS source_url,
    CAST(confirmed AS BOOLEAN) AS confirmed
FROM read_csv($file, header = true, all_varchar = true)
ORDER BY date, id;
