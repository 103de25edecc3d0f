-- Sources & provenance: one row per publisher file loaded (the provenance table), in
-- publisher dataset and vintage order.
SELECT dataset, publisher, title, file_name, sha256, size, vintage, source_url, retrieved_at,
       licence, rows, coverage_start, coverage_end, staging_file
FROM provenance
ORDER BY dataset, vintage, file_name;
