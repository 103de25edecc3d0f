-- Geographies with return-gap data (orders or returns, all citizenships), with names.
SELECT DISTINCT r.geo, coalesce(g.name, r.geo) AS name, coalesce(g.kind, 'other') AS kind
FROM return_gap AS r
LEFT JOIN eurostat_geo AS g USING (geo)
WHERE r.citizenship_iso3 = 'TOTAL'
ORDER BY kind = 'aggregate' DESC, name;
