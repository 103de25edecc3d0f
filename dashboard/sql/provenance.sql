-- One row per loaded dataset vintage, newest first.
SELECT * FROM provenance ORDER BY dataset, vintage DESC;
