-- Every policy event, oldest first (route-shift page's event picker).
SELECT id, date, date_precision, end_date, title, title_nl, array_to_string(routes, ';') AS routes,
       route_note, kind, source_name, source_url, confirmed
FROM policy_events
ORDER BY date, id;
