-- Policy events between $start and $end that concern any of $routes (or all routes).
SELECT id, date, date_precision, end_date, title, title_nl, routes, route_note, kind, source_name, source_url, confirmed
FROM policy_events
WHERE date BETWEEN $start AND $end
  AND (list_contains(routes, 'ALL') OR len(list_intersect(routes, $routes)) > 0)
ORDER BY date, id;
