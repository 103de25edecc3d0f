-- The codes present in remittances_nl_by_partner, for the partner-transfers pickers:
-- one row per dimension value (kind: partner, item, flow, currency) with its label.
SELECT 'partner' AS kind, partner AS code, partner AS label FROM remittances_nl_by_partner
UNION
SELECT 'item', bop_item, coalesce(bop_item_label, bop_item) FROM remittances_nl_by_partner
UNION
SELECT 'flow', stk_flow, stk_flow FROM remittances_nl_by_partner
UNION
SELECT 'currency', currency, currency FROM remittances_nl_by_partner
ORDER BY kind, code;
