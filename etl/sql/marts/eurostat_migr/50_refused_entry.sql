-- Third-country nationals refused entry at the external borders (migr_eirfs), one row per
-- geo × year × citizenship (totals over border type and reason). Values from
-- eurostat_annual (latest vintage per value).
CREATE TABLE refused_entry AS FROM persons_series('refused_entry');
