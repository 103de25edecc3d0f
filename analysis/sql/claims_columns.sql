-- Columns of the warehouse tables a claim may query ($tables VARCHAR[]), with their types.
SELECT table_name, column_name, data_type
FROM information_schema.columns
WHERE list_contains($tables, table_name)
ORDER BY table_name, ordinal_position;
