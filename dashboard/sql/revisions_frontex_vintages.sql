-- Data revisions: the Frontex workbook vintages loaded, oldest first.
SELECT DISTINCT vintage FROM arrivals_monthly_all_vintages ORDER BY vintage;
