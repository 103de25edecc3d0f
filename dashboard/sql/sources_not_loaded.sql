-- Sources & provenance: the expected publisher datasets with no data in this warehouse
-- (coverage rows with loaded = false) and the command that would load each (NULL where no
-- fetcher exists).
SELECT dataset, publisher, description, fetch_command
FROM coverage
WHERE NOT loaded
ORDER BY publisher, dataset;
